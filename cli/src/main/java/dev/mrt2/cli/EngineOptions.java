package dev.mrt2.cli;

import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.host.decode.WindowPlan;
import dev.mrt2.host.engine.PackageAudioDecoder;
import dev.mrt2.host.engine.PackageGenerator;
import dev.mrt2.host.engine.Precision;
import dev.mrt2.host.engine.TokenGenerator;
import dev.mrt2.validate.engine.ReferenceAudioDecoder;
import dev.mrt2.validate.engine.ReferenceGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Which engine turns tokens into audio (and, for render, conditioning into tokens): the converted packages on our
 * executor, or the independent reference straight from the checkpoint. Shared by {@code decode} and {@code render}.
 */
final class EngineOptions {
    static final String PACKAGES = "packages";
    static final String REFERENCE = "reference";
    static final int DEFAULT_REFERENCE_FRAMES = 25;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--engine", defaultValue = PACKAGES, paramLabel = "E",
            description = "packages (default: the .mlpackages in --models, on this machine's executor) or reference "
                    + "(computed from --checkpoint by the independent reference, no packages).")
    String engine;

    @Option(names = "--models", paramLabel = "DIR", description = "Folder written by mrt2 convert (packages engine).")
    Path models;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "The checkpoint (reference engine).")
    Path checkpoint;

    @Option(names = "--precision", defaultValue = "fp16", paramLabel = "P",
            description = "Package chain: fp16 (the shipped packages: FP16 carry step, rollout and decoder; convert "
                    + "--generation corrected) or fp32 (FP32 carry step, rollout and decoder; convert --generation "
                    + "reference). Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--decoder-frames", paramLabel = "T",
            description = "Reference engine: tokens per decoder window (default 25, like the default package). A "
                    + "package's window is fixed when it is converted.")
    Integer decoderFrames;

    @Option(names = "--hop", paramLabel = "H",
            description = "Tokens between decoder windows. Default T - 14 (11 for T = 25): 13 context tokens, every "
                    + "sample equal to one continuous decode. 12 is the iPhone port's choice (its first two STFT "
                    + "frames per window differ slightly).")
    Integer hop;

    boolean reference() {
        return switch (engine.toLowerCase(Locale.ROOT)) {
            case PACKAGES -> false;
            case REFERENCE -> true;
            default -> throw new ParameterException(mixee.commandLine(), "--engine " + engine
                    + ": expected packages or reference");
        };
    }

    Precision precision() {
        return switch (precision.toLowerCase(Locale.ROOT)) {
            case "fp16" -> Precision.FP16;
            case "fp32" -> Precision.FP32;
            default -> throw new ParameterException(mixee.commandLine(), "--precision " + precision
                    + ": expected fp16 or fp32");
        };
    }

    /** Usage errors before anything is loaded. */
    void check() {
        precision();
        if (reference()) {
            if (checkpoint == null) {
                throw new ParameterException(mixee.commandLine(), "--engine reference needs --checkpoint FILE");
            }
            for (String packagesOnly : new String[] {"--models", "--precision"}) {
                if (given(packagesOnly)) {
                    throw new ParameterException(mixee.commandLine(), packagesOnly + " applies to --engine packages; "
                            + "--engine reference computes from --checkpoint alone");
                }
            }
            if (decoderFrames != null && decoderFrames < 2) {
                throw new ParameterException(mixee.commandLine(), "--decoder-frames " + decoderFrames
                        + ": needs 2 or more");
            }
        } else {
            if (models == null) {
                throw new ParameterException(mixee.commandLine(), "--models DIR is required (or --engine reference "
                        + "--checkpoint FILE)");
            }
            if (decoderFrames != null) {
                throw new ParameterException(mixee.commandLine(), "--decoder-frames applies to --engine reference; "
                        + "a package's window is fixed when it is converted (mrt2 convert --decoder-frames)");
            }
            if (checkpoint != null) {
                throw new ParameterException(mixee.commandLine(), "--checkpoint applies to --engine reference; "
                        + "--engine packages runs the packages in --models");
            }
        }
    }

    /** Whether the option was on the command line (not only its default). */
    private boolean given(String option) {
        return mixee.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The files and folders this engine reads, for {@link OutputFiles#requireDistinct}. */
    List<OutputFiles.Named> inputs() {
        return List.of(new OutputFiles.Named("--models", models), new OutputFiles.Named("--checkpoint", checkpoint));
    }

    /**
     * A warning when the windows are too short for their context: windows of fewer than {@code 13 + 2} tokens at the
     * default hop differ from one continuous decode. Nothing when --hop was chosen (the port's 12 is a choice) or one
     * window covers every token.
     */
    void warnIfInexact(Console console, WindowPlan plan) {
        if (hop == null && !plan.exact()) {
            console.warn(String.format(Locale.ROOT, "decoder windows of %d tokens leave %d context tokens, fewer than "
                    + "the %d an exact decode needs: the audio differs from one continuous decode (windows of %d "
                    + "or more tokens are exact)", plan.frames(), plan.context(), WindowPlan.EXACT_CONTEXT,
                    WindowPlan.EXACT_CONTEXT + 2));
        }
    }

    AudioDecoder openDecoder() {
        return reference()
                ? ReferenceAudioDecoder.open(checkpoint, decoderFrames == null ? DEFAULT_REFERENCE_FRAMES : decoderFrames)
                : PackageAudioDecoder.open(models, precision());
    }

    TokenGenerator openGenerator() {
        return reference() ? ReferenceGenerator.open(checkpoint) : PackageGenerator.open(models, precision());
    }

    /** The hop for a decoder window of T tokens: --hop, or 13 context tokens. */
    int hop(int frames) {
        int h = hop == null ? WindowPlan.exactHop(frames) : hop;
        if (h < 1 || h > frames - 1) {
            throw new ParameterException(mixee.commandLine(), "--hop " + h + " outside 1.." + (frames - 1) + " for "
                    + frames + "-token decoder windows");
        }
        return h;
    }

    /** "packages fp16" or "reference". */
    String label() {
        return reference() ? REFERENCE : PACKAGES + " " + precision().name().toLowerCase(Locale.ROOT);
    }
}
