package dev.mrt2.validate;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npy;
import dev.mrt2.tensor.Npz;
import dev.mrt2.validate.fixtures.DeviceFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes a {@link ReferenceSet} as a fixtures folder {@link FixtureFolder} reads back. The cases the port publishes
 * go into the port's own files (mrt2-model.md §8.3: same names, members, dtypes and zip storage modes; the device
 * fixture's JSON in its byte layout), so one reader serves both; {@link Format#MRT2} adds our files for the other
 * cases. The manifest goes last, so a complete manifest means complete files. Same reference, same bytes.
 */
public final class FixtureWriter {
    /** {@code mrt2 fixtures generate --format}. */
    public enum Format {
        /** Every case: the published files plus token arms, rollouts, decoder and the codebook identity. */
        MRT2,
        /** Only the port's published files (and our manifest naming the checkpoint, which the port's readers ignore). */
        SEED
    }

    private FixtureWriter() {}

    /** @return every file written, manifest last */
    public static List<Path> write(ReferenceSet ref, Path dir, Format format) {
        List<Path> written = new ArrayList<>();
        SortedMap<String, String> inputs = new TreeMap<>();
        if (ref.stream() != null) {
            written.addAll(stream(ref.stream(), dir, inputs));
        }
        if (ref.unrolled() != null) {
            written.add(unrolled(ref.unrolled(), dir, inputs));
        }
        if (ref.generated() != null) {
            Path file = dir.resolve(FixtureFiles.TOKENS);
            Npy.write(file, Tensors.i32(ref.generated().ids()));
            inputs.put(FixtureFiles.TOKENS, ref.generated().origin().inputs());
            written.add(file);
        }
        if (format == Format.MRT2) {
            ref.arms().forEach(a -> written.add(tokenArm(a, dir, inputs)));
            ref.rollouts().forEach(a -> written.add(rollout(a, dir, inputs)));
            if (ref.decoder() != null) {
                written.add(decoder(ref.decoder(), dir, inputs));
            }
        }
        FixtureManifest manifest = new FixtureManifest(ref.checkpointName(), ref.checkpointSha256(),
                ref.seed() == null ? 0 : ref.seed(), inputs, format == Format.MRT2 ? ref.codebooks() : null);
        manifest.write(dir);
        written.add(dir.resolve(FixtureFiles.MANIFEST));
        return written;
    }

    /** {@code temporal_streaming_carry_<N>.npz} (deflated, like np.savez_compressed) and its device fixture. */
    private static List<Path> stream(ReferenceSet.TemporalStream s, Path dir, SortedMap<String, String> inputs) {
        int n = s.steps();
        Path npz = dir.resolve(FixtureFiles.stream(n));
        Npz.writeCompressed(npz, streamArrays(s));
        writeDeviceFixture(s, dir);
        inputs.put(FixtureFiles.stream(n), s.origin().inputs());
        inputs.put(FixtureFiles.deviceFixture(n), s.origin().inputs());
        List<Path> files = new ArrayList<>(List.of(npz));
        deviceFixtureFiles(n).forEach(f -> files.add(dir.resolve(f)));
        return files;
    }

    /**
     * The streaming case as the port's device fixture in {@code dir} (its JSON layout and raw float32 files, byte for
     * byte); {@code device-bench --fixtures} hands the same files to the runner. Returns the manifest.
     */
    public static Path writeDeviceFixture(ReferenceSet.TemporalStream s, Path dir) {
        return new DeviceFixture(DeviceFixture.SCHEMA, s.steps(), Mrt2Constants.WINDOW, streamArrays(s))
                .write(dir, FixtureFiles.deviceBase(s.steps()));
    }

    /** The device fixture's file names for N steps, manifest first. */
    public static List<String> deviceFixtureFiles(int steps) {
        List<String> names = new ArrayList<>(List.of(FixtureFiles.deviceFixture(steps)));
        for (String array : List.of(FixtureFiles.STREAM_OUTPUTS, FixtureFiles.STREAM_SOURCES,
                FixtureFiles.STREAM_INPUTS)) {
            names.add(FixtureFiles.deviceBase(steps) + "_" + array + "_f32.bin");
        }
        return names;
    }

    /** §8.3 shapes: temporal_inputs [N, 1, 1, D], source_encoded [N, 1, 1, S], reference_outputs [1, N, D]. */
    private static SortedMap<String, NdArray> streamArrays(ReferenceSet.TemporalStream s) {
        int n = s.steps();
        SortedMap<String, NdArray> arrays = new TreeMap<>();
        arrays.put(FixtureFiles.STREAM_INPUTS, Tensors.f32(new int[] {n, 1, 1, s.inputs()[0].length}, s.inputs()));
        arrays.put(FixtureFiles.STREAM_SOURCES, Tensors.f32(new int[] {n, 1, 1, s.sources()[0].length}, s.sources()));
        arrays.put(FixtureFiles.STREAM_OUTPUTS, Tensors.f32(new int[] {1, n, s.outputs()[0].length}, s.outputs()));
        return arrays;
    }

