package dev.mrt2.host.engine;

import dev.mrt2.convert.DecoderConverter;
import dev.mrt2.convert.DecoderF16Converter;
import dev.mrt2.convert.DepthRolloutConverter;
import dev.mrt2.convert.TemporalCarryConverter;

/**
 * Which corrected-generation chain runs: the shipped FP16 packages ({@code mrt2 convert --generation corrected}) or the
 * all-FP32 chain ({@code --generation reference}) that renders token for token like the reference.
 */
public enum Precision {
    FP16(TemporalCarryConverter.PACKAGE_NAME, DepthRolloutConverter.F16_PACKAGE, DecoderF16Converter.PACKAGE_NAME,
            "corrected"),
    FP32(TemporalCarryConverter.F32_PACKAGE_NAME, DepthRolloutConverter.F32_PACKAGE, DecoderConverter.PACKAGE_NAME,
            "reference");

    private final String temporal;
    private final String rollout;
    private final String decoder;
    private final String generation;

    Precision(String temporal, String rollout, String decoder, String generation) {
        this.temporal = temporal;
        this.rollout = rollout;
        this.decoder = decoder;
        this.generation = generation;
    }

    public String temporalPackage() {
        return temporal;
    }

    public String rolloutPackage() {
        return rollout;
    }

    public String decoderPackage() {
        return decoder;
    }

    /** The {@code mrt2 convert --generation} that writes this chain. */
    public String generation() {
        return generation;
    }
}
