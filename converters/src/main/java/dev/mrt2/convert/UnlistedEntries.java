package dev.mrt2.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.convert.codebooks.CodebookExporter;
import dev.mrt2.convert.sos.SosInputExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an output folder holds besides the artifacts of the run that just wrote it: packages of another checkpoint, of
 * an earlier run with other pieces, a checkpoint, a stray file. None of it is listed in the run's SHA256SUMS or
 * MODELS.md; each is reported, with where it came from when its export metadata says.
 */
public final class UnlistedEntries {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UnlistedEntries() {}

    /**
     * One entry. {@code checkpointSha256}: the sha256 of the checkpoint an mrt2 artifact was converted from (from its
     * export metadata), or null when it is not an mrt2 artifact or does not say.
     */
    public record Entry(String name, String checkpointSha256, boolean sameCheckpoint) {
        /** "MRT2DepthBody.mlpackage (from another checkpoint, sha256 0123456789ab…)", or the bare name. */
        public String describe() {
            if (checkpointSha256 == null) {
                return name;
            }
            return name + (sameCheckpoint ? " (an earlier run of this checkpoint)"
                    : " (from another checkpoint, sha256 " + checkpointSha256.substring(0, Math.min(12,
                    checkpointSha256.length())) + "…)");
        }
    }

    /** {@code names} (top level in {@code folder}), with the checkpoint each artifact names. */
    static List<Entry> classify(Path folder, List<String> names, String checkpointSha256) {
        List<Entry> out = new ArrayList<>();
        for (String name : names) {
            String source = sourceCheckpoint(folder, name);
            out.add(new Entry(name, source, checkpointSha256.equals(source)));
        }
        return out;
    }

    /** The checkpoint sha256 recorded for an mrt2 artifact: in its export metadata, or the codebook sidecar. */
    private static String sourceCheckpoint(Path folder, String name) {
        if (name.endsWith(".mlpackage")) {
            return field(folder.resolve(ExportMetadata.sidecarName(name)), "source_checkpoint_sha256");
        }
        if (name.endsWith("_export_metadata.json")) {
            return field(folder.resolve(name), "source_checkpoint_sha256");
        }
        if (name.equals(CodebookExporter.BIN) || name.equals(CodebookExporter.SIDECAR)) {
            return field(folder.resolve(CodebookExporter.SIDECAR), "checkpoint_sha256");
        }
        if (name.equals(SosInputExporter.BIN) || name.equals(SosInputExporter.SIDECAR)) {
            return field(folder.resolve(SosInputExporter.SIDECAR), "checkpoint_sha256");
        }
        return null;
    }

    private static String field(Path json, String key) {
        if (!Files.isRegularFile(json)) {
            return null;
        }
        try {
            JsonNode value = JSON.readTree(json.toFile()).path(key);
            return value.isTextual() ? value.asText() : null;
        } catch (IOException e) {
            return null;   // unreadable metadata: reported as an entry of unknown origin
        }
    }
}
