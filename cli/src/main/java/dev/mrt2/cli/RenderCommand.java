package dev.mrt2.cli;

import dev.mrt2.host.conditioning.ConditioningFile;
import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.host.decode.TokenFrames;
import dev.mrt2.host.decode.WindowPlan;
import dev.mrt2.host.engine.TokenGenerator;
import dev.mrt2.host.render.AudioChecks;
import dev.mrt2.host.render.GoldenWriter;
import dev.mrt2.host.render.Renderer;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.Npy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "render", mixinStandardHelpOptions = true,
        header = "Generate music: the corrected-generation frame loop on the packages (or the reference), to a WAV.",
        description = {
            "Per 40 ms frame: the carry temporal step with the host ring (MODELS.md 10.1), the in-graph depth rollout "
                    + "with seeded Gumbel noise (SplitMix64, spec 3.8) and 1 / max(0.05, T), the codebook gather-sum, "
                    + "decoder windows with context and the inverse STFT. S seconds take 25 S + 1 token frames (the "
                    + "last is the decoder's lookahead) and give exactly 48000 S samples per channel. Same inputs, "
                    + "seed and engine give the same bytes.",
            "Conditioning: a file from 'mrt2 condition', or the port's published [1, 256] .bin (+ .json) as it is; "
                    + "frame s uses row min(s, rows - 1). Guidance is what the conditioning's CFG tokens say: Google's "
                    + "engine also applies logit guidance with two negative batches, which these packages cannot "
                    + "reproduce, so the same scales do not give that engine's music.",
            "Progress shows frames, seconds of audio and the real-time factor; the result gives the time per stage. "
                    + "With two or more cores the packages engine decodes on a core of its own beside the token loop "
                    + "(the stage times then overlap; the same bytes; -Dmrt2.render.overlap=off in MRT2_JAVA_OPTS takes "
                    + "turns)."})