    /** {@code reference_temporal_unrolled.npz} (stored, like np.savez). */
    private static Path unrolled(ReferenceSet.Unrolled u, Path dir, SortedMap<String, String> inputs) {
        int f = u.frames();
        int levels = u.tokens()[0].length;
        int d = u.temporalInputs()[0].length;
        SortedMap<String, NdArray> arrays = new TreeMap<>();
        arrays.put(FixtureFiles.UNROLLED_TOKENS, Tensors.i32(u.tokens()));
        arrays.put(FixtureFiles.UNROLLED_INPUTS, Tensors.f32(new int[] {1, f, d}, u.temporalInputs()));
        arrays.put(FixtureFiles.UNROLLED_SOURCES, Tensors.f32(new int[] {1, f, u.sources()[0].length}, u.sources()));
        arrays.put(FixtureFiles.UNROLLED_OUTPUTS, Tensors.f32(new int[] {1, f, d}, u.temporalOutputs()));
        arrays.put(FixtureFiles.UNROLLED_PREFIX, Tensors.f32(new int[] {f, levels - 1, d}, u.prefix()));
        arrays.put(FixtureFiles.UNROLLED_LOGITS, Tensors.f32(new int[] {f, levels, u.depthLogits()[0][0].length},
                u.depthLogits()));
        Path file = dir.resolve(FixtureFiles.UNROLLED);
        Npz.write(file, arrays);
        inputs.put(FixtureFiles.UNROLLED, u.origin().inputs());
        return file;
    }

    private static Path tokenArm(ReferenceSet.TokenArm a, Path dir, SortedMap<String, String> inputs) {
        int f = a.frames();
        SortedMap<String, NdArray> npz = new TreeMap<>();
        npz.put("tokens", Tensors.i32(a.ids()));
        npz.put("gumbel_noise", Tensors.f32(new int[] {f, a.levels(), a.codebookSize()}, a.gumbel()));
        npz.put("temperature", NdArray.f32(new int[] {1}, new float[] {a.temperature()}));
        npz.put("source_encoded", Tensors.f32(new int[] {f, a.sources()[0].length}, a.sources()));
        npz.put("temporal_inputs", Tensors.f32(new int[] {f, a.temporalInputs()[0].length}, a.temporalInputs()));
        npz.put("temporal_outputs", Tensors.f32(new int[] {f, a.temporalOutputs()[0].length}, a.temporalOutputs()));
        npz.put("prefix_embeddings", Tensors.f32(new int[] {f, a.levels() - 1, a.prefix()[0][0].length}, a.prefix()));
        String name = FixtureFiles.tokenArm(a.name());
        Npz.write(dir.resolve(name), npz);
        inputs.put(name, a.origin().inputs());
        return dir.resolve(name);
    }

    private static Path rollout(RolloutReference.Arm a, Path dir, SortedMap<String, String> inputs) {
        int f = a.codes().length;
        int levels = a.codes()[0].length;
        int c = a.gumbel()[0][0].length;
        SortedMap<String, NdArray> npz = new TreeMap<>();
        npz.put("temporal_frame", Tensors.f32(new int[] {f, a.inputs()[0].length}, a.inputs()));
        npz.put("gumbel_noise", Tensors.f32(new int[] {f, levels, c}, a.gumbel()));
        npz.put("temperature", NdArray.f32(new int[] {1}, new float[] {a.spec().temperature()}));
        npz.put("sampled_codes", Tensors.i32(a.codes()));
        npz.put("temporal_feedback", Tensors.f32(new int[] {f, a.feedback()[0].length}, a.feedback()));
        npz.put("level_logits", Tensors.f32(new int[] {f, levels, c}, a.logits()));
        String name = FixtureFiles.rolloutArm(a.spec().name());
        Npz.write(dir.resolve(name), npz);
        inputs.put(name, a.origin().inputs());
        return dir.resolve(name);
    }

    private static Path decoder(ReferenceSet.DecoderCase d, Path dir, SortedMap<String, String> inputs) {
        SortedMap<String, NdArray> npz = new TreeMap<>();
        npz.put("codes", Tensors.i32(d.codes()));
        float[][] e = d.embeddings();
        npz.put("decoder_embeddings", Tensors.f32(new int[] {1, e.length, e[0].length}, e));
        npz.put("decoder_stft", d.stft());
        Path file = dir.resolve(FixtureFiles.DECODER);
        Npz.write(file, npz);
        inputs.put(FixtureFiles.DECODER, d.origin().inputs());
        return file;
    }
}
