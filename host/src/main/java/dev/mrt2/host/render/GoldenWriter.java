package dev.mrt2.host.render;

import dev.mrt2.convert.SortedJson;
import dev.mrt2.host.decode.WindowPlan;
import dev.mrt2.host.decode.WindowedDecoder;
import dev.mrt2.host.engine.RolloutFrame;
import dev.mrt2.io.AtomicFile;
import dev.mrt2.io.FileTrees;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code mrt2 render --golden DIR}: every host-side tensor of every frame and decoder window as {@code .npy}, shaped
 * as the packages take them, so a Swift host can check its loop step by step (MODELS.md, "Golden files"). Written into
 * a temp sibling of DIR and renamed when the render is complete, so DIR is whole or absent.
 *
 * <pre>
 * DIR/golden.json                      index: settings, shapes, the window plan
 * DIR/frames/NNNNNN/source_encoded.npy     [1, 1, S] f32    the conditioning row fed at frame N
 *                   temporal_inputs.npy    [1, 1, D] f32    sqrt(D) Emb[0] at N = 0, else frame N-1's feedback
 *                   cache_valid_bias.npy   [1, 1, 1, 43] f32  (packages only) the carry step's bias at step N
 *                   temporal_outputs.npy   [1, 1, D] f32
 *                   gumbel_noise.npy       [L, C] f32
 *                   inverse_temperature.npy [1] f32
 *                   sampled_codes.npy      [L] i32          codebook-local codes
 *                   temporal_feedback.npy  [1, D] f32
 * DIR/windows/NNNN/decoder_embeddings.npy  [1, T, E] f32    codebook sums (zero rows past the last token)
 *                  decoder_stft.npy        [1, 4T-4, 480, 4] f32  the decoder's whole output
 *                  pcm.npy                 [2, 1920 h] f32  samples the window's emitted rows add (before the WAV gain)
 * </pre>
 */
public final class GoldenWriter implements WindowedDecoder.Listener {
    public static final String SCHEMA = "mrt2-render-golden-v1";

    private final Path target;
    private final Path staging;
    private final List<Map<String, Object>> windows = new ArrayList<>();
    /** Removes the staged files when the JVM is stopped (Ctrl-C, SIGTERM) before finish or abandon. */
    private final Thread cleanUpOnExit;

    private GoldenWriter(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
        this.cleanUpOnExit = new Thread(() -> delete(staging), "mrt2-golden-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanUpOnExit);
    }

    /**
     * Stages into {@code .NAME.mrt2-staging} beside {@code target}, which must be absent or an empty folder. A staging
     * folder already there is what a killed render left (SIGKILL runs no clean-up) and is removed first.
     */
    public static GoldenWriter create(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        try {
            if (Files.exists(abs) && !(Files.isDirectory(abs) && isEmpty(abs))) {
                throw new UncheckedIOException(new IOException(target + ": exists and is not an empty folder; "
                        + "golden files go into a new folder"));
            }
            Files.createDirectories(abs.getParent());
            Path staging = abs.resolveSibling("." + abs.getFileName() + ".mrt2-staging");
            delete(staging);
            Files.createDirectory(staging);    // the umask's permissions, like the folder it becomes
            return new GoldenWriter(abs, staging);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** One frame's tensors. */
    public void frame(int index, float[] source, float[] input, float[] bias, float[] output, float[] noise,
                      int levels, float inverseTemperature, RolloutFrame frame) {
        Path dir = staging.resolve("frames").resolve(String.format(java.util.Locale.ROOT, "%06d", index));
        write(dir, "source_encoded", NdArray.f32(new int[] {1, 1, source.length}, source));
        write(dir, "temporal_inputs", NdArray.f32(new int[] {1, 1, input.length}, input));
        if (bias != null) {
            write(dir, "cache_valid_bias", NdArray.f32(new int[] {1, 1, 1, bias.length}, bias));
        }
        write(dir, "temporal_outputs", NdArray.f32(new int[] {1, 1, output.length}, output));
        write(dir, "gumbel_noise", NdArray.f32(new int[] {levels, noise.length / levels}, noise));
        write(dir, "inverse_temperature", NdArray.f32(new int[] {1}, new float[] {inverseTemperature}));
        write(dir, "sampled_codes", NdArray.i32(new int[] {frame.codes().length}, frame.codes()));
        write(dir, "temporal_feedback", NdArray.f32(new int[] {1, frame.feedback().length}, frame.feedback()));
    }

    @Override
    public void window(int index, WindowPlan.Window window, float[][] embeddings, float[] stft, float[][] pcm) {
        Path dir = staging.resolve("windows").resolve(String.format(java.util.Locale.ROOT, "%04d", index));
        int t = embeddings.length;
        int e = embeddings[0].length;
        float[] flat = new float[t * e];
        for (int i = 0; i < t; i++) {
            System.arraycopy(embeddings[i], 0, flat, i * e, e);
        }
        write(dir, "decoder_embeddings", NdArray.f32(new int[] {1, t, e}, flat));
        write(dir, "decoder_stft", NdArray.f32(new int[] {1, stft.length / (480 * 4), 480, 4}, stft));
        float[] interleaved = new float[pcm.length * pcm[0].length];
        for (int a = 0; a < pcm.length; a++) {
            System.arraycopy(pcm[a], 0, interleaved, a * pcm[0].length, pcm[0].length);
        }
        write(dir, "pcm", NdArray.f32(new int[] {pcm.length, pcm[0].length}, interleaved));
        Map<String, Object> w = new TreeMap<>();
        w.put("index", index);
        w.put("start_token", window.start());
        w.put("tokens", window.length());
        w.put("first_emitted_row", window.firstRow());
        w.put("emitted_rows", window.rows());
        w.put("first_emitted_token", window.firstToken());
        windows.add(w);
    }

    /** Writes the index and moves the staged folder into place. */
    public void finish(Map<String, Object> settings) {
        Map<String, Object> index = new TreeMap<>(settings);
        index.put("schema", SCHEMA);
        index.put("windows", windows);
        AtomicFile.write(staging.resolve("golden.json"), SortedJson.write(index).getBytes(StandardCharsets.UTF_8));
        try {
            Files.deleteIfExists(target);   // an empty folder, checked in create()
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot write: " + e.getMessage(), e);
        }
        releaseHook();
    }

    /** Removes the staged files (a failed render leaves no golden folder). */
    public void abandon() {
        delete(staging);
        releaseHook();
    }

    private void releaseHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanUpOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway; the staging folder is gone or about to be
        }
    }

    /** Deletes a folder and everything in it, best effort: the caller's own failure is the one to report. */
    private static void delete(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static void write(Path dir, String name, NdArray array) {
        Npy.write(dir.resolve(name + ".npy"), array);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.findAny().isEmpty();
        }
    }
}
