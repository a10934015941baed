package dev.mrt2.validate;

import static dev.mrt2.validate.FixtureFiles.STREAM_INPUTS;
import static dev.mrt2.validate.FixtureFiles.STREAM_OUTPUTS;
import static dev.mrt2.validate.FixtureFiles.STREAM_SOURCES;

import dev.mrt2.io.BadInputException;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npy;
import dev.mrt2.tensor.Npz;
import dev.mrt2.validate.fixtures.DeviceFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a fixtures folder as it is: the port's published set (mrt2-model.md §8.3) and the files
 * {@code mrt2 fixtures generate} adds, each recognised by its name and checked member by member. Our
 * {@value FixtureFiles#MANIFEST}, when present, adds the checkpoint identity and the inputs' provenance; nothing
 * depends on it to be recognised. Every problem is a {@link BadInputException} naming the file and the member.
 */
public final class FixtureFolder {
    private FixtureFolder() {}

    public static ReferenceSet read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": no such fixtures folder");
        }
        String source = "fixtures " + dir.toAbsolutePath().normalize().getFileName();
        FixtureManifest manifest = FixtureManifest.readIfPresent(dir, source);
        Reader r = new Reader(dir, source, manifest);
        ReferenceSet.Unrolled unrolled = r.unrolled();
        ReferenceSet.GeneratedTokens generated = r.generated();
        if (unrolled != null && generated != null) {
            r.sameTokens(unrolled, generated);
        }
        ReferenceSet set = new ReferenceSet(manifest == null ? null : manifest.checkpoint(),
                manifest == null ? null : manifest.checkpointSha256(), manifest == null ? null : manifest.seed(),
                r.stream(), unrolled, generated, r.tokenArms(), r.rollouts(), r.decoder(),
                manifest == null ? null : manifest.codebooks());
        if (set.empty()) {
            throw new BadInputException(dir + ": no fixture file recognised (expected temporal_streaming_carry_<N>.npz "
                    + "or its _device_fixture.json, " + FixtureFiles.UNROLLED + ", " + FixtureFiles.TOKENS
                    + ", or the files of 'mrt2 fixtures generate')");
        }
        return set;
    }

    /** One folder's files; each method reads one kind and returns null (or empty) when the folder has none. */
    private static final class Reader {
        private final Path dir;
        private final String source;
        private final FixtureManifest manifest;
        private final List<String> names;

        Reader(Path dir, String source, FixtureManifest manifest) {
            this.dir = dir;
            this.source = source;
            this.manifest = manifest;
            try (Stream<Path> list = Files.list(dir)) {
                names = list.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
            }
        }

        private Origin origin(String file) {
            return new Origin(file, source, manifest == null ? "as published" : manifest.inputsOf(file));
        }

        private List<String> matching(Pattern p) {
            return names.stream().filter(n -> p.matcher(n).matches()).toList();
        }

        /** The npz when present, else the device fixture; when both are there they must hold the same values. */
        ReferenceSet.TemporalStream stream() {
            List<String> npz = matching(FixtureFiles.STREAM);
            List<String> device = matching(FixtureFiles.DEVICE_FIXTURE);
            if (npz.size() > 1 || device.size() > 1) {
                throw new BadInputException(dir + ": more than one streaming fixture (" + npz + device
                        + "); keep one");
            }
            ReferenceSet.TemporalStream fromNpz = npz.isEmpty() ? null : streamNpz(npz.get(0));
            ReferenceSet.TemporalStream fromDevice = device.isEmpty() ? null : streamDevice(device.get(0));
            if (fromNpz != null && fromDevice != null) {
                same(fromNpz.inputs(), fromDevice.inputs(), device.get(0), STREAM_INPUTS, npz.get(0));
                same(fromNpz.sources(), fromDevice.sources(), device.get(0), STREAM_SOURCES, npz.get(0));
                same(fromNpz.outputs(), fromDevice.outputs(), device.get(0), STREAM_OUTPUTS, npz.get(0));
            }
            return fromNpz != null ? fromNpz : fromDevice;
        }

        private ReferenceSet.TemporalStream streamNpz(String name) {
            Path file = dir.resolve(name);
            Map<String, NdArray> npz = Npz.read(file);
            return streamOf(name, FixtureFiles.steps(FixtureFiles.STREAM, name), m -> Npz.member(npz, file, m),
                    m -> name + ": member '" + m + ".npy'");
        }

        private ReferenceSet.TemporalStream streamDevice(String name) {
            DeviceFixture f = DeviceFixture.read(dir.resolve(name));
            int steps = FixtureFiles.steps(FixtureFiles.DEVICE_FIXTURE, name);
            if (f.steps() != steps) {
                throw new BadInputException(dir.resolve(name) + ": 'steps' is " + f.steps() + " but the name says "
                        + steps);
            }
            return streamOf(name, steps, m -> {
                NdArray a = f.arrays().get(m);
                if (a == null) {
                    throw new BadInputException(dir.resolve(name) + ": no array '" + m + "' (has "
                            + f.arrays().keySet() + ")");
                }
                return a;
            }, m -> name + ": array '" + m + "'");
        }

        /** §8.3 shapes: temporal_inputs [N, 1, 1, D], source_encoded [N, 1, 1, S], reference_outputs [1, N, D]. */
        private ReferenceSet.TemporalStream streamOf(String name, int steps,
                                                     Function<String, NdArray> member,
                                                     Function<String, String> where) {
            NdArray in = Tensors.expect(member.apply(STREAM_INPUTS), where.apply(STREAM_INPUTS), NdArray.Kind.F32,
                    steps, 1, 1, -1);
            NdArray src = Tensors.expect(member.apply(STREAM_SOURCES), where.apply(STREAM_SOURCES), NdArray.Kind.F32,
                    steps, 1, 1, -1);
            NdArray out = Tensors.expect(member.apply(STREAM_OUTPUTS), where.apply(STREAM_OUTPUTS), NdArray.Kind.F32,
                    1, steps, in.dim(3));
            return new ReferenceSet.TemporalStream(Tensors.rows(in, steps), Tensors.rows(src, steps),
                    Tensors.rows(out, steps), origin(name));
        }

        /** §8.3 shapes of {@code reference_temporal_unrolled.npz}, F frames, L levels. */
        ReferenceSet.Unrolled unrolled() {
            String name = FixtureFiles.UNROLLED;
            if (!names.contains(name)) {
                return null;
            }
            Path file = dir.resolve(name);
            Map<String, NdArray> npz = Npz.read(file);
            Function<String, NdArray> m = member -> Npz.member(npz, file, member);
            NdArray tokens = Tensors.expect(m.apply(FixtureFiles.UNROLLED_TOKENS), at(name,
                    FixtureFiles.UNROLLED_TOKENS), NdArray.Kind.I32, -1, -1);
            int f = tokens.dim(0);
            int levels = tokens.dim(1);
            NdArray in = Tensors.expect(m.apply(FixtureFiles.UNROLLED_INPUTS),
                    at(name, FixtureFiles.UNROLLED_INPUTS), NdArray.Kind.F32, 1, f, -1);
            int d = in.dim(2);
            NdArray src = Tensors.expect(m.apply(FixtureFiles.UNROLLED_SOURCES),
                    at(name, FixtureFiles.UNROLLED_SOURCES), NdArray.Kind.F32, 1, f, -1);
            NdArray out = Tensors.expect(m.apply(FixtureFiles.UNROLLED_OUTPUTS),
                    at(name, FixtureFiles.UNROLLED_OUTPUTS), NdArray.Kind.F32, 1, f, d);
            NdArray prefix = Tensors.expect(m.apply(FixtureFiles.UNROLLED_PREFIX),
                    at(name, FixtureFiles.UNROLLED_PREFIX), NdArray.Kind.F32, f, levels - 1, d);
            NdArray logits = Tensors.expect(m.apply(FixtureFiles.UNROLLED_LOGITS),
                    at(name, FixtureFiles.UNROLLED_LOGITS), NdArray.Kind.F32, f, levels, -1);
            return new ReferenceSet.Unrolled(Tensors.intRows(tokens), Tensors.rows(in, f), Tensors.rows(src, f),
                    Tensors.rows(out, f), Tensors.cube(prefix, f, levels - 1), Tensors.cube(logits, f, levels),
                    origin(name));
        }

        ReferenceSet.GeneratedTokens generated() {
            String name = FixtureFiles.TOKENS;
            if (!names.contains(name)) {
                return null;
            }
            NdArray ids = Tensors.expect(Npy.read(dir.resolve(name)), name, NdArray.Kind.I32, -1, -1);
            return new ReferenceSet.GeneratedTokens(Tensors.intRows(ids), origin(name));
        }

        /** The published unrolled tokens are the first rows of the generated tokens (§8.3). */
        void sameTokens(ReferenceSet.Unrolled u, ReferenceSet.GeneratedTokens g) {
            for (int f = 0; f < u.frames(); f++) {
                if (f >= g.ids().length || !Arrays.equals(u.tokens()[f], g.ids()[f])) {
                    throw new BadInputException(dir.resolve(FixtureFiles.UNROLLED) + ": member 'tokens.npy' row " + f
                            + " is not row " + f + " of " + FixtureFiles.TOKENS + " (files from different runs?)");
                }
            }
        }

        List<ReferenceSet.TokenArm> tokenArms() {
            List<ReferenceSet.TokenArm> arms = new ArrayList<>();
            for (String name : matching(FixtureFiles.TOKEN_ARM)) {
                Path file = dir.resolve(name);
                Map<String, NdArray> npz = Npz.read(file);
                NdArray ids = Tensors.expect(Npz.member(npz, file, "tokens"), at(name, "tokens"), NdArray.Kind.I32,
                        -1, -1);
                int f = ids.dim(0);
                int levels = ids.dim(1);
                NdArray gumbel = Tensors.expect(Npz.member(npz, file, "gumbel_noise"), at(name, "gumbel_noise"),
                        NdArray.Kind.F32, f, levels, -1);
                NdArray temperature = Tensors.expect(Npz.member(npz, file, "temperature"), at(name, "temperature"),
                        NdArray.Kind.F32, 1);
                NdArray src = Tensors.expect(Npz.member(npz, file, "source_encoded"), at(name, "source_encoded"),
                        NdArray.Kind.F32, f, -1);
                NdArray in = Tensors.expect(Npz.member(npz, file, "temporal_inputs"), at(name, "temporal_inputs"),
                        NdArray.Kind.F32, f, -1);
                NdArray out = Tensors.expect(Npz.member(npz, file, "temporal_outputs"), at(name, "temporal_outputs"),
                        NdArray.Kind.F32, f, in.dim(1));
                NdArray prefix = Tensors.expect(Npz.member(npz, file, "prefix_embeddings"),
                        at(name, "prefix_embeddings"), NdArray.Kind.F32, f, levels - 1, in.dim(1));
                String arm = name.substring("tokens_".length(), name.length() - ".npz".length());
                arms.add(new ReferenceSet.TokenArm(arm, temperature.floats()[0], Tensors.cube(gumbel, f, levels),
                        Tensors.rows(src, f), Tensors.rows(in, f), Tensors.rows(out, f), Tensors.intRows(ids),
                        Tensors.cube(prefix, f, levels - 1), origin(name)));
            }
            return arms;
        }

        List<RolloutReference.Arm> rollouts() {
            List<RolloutReference.Arm> arms = new ArrayList<>();
            for (String name : matching(FixtureFiles.ROLLOUT_ARM)) {
                Path file = dir.resolve(name);
                Map<String, NdArray> npz = Npz.read(file);
                NdArray codes = Tensors.expect(Npz.member(npz, file, "sampled_codes"), at(name, "sampled_codes"),
                        NdArray.Kind.I32, -1, -1);
                int f = codes.dim(0);
                int levels = codes.dim(1);
                NdArray frame = Tensors.expect(Npz.member(npz, file, "temporal_frame"), at(name, "temporal_frame"),
                        NdArray.Kind.F32, f, -1);
                NdArray gumbel = Tensors.expect(Npz.member(npz, file, "gumbel_noise"), at(name, "gumbel_noise"),
                        NdArray.Kind.F32, f, levels, -1);
                NdArray temperature = Tensors.expect(Npz.member(npz, file, "temperature"), at(name, "temperature"),
                        NdArray.Kind.F32, 1);
                NdArray feedback = Tensors.expect(Npz.member(npz, file, "temporal_feedback"),
                        at(name, "temporal_feedback"), NdArray.Kind.F32, f, frame.dim(1));
                NdArray logits = Tensors.expect(Npz.member(npz, file, "level_logits"), at(name, "level_logits"),
                        NdArray.Kind.F32, f, levels, gumbel.dim(2));
                String armName = name.substring("rollout_".length(), name.length() - ".npz".length());
                arms.add(RolloutReference.Arm.of(RolloutReference.spec(armName, temperature.floats()[0],
                                gumbel.floats()), Tensors.rows(frame, f), Tensors.cube(gumbel, f, levels),
                        Tensors.intRows(codes), Tensors.rows(feedback, f), Tensors.cube(logits, f, levels),
                        origin(name)));
            }
            arms.sort(RolloutReference.ARM_ORDER);
            return arms;
        }

        ReferenceSet.DecoderCase decoder() {
            String name = FixtureFiles.DECODER;
            if (!names.contains(name)) {
                return null;
            }
            Path file = dir.resolve(name);
            Map<String, NdArray> npz = Npz.read(file);
            NdArray codes = Tensors.expect(Npz.member(npz, file, "codes"), at(name, "codes"), NdArray.Kind.I32, -1, -1);
            int t = codes.dim(0);
            NdArray emb = Tensors.expect(Npz.member(npz, file, "decoder_embeddings"), at(name, "decoder_embeddings"),
                    NdArray.Kind.F32, 1, t, -1);
            NdArray stft = Tensors.expect(Npz.member(npz, file, "decoder_stft"), at(name, "decoder_stft"),
                    NdArray.Kind.F32, 1, -1, -1, -1);
            return new ReferenceSet.DecoderCase(Tensors.intRows(codes), Tensors.rows(emb, t), stft, origin(name));
        }

        private void same(float[][] a, float[][] b, String file, String member, String other) {
            for (int i = 0; i < a.length; i++) {
                if (!Arrays.equals(a[i], b[i])) {
                    throw new BadInputException(dir.resolve(file) + ": array '" + member + "' differs from "
                            + other + " at row " + i + " (files from different runs?)");
                }
            }
        }

        private static String at(String file, String member) {
            return file + ": member '" + member + ".npy'";
        }
    }
}
