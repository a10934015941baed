package dev.mrt2.cli;

import dev.mrt2.host.StageTimes;
import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.host.decode.TokenFrames;
import dev.mrt2.host.decode.WindowPlan;
import dev.mrt2.host.decode.WindowedDecoder;
import dev.mrt2.host.render.AudioChecks;
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
import picocli.CommandLine.Spec;

@Command(name = "decode", mixinStandardHelpOptions = true,
        header = "Turn token frames into a WAV: codebook gather-sum, decoder windows, inverse STFT.",
        description = {
            "Reads [F, 12] token frames (unique ids 6 + 1024 level + code like the published "
                    + "generated_tokens_unique.npy, or codes 0..1023 with --raw-codes), sums each frame's codebook "
                    + "rows, decodes windows of T tokens with context (MODELS.md section 5) and synthesises the audio "
                    + "with the inverse STFT and overlap-add (section 6). F frames give the audio of F - 1 of them "
                    + "(the last is the decoder's lookahead): 1920 (F - 1) samples per channel at 48 kHz.",
            "With F <= T the audio equals one decode of the whole sequence followed by that inverse STFT."})
final class DecodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Mixin
    EngineOptions engine;

    @Mixin
    AudioOptions audio;

    @Option(names = "--codes", required = true, paramLabel = "FILE.npy", description = "Token frames [F, 12].")
    Path codes;

    @Option(names = "--raw-codes", description = "The file holds codebook-local codes 0..1023, not unique ids.")
    boolean rawCodes;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        engine.check();
        audio.check();
        List<OutputFiles.Named> inputs = new ArrayList<>(engine.inputs());
        inputs.add(new OutputFiles.Named("--codes", codes));
        OutputFiles.requireDistinct(spec, inputs, audio.outputs(), List.of());
        long t0 = System.nanoTime();
        StageTimes times = new StageTimes();
        float[][] pcm;
        WindowPlan plan;
        String decoderName;
        double flops;
        try (AudioDecoder decoder = engine.openDecoder()) {
            decoderName = decoder.describe();
            int[][] frames = TokenFrames.read(codes, decoder.levels(), decoder.codebookSize(), rawCodes);
            int hop = engine.hop(decoder.frames());
            plan = WindowPlan.of(frames.length, decoder.frames(), hop);
            console.progress(String.format(Locale.ROOT, "decode: %d token frames, %d windows of %d (hop %d), %s",
                    frames.length, plan.windows().size(), plan.frames(), hop, decoderName));
            engine.warnIfInexact(console, plan);
            pcm = WindowedDecoder.decodeAll(decoder, frames, hop, audio.window(), times, null);
            flops = decoder.flops();
        }
        try {
            AudioChecks.requireFinite(pcm, decoderName);
        } catch (AudioChecks.NonFiniteAudioException e) {
            throw new ExitException(ExitCodes.FAILURE, e.getMessage());
        }
        Map<String, Object> facts = audio.write(pcm);
        double wall = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new TreeMap<>(facts);
        m.put("codes", codes.toString());
        m.put("token_frames", plan.tokens());
        m.put("engine", engine.label());
        m.put("decoder", decoderName);
        m.put("decoder_frames", plan.frames());
        m.put("hop", plan.hop());
        m.put("windows", plan.windows().size());
        m.put("decoder_gflop", gflop(flops));
        m.put("exact_windows", plan.exact());
        m.put("stage_seconds", times.secondsByStage());
        m.put("wall_seconds", wall);
        if (output.json) {
            console.json(m);
        } else {
            console.result(String.format(Locale.ROOT, "%s: %.2f s, %d Hz, %d channels, %s, sha256 %s", audio.out,
                    (double) facts.get("seconds"), (int) facts.get("sample_rate"), (int) facts.get("channels"),
                    facts.get("format"), facts.get("sha256")));
            if (audio.spectrogram != null) {
                console.result("spectrogram: " + audio.spectrogram);
            }
        }
        return ExitCodes.OK;
    }

    /** The decoder's arithmetic for the JSON report, in GFLOP to one decimal; null when the decoder does not count it. */
    static Double gflop(double flops) {
        return Double.isNaN(flops) ? null : Math.round(flops / 1e8) / 10.0;
    }
}