final class RenderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Mixin
    EngineOptions engine;

    @Mixin
    AudioOptions audio;

    @Option(names = "--conditioning", required = true, paramLabel = "FILE",
            description = "source_encoded rows: NAME.bin ([F, 256] little-endian float32) or its NAME.json sidecar, "
                    + "or the rows as a NumPy .npy ([S], [F, S] or [1, F, S]).")
    Path conditioning;

    @Option(names = "--seconds", required = true, paramLabel = "S", description = "Seconds of audio (multiple of 0.04).")
    double seconds;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
            description = "Seed of the Gumbel noise (SplitMix64; 0 is replaced by the golden gamma). Default: "
                    + "${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--temperature", defaultValue = "1.3", paramLabel = "T",
            description = "Sampling temperature; 0 = argmax (no noise). Top-k 40 is baked into the rollout. Default: "
                    + "${DEFAULT-VALUE}.")
    float temperature;

    @Option(names = "--tokens-out", paramLabel = "FILE.npy", description = "Also write the tokens: [F, 12] int32 unique ids.")
    Path tokensOut;

    @Option(names = "--golden", paramLabel = "DIR",
            description = "Also write every frame's and window's host-side tensors as .npy (MODELS.md 11.5).")
    Path golden;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        engine.check();
        audio.check();
        int frames;
        try {
            frames = Renderer.Request.framesFor(seconds);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new ParameterException(spec.commandLine(), "--temperature " + temperature + ": must be 0 or more");
        }
        try {
            Renderer.overlapSetting();
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, e.getMessage());
        }
        OutputFiles.requireWritable(tokensOut);
        List<OutputFiles.Named> inputs = new ArrayList<>(engine.inputs());
        inputs.add(new OutputFiles.Named("--conditioning", conditioning));
        inputs.add(new OutputFiles.Named("--conditioning's rows", ConditioningFile.binOf(conditioning)));
        inputs.add(new OutputFiles.Named("--conditioning's sidecar",
                ConditioningFile.sidecarOf(ConditioningFile.binOf(conditioning))));
        List<OutputFiles.Named> outputs = new ArrayList<>(audio.outputs());
        outputs.add(new OutputFiles.Named("--tokens-out", tokensOut));
        OutputFiles.requireDistinct(spec, inputs, outputs, List.of(new OutputFiles.Named("--golden", golden)));
        GoldenWriter goldenWriter = golden == null ? null : GoldenWriter.create(golden);
        long t0 = System.nanoTime();
        Renderer.Result result;
        String generatorName;
        String decoderName;
        double loadSeconds;
        int codebookSize;
        double decoderFlops;
        try (TokenGenerator generator = engine.openGenerator(); AudioDecoder decoder = engine.openDecoder()) {
            loadSeconds = (System.nanoTime() - t0) / 1e9;
            generatorName = generator.describe();
            decoderName = decoder.describe();
            codebookSize = generator.codebookSize();
            float[][] rows = ConditioningFile.read(conditioning, generator.sourceDim());
            int hop = engine.hop(decoder.frames());
            console.progress(String.format(Locale.ROOT, "render: %.2f s = %d token frames, seed %d, T %s; %s; %s "
                    + "(windows of %d, hop %d); loaded in %.1f s", seconds, frames, seed, temperature, generatorName,
                    decoderName, decoder.frames(), hop, loadSeconds));
            engine.warnIfInexact(console, WindowPlan.of(frames, decoder.frames(), hop));
            Renderer.Request request = new Renderer.Request(rows, frames, seed, temperature, hop, audio.window());
            result = Renderer.run(generator, decoder, request, console.tasks(), goldenWriter);
            decoderFlops = decoder.flops();
            if (goldenWriter != null) {
                goldenWriter.finish(goldenSettings(request, result, generatorName, decoderName, rows.length));
            }
        } catch (RuntimeException e) {
            if (goldenWriter != null) {
                goldenWriter.abandon();
            }
            if (e instanceof AudioChecks.NonFiniteAudioException) {
                throw new ExitException(ExitCodes.FAILURE, e.getMessage());
            }
            throw e;
        }
        Map<String, Object> facts = audio.write(result.pcm());
        if (tokensOut != null) {
            Npy.write(tokensOut, TokenFrames.uniqueIds(result.codes(), codebookSize));
        }
        Map<String, Object> m = new TreeMap<>(facts);
        m.put("conditioning", conditioning.toString());
        m.put("token_frames", frames);
        m.put("seed", seed);
        m.put("temperature", Double.parseDouble(Float.toString(temperature)));
        m.put("engine", engine.label());
        m.put("generator", generatorName);
        m.put("decoder", decoderName);
        m.put("decoder_frames", result.plan().frames());
        m.put("hop", result.plan().hop());
        m.put("windows", result.plan().windows().size());
        m.put("decoder_gflop", DecodeCommand.gflop(decoderFlops));
        m.put("exact_windows", result.plan().exact());
        m.put("tokens_out", tokensOut == null ? null : tokensOut.toString());
        m.put("golden", golden == null ? null : golden.toString());
        m.put("load_seconds", loadSeconds);
        m.put("loop_seconds", result.wallSeconds());
        m.put("stage_seconds", result.times().secondsByStage());
        m.put("decoder_overlapped", result.overlapped());
        m.put("real_time_factor", result.realTimeFactor());
        if (output.json) {
            console.json(m);
        } else {
            console.result(String.format(Locale.ROOT, "%s: %.2f s, %d Hz, %d channels, %s, sha256 %s", audio.out,
                    result.audioSeconds(), Mrt2Constants.SAMPLE_RATE, result.pcm().length, facts.get("format"),
                    facts.get("sha256")));
            console.result(stageLine(result));
            if (tokensOut != null) {
                console.result("tokens: " + tokensOut);
            }
            if (golden != null) {
                console.result("golden: " + golden);
            }
            if (audio.spectrogram != null) {
                console.result("spectrogram: " + audio.spectrogram);
            }
        }
        return ExitCodes.OK;
    }

    /** "loop 12.3 s for 2.00 s of audio (x0.16 real time): temporal 1.0 s, rollout ... (decoder ... beside the loop)" */
    static String stageLine(Renderer.Result r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "loop %.2f s for %.2f s of audio (x%.3f real time):", r.wallSeconds(), r.audioSeconds(),
                r.realTimeFactor()));
        String sep = " ";
        for (Map.Entry<String, Double> e : r.times().secondsByStage().entrySet()) {
            b.append(sep).append(String.format(Locale.ROOT, "%s %.2f s", e.getKey(), e.getValue()));
            sep = ", ";
        }
        if (r.overlapped()) {
            b.append(" (decoder and iSTFT on their own core, beside the loop)");
        }
        return b.toString();
    }

    private Map<String, Object> goldenSettings(Renderer.Request request, Renderer.Result result, String generator,
                                               String decoder, int rows) {
        Map<String, Object> m = new TreeMap<>();
        m.put("frames", request.frames());
        m.put("seconds", seconds);
        m.put("seed", seed);
        m.put("temperature", Double.parseDouble(Float.toString(temperature)));
        m.put("conditioning_rows", rows);
        m.put("generator", generator);
        m.put("decoder", decoder);
        m.put("decoder_frames", result.plan().frames());
        m.put("hop", result.plan().hop());
        m.put("istft_window", audio.istftWindow.toLowerCase(Locale.ROOT));
        m.put("samples_per_channel", result.pcm()[0].length);
        m.put("noise", "SplitMix64(seed), Gumbel -ln(-ln(max(u, 1e-7))), [L, C] per frame in frame order");
        return m;
    }
}
