package dev.mrt2.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.convert.SortedJson;
import dev.mrt2.io.AtomicFile;
import dev.mrt2.tensor.TensorFileException;
import dev.mrt2.tensor.Npz;
import dev.mrt2.tensor.NdArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code mrt2 fixtures generate}'s files, so {@code mrt2 validate --skip-reference} can compare against stored
 * reference values instead of recomputing them:
 *
 * <pre>
 * reference_fixtures.json   manifest: schema, checkpoint name + sha256, seed, files, provenance (keys sorted)
 * temporal_stream.npz       temporal_inputs [steps, D], source_encoded [steps, S], reference_outputs [steps, D]
 * tokens_&lt;arm&gt;.npz        tokens [F, L] (unique ids), gumbel_noise [F, L, C], temperature [1],
 *                           source_encoded [F, S], temporal_inputs [F, D], temporal_outputs [F, D],
 *                           prefix_embeddings [F, L-1, D]
 * decoder.npz               codes [T, L], decoder_embeddings [1, T, E], decoder_stft [1, 4T-4, 480, 4]
 * </pre>
 *
 * The npz files are written by our deterministic writer, the manifest as sorted JSON, so equal references give equal
 * bytes.
 */
public final class ReferenceFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String MANIFEST = "reference_fixtures.json";
    public static final String SCHEMA = "mrt2-reference-fixtures-v1";
    static final String TEMPORAL = "temporal_stream.npz";
    static final String DECODER = "decoder.npz";

    private ReferenceFixtures() {}

    /** Writes every present section and the manifest (last, so a complete manifest means complete files). */
    public static Path write(ReferenceSet ref, Path dir) {
        Map<String, Object> manifest = new TreeMap<>();
        manifest.put("schema", SCHEMA);
        manifest.put("checkpoint", ref.checkpointName());
        manifest.put("checkpoint_sha256", ref.checkpointSha256());
        manifest.put("seed", ref.seed());
        Map<String, Object> files = new TreeMap<>();
        if (ref.temporal() != null) {
            ReferenceSet.TemporalStream t = ref.temporal();
            SortedMap<String, NdArray> npz = new TreeMap<>();
            npz.put("temporal_inputs", matrix(t.inputs()));
            npz.put("source_encoded", matrix(t.sources()));
            npz.put("reference_outputs", matrix(t.outputs()));
            Npz.write(dir.resolve(TEMPORAL), npz);
            files.put(TEMPORAL, Map.of("steps", t.inputs().length, "provenance", t.provenance()));
        }
        for (ReferenceSet.TokenArm a : ref.arms()) {
            SortedMap<String, NdArray> npz = new TreeMap<>();
            npz.put("tokens", ints(a.ids()));
            npz.put("gumbel_noise", cube(a.gumbel()));
            npz.put("temperature", NdArray.f32(new int[] {1}, new float[] {a.temperature()}));
            npz.put("source_encoded", matrix(a.sources()));
            npz.put("temporal_inputs", matrix(a.temporalInputs()));
            npz.put("temporal_outputs", matrix(a.temporalOutputs()));
            npz.put("prefix_embeddings", cube(a.prefix()));
            String name = "tokens_" + a.name() + ".npz";
            Npz.write(dir.resolve(name), npz);
            files.put(name, Map.of("arm", a.name(), "frames", a.frames(), "provenance", a.provenance()));
        }
        if (ref.decoder() != null) {
            ReferenceSet.DecoderCase d = ref.decoder();
            SortedMap<String, NdArray> npz = new TreeMap<>();
            npz.put("codes", ints(d.codes()));
            float[][] e = d.embeddings();
            npz.put("decoder_embeddings", matrix(e).reshape(1, e.length, e[0].length));
            npz.put("decoder_stft", d.stft());
            Npz.write(dir.resolve(DECODER), npz);
            files.put(DECODER, Map.of("frames", d.frames(), "provenance", d.provenance()));
        }
        manifest.put("files", files);
        Path path = dir.resolve(MANIFEST);
        AtomicFile.write(path, SortedJson.write(manifest).getBytes(StandardCharsets.UTF_8));
        return path;
    }

    /** Reads what {@link #write} wrote; a missing or inconsistent file is a {@link TensorFileException} naming it. */
    public static ReferenceSet read(Path dir) {
        Path manifestPath = dir.resolve(MANIFEST);
        JsonNode m;
        try {
            m = JSON.readTree(Files.readAllBytes(manifestPath));
        } catch (IOException e) {
            throw TensorFileException.of(manifestPath.toString(), "cannot read the reference fixtures manifest ("
                    + e.getMessage() + "); write one with 'mrt2 fixtures generate'", e);
        }
        if (!SCHEMA.equals(m.path("schema").asText())) {
            throw TensorFileException.of(MANIFEST, "schema '" + m.path("schema").asText() + "' is not '" + SCHEMA + "'");
        }
        JsonNode files = m.path("files");
        ReferenceSet.TemporalStream temporal = null;
        List<ReferenceSet.TokenArm> arms = new ArrayList<>();
        ReferenceSet.DecoderCase decoder = null;
        for (var it = files.fields(); it.hasNext(); ) {
            var entry = it.next();
            String name = entry.getKey();
            Path file = dir.resolve(name);
            SortedMap<String, NdArray> npz = Npz.read(file);
            String provenance = entry.getValue().path("provenance").asText();
            if (name.equals(TEMPORAL)) {
                temporal = new ReferenceSet.TemporalStream(rows(npz, file, "temporal_inputs"),
                        rows(npz, file, "source_encoded"), rows(npz, file, "reference_outputs"), provenance);
            } else if (name.equals(DECODER)) {
                NdArray emb = Npz.member(npz, file, "decoder_embeddings");
                decoder = new ReferenceSet.DecoderCase(intRows(npz, file, "codes"),
                        rows(emb.reshape(emb.dim(1), emb.dim(2))), Npz.member(npz, file, "decoder_stft"), provenance);
            } else if (name.startsWith("tokens_")) {
                arms.add(new ReferenceSet.TokenArm(entry.getValue().path("arm").asText(),
                        Npz.member(npz, file, "temperature").floats()[0], cube(npz, file, "gumbel_noise"),
                        rows(npz, file, "source_encoded"), rows(npz, file, "temporal_inputs"),
                        rows(npz, file, "temporal_outputs"), intRows(npz, file, "tokens"),
                        cube(npz, file, "prefix_embeddings"), provenance));
            } else {
                throw TensorFileException.of(MANIFEST, "unknown file '" + name + "'");
            }
        }
        return new ReferenceSet(m.path("checkpoint").asText(), m.path("checkpoint_sha256").asText(),
                m.path("seed").asLong(), temporal, arms, decoder);
    }

    static NdArray matrix(float[][] rows) {
        int w = rows[0].length;
        float[] v = new float[rows.length * w];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, v, i * w, w);
        }
        return NdArray.f32(new int[] {rows.length, w}, v);
    }

    static NdArray cube(float[][][] c) {
        int b = c[0].length;
        int w = c[0][0].length;
        float[] v = new float[c.length * b * w];
        for (int i = 0; i < c.length; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(c[i][j], 0, v, (i * b + j) * w, w);
            }
        }
        return NdArray.f32(new int[] {c.length, b, w}, v);
    }

    static NdArray ints(int[][] rows) {
        int w = rows[0].length;
        int[] v = new int[rows.length * w];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, v, i * w, w);
        }
        return NdArray.i32(new int[] {rows.length, w}, v);
    }

    private static float[][] rows(SortedMap<String, NdArray> npz, Path file, String name) {
        NdArray a = Npz.member(npz, file, name);
        if (a.rank() != 2 || a.kind() != NdArray.Kind.F32) {
            throw TensorFileException.of(file.getFileName() + ": member '" + name + ".npy'", "expected a float32 matrix, got "
                    + a);
        }
        return rows(a);
    }

    private static float[][] rows(NdArray a) {
        float[][] out = new float[a.dim(0)][a.dim(1)];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(a.floats(), i * out[i].length, out[i], 0, out[i].length);
        }
        return out;
    }

    private static int[][] intRows(SortedMap<String, NdArray> npz, Path file, String name) {
        NdArray a = Npz.member(npz, file, name);
        if (a.rank() != 2 || a.kind() != NdArray.Kind.I32) {
            throw TensorFileException.of(file.getFileName() + ": member '" + name + ".npy'", "expected an int32 matrix, got "
                    + a);
        }
        int[][] out = new int[a.dim(0)][a.dim(1)];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(a.ints(), i * out[i].length, out[i], 0, out[i].length);
        }
        return out;
    }

    private static float[][][] cube(SortedMap<String, NdArray> npz, Path file, String name) {
        NdArray a = Npz.member(npz, file, name);
        if (a.rank() != 3 || a.kind() != NdArray.Kind.F32) {
            throw TensorFileException.of(file.getFileName() + ": member '" + name + ".npy'", "expected a float32 "
                    + "array of rank 3, got " + a);
        }
        float[][][] out = new float[a.dim(0)][a.dim(1)][a.dim(2)];
        int w = a.dim(2);
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                System.arraycopy(a.floats(), (i * out[i].length + j) * w, out[i][j], 0, w);
            }
        }
        return out;
    }
}
