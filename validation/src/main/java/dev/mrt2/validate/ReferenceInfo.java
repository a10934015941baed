package dev.mrt2.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Where a run's expected values came from, for receipts: the sources and the checkpoint identity (null when unknown,
 * as for the port's published set without {@code --checkpoint}).
 *
 * @param source           e.g. {@code fixtures seed-fixtures}, {@code checkpoint tiny.safetensors}, or both joined
 *                         with {@code " + "} (fixtures first: their cases win, the checkpoint computes the rest)
 * @param checkpoint       the checkpoint's file name, or null
 * @param checkpointSha256 its SHA-256, or null
 * @param seed             seed of the generated inputs, or null
 */
@JsonPropertyOrder(alphabetic = true)
public record ReferenceInfo(@JsonProperty("source") String source, @JsonProperty("checkpoint") String checkpoint,
                            @JsonProperty("checkpoint_sha256") String checkpointSha256,
                            @JsonProperty("seed") Long seed) {}
