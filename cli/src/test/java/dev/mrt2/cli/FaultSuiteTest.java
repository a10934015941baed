package dev.mrt2.cli;

import dev.mrt2.mil.pkg.Digests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.cli.CheckpointBytes.Tensor;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.DType;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite: a generated corpus of corrupt inputs (checkpoints, packages, npz files, checksum manifests,
 * reference-fixture folders), each run through the command a user would run, in process. Every case asserts the
 * README's exit code, exactly one stderr line that names the file and the problem (no Java class name, no "internal
 * error"), nothing on stdout, and nothing new or changed in the command's output folder (nor beside it).
 */
class FaultSuiteTest {
    /** The floor for the corpus. */
    private static final int MIN_CASES = 150;
    private static final AtomicInteger CASES = new AtomicInteger();

    @TempDir
    static Path root;
    static Path tiny;
    static CheckpointBytes tinyBytes;
    /** An earlier conversion that every convert case must leave exactly as it is. */
    static Path out;
    /** A tiny depth package and an input npz that runs it. */
    static Path depthPackage;
    static Path goodInputs;
    static Path fixtures;

    @BeforeAll
    static void corpusBase() throws IOException {
        tiny = root.resolve("tiny.safetensors");
        run(0, "synth", "--preset", "tiny", "--seed", "3", "--out", tiny.toString(), "-q");
        tinyBytes = CheckpointBytes.read(tiny);
        out = root.resolve("out");
        run(0, "convert", "--checkpoint", tiny.toString(), "--out", out.toString(), "--only", "depth,codebooks", "-q");
        depthPackage = out.resolve("MRT2DepthBody.mlpackage");
        goodInputs = root.resolve("inputs.npz");
        Npz.write(goodInputs, Map.of("depth_inputs", NdArray.f32(new int[] {1, 12, 64}, new float[12 * 64])));
        run(0, "predict", depthPackage.toString(), "--inputs", goodInputs.toString(), "--out",
                root.resolve("check.npz").toString(), "-q");
        fixtures = root.resolve("fixtures");
        run(0, "fixtures", "generate", "--checkpoint", tiny.toString(), "--out", fixtures.toString(), "-q");
    }

    @AfterAll
    static void theCorpusIsBigEnough() {
        assertTrue(CASES.get() >= MIN_CASES, "only " + CASES.get() + " fault cases ran; the suite promises "
                + MIN_CASES);
    }

    // ---------------------------------------------------------------------------------------------- checkpoints

    @TestFactory
    Stream<DynamicTest> checkpoints() {
        List<DynamicTest> cases = new ArrayList<>();
        byte[] file = tinyBytes.file;
        int header = 8 + tinyBytes.headerLength();
        // Truncated anywhere: inside the length prefix, the header, the data.
        for (int cut : new int[] {0, 1, 4, 7, 8, 9, 16, 64, header / 2, header - 1, header, header + 1, header + 7,
                header + 1000, file.length / 4, file.length / 2, 3 * file.length / 4, file.length - 64,
                file.length - 4, file.length - 1}) {
            cases.add(checkpoint("truncated to " + cut + " bytes", Arrays.copyOf(file, cut), "codebooks", null));
        }
        cases.add(checkpoint("one trailing byte", Arrays.copyOf(file, file.length + 1), "codebooks", "after"));
        cases.add(checkpoint("eight trailing bytes", Arrays.copyOf(file, file.length + 8), "codebooks", "after"));
        // The header: its length prefix, its text, its JSON, each entry's fields.
        cases.add(checkpoint("header length 0", tinyBytes.withHeaderLength(0), "codebooks", null));
        cases.add(checkpoint("header length past the file", tinyBytes.withHeaderLength(file.length), "codebooks", null));
        cases.add(checkpoint("header length 2^40", tinyBytes.withHeaderLength(1L << 40), "codebooks", null));
        cases.add(checkpoint("header length negative", tinyBytes.withHeaderLength(-8), "codebooks", null));
        byte[] notUtf8 = file.clone();
        notUtf8[12] = (byte) 0xff;
        cases.add(checkpoint("header not UTF-8", notUtf8, "codebooks", "UTF-8"));
        cases.add(checkpoint("header not JSON", tinyBytes.withHeaderText("{\"a\": [1, 2"), "codebooks", null));
        cases.add(checkpoint("header a JSON array", tinyBytes.withHeaderText("[]"), "codebooks", null));
        cases.add(checkpoint("header a JSON string", tinyBytes.withHeaderText("\"x\""), "codebooks", null));
        String q = Mrt2Keys.QUANTIZER;
        cases.add(checkpoint("unknown dtype", tinyBytes.withHeader(h -> entry(h, q).put("dtype", "F99")),
                "codebooks", "F99"));
        cases.add(checkpoint("lower-case dtype", tinyBytes.withHeader(h -> entry(h, q).put("dtype", "f32")),
                "codebooks", "f32"));
        cases.add(checkpoint("negative dimension", tinyBytes.withHeader(h -> entry(h, q).putArray("shape").add(-16)
                .add(32).add(16)), "codebooks", null));
        cases.add(checkpoint("fractional dimension", tinyBytes.withHeader(h -> entry(h, q).putArray("shape").add(1.5)
                .add(32).add(16)), "codebooks", null));
        cases.add(checkpoint("shape not an array", tinyBytes.withHeader(h -> entry(h, q).put("shape", "16x32x16")),
                "codebooks", null));
        cases.add(checkpoint("no data_offsets", tinyBytes.withHeader(h -> entry(h, q).remove("data_offsets")),
                "codebooks", null));
        cases.add(checkpoint("data_offsets reversed", tinyBytes.withHeader(h -> {
            var o = entry(h, q).withArray("data_offsets");
            long b = o.get(0).asLong();
            long e = o.get(1).asLong();
            o.removeAll().add(e).add(b);
        }), "codebooks", null));
        cases.add(checkpoint("data_offsets past the data", tinyBytes.withHeader(h -> {
            var o = entry(h, q).withArray("data_offsets");
            long b = o.get(0).asLong();
            long e = o.get(1).asLong();
            o.removeAll().add(b + (1L << 30)).add(e + (1L << 30));
        }), "codebooks", null));
        cases.add(checkpoint("two tensors share bytes", tinyBytes.withHeader(h -> {
            String other = tinyBytes.names().get(1);
            entry(h, q).set("data_offsets", entry(h, other).get("data_offsets").deepCopy());
        }), "codebooks", null));
        String headerText = tinyBytes.header().toString();
        int first = headerText.indexOf("\"dtype\"");
        cases.add(checkpoint("a field given twice", tinyBytes.withHeaderText(headerText.substring(0, first)
                + "\"dtype\":\"F32\"," + headerText.substring(first)), "codebooks", null));
        cases.add(checkpoint("metadata not strings", tinyBytes.withHeader(h -> h.putObject("__metadata__")
                .put("seed", 3)), "codebooks", null));
        // The layout: keys the pieces need, missing or misshapen.
        Map<String, Tensor> t = tinyBytes.copy();
        String adapter = Mrt2Keys.depth("depth_input_adapter/kernel");
        String logits = Mrt2Keys.depth("to_logits/kernel");
        String logitsBias = Mrt2Keys.depth("to_logits/bias");
        String depthQuery = Mrt2Keys.depthLayer(1, Mrt2Keys.query(Mrt2Keys.SELF));
        String temporalFfn = Mrt2Keys.temporal(11, Mrt2Keys.FFN2_BIAS);
        String crossValue = Mrt2Keys.temporal(5, Mrt2Keys.sinkValue(Mrt2Keys.CROSS));
        String codecKernel = Mrt2Keys.codec("decoder_4/conv2d_3x3", "kernel");
        String codecBias = Mrt2Keys.codec("output_layer/base_conv_last", "bias");
        String encoder = Mrt2Keys.encoder("encoder_ln/scale");
        for (String key : List.of(Mrt2Keys.EMBEDDING, adapter, logits, logitsBias, depthQuery, temporalFfn,
                crossValue, q, codecKernel, codecBias, encoder)) {
            cases.add(checkpoint("missing " + key, rebuilt(CheckpointBytes.without(t, key)), "codebooks", key));
        }
        Map<String, Long[]> wrong = Map.of(logits, new Long[] {48L, 391L}, logitsBias, new Long[] {389L},
                depthQuery, new Long[] {48L, 3L, 15L}, temporalFfn, new Long[] {65L}, crossValue,
                new Long[] {1L, 4L, 16L, 1L}, q, new Long[] {16L, 32L, 17L}, codecKernel, new Long[] {3L, 3L, 8L, 9L},
                codecBias, new Long[] {2L, 1L}, encoder, new Long[] {15L});
        // (the key named may be another one: dimensions are read from a few keys, then every key is checked)
        wrong.forEach((key, shape) -> cases.add(checkpoint("reshaped " + key,
                rebuilt(CheckpointBytes.reshaped(t, key, shape)), "codebooks", "has shape")));
        // A float key whose dtype says integer: same byte size, so only the dtype gives it away.
        Map<String, String> piecesReading = Map.of(q, "codebooks", logits, "depth", Mrt2Keys.EMBEDDING,
                "rollout-f32", codecKernel, "decoder", temporalFfn, "temporal-carry");
        piecesReading.forEach((key, piece) -> {
            for (DType dtype : List.of(DType.I32, DType.U32)) {
                cases.add(checkpoint(key + " labelled " + dtype + " (--only " + piece + ")",
                        rebuilt(CheckpointBytes.relabelled(t, key, dtype)), piece, "dtype " + dtype));
            }
        });
        Map<String, Tensor> f16 = tinyBytes.as(DType.F16);
        Map<String, Tensor> bf16 = tinyBytes.as(DType.BF16);
        cases.add(checkpoint("F16 key labelled I16", rebuilt(CheckpointBytes.relabelled(f16, q, DType.I16)),
                "codebooks", "dtype I16"));
        cases.add(checkpoint("BF16 key labelled U16", rebuilt(CheckpointBytes.relabelled(bf16, logits, DType.U16)),
                "depth", "dtype U16"));
        // Values no weight may hold, in the keys each piece reads, at the first, a middle and the last element.
        float[] poisons = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        int[] at = {0, 7, -1};
        int n = 0;
        for (var e : piecesReading.entrySet()) {
            for (int i = 0; i < 3; i++) {
                float v = poisons[(n + i) % 3];
                cases.add(checkpoint(e.getKey() + "[" + at[i] + "] = " + v + " (--only " + e.getValue() + ")",
                        rebuilt(CheckpointBytes.poisoned(t, e.getKey(), at[i], v)), e.getValue(), "is not finite"));
            }
            n++;
        }
        cases.add(checkpoint("codec bias NaN (--only decoder-f16)",
                rebuilt(CheckpointBytes.poisoned(t, codecBias, 0, Float.NaN)), "decoder-f16", "is not finite"));
        cases.add(checkpoint("F16 checkpoint with an infinity",
                rebuilt(CheckpointBytes.poisoned(f16, q, 3, Float.POSITIVE_INFINITY)), "codebooks", "is not finite"));
        cases.add(checkpoint("BF16 checkpoint with a NaN",
                rebuilt(CheckpointBytes.poisoned(bf16, logits, 5, Float.NaN)), "depth", "is not finite"));
        Map<String, Tensor> f64 = tinyBytes.as(DType.F64);
        byte[] huge = f64.get(q).data().clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putDouble(8, 1e300);
        f64.put(q, new Tensor(DType.F64, f64.get(q).shape(), huge));
        cases.add(checkpoint("F64 value beyond float32", rebuilt(f64), "codebooks", "beyond float32"));
        // found while building (the FP16 graph's values are checked as they are encoded): -q drops the progress
        // line of the piece that had started, so the error is still the only line
        cases.add(checkpoint("a value FP16 cannot hold (--only temporal)",
                rebuilt(CheckpointBytes.poisoned(t, temporalFfn, 0, 1e5f)), "temporal,-q", "overflows FP16"));
        // Not a checkpoint at all.
        cases.add(checkpoint("an empty file", new byte[0], "codebooks", null));
        cases.add(checkpoint("a text file", "not a checkpoint\n".getBytes(StandardCharsets.UTF_8), "codebooks", null));
        cases.add(checkpoint("an npz archive", read(goodInputs), "codebooks", null));
        cases.add(convertCase("a folder", root.resolve("a-folder.safetensors"), true, "codebooks", null));
        cases.add(convertCase("a missing file", root.resolve("absent.safetensors"), false, "codebooks",
                "no such file"));
        return cases.stream();
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode entry(
            com.fasterxml.jackson.databind.node.ObjectNode header, String key) {
        return (com.fasterxml.jackson.databind.node.ObjectNode) header.get(key);
    }

    private static byte[] rebuilt(Map<String, Tensor> tensors) {
        Path tmp = root.resolve("rebuilt-" + CASES.get() + "-" + System.nanoTime() + ".tmp");
        CheckpointBytes.write(tensors, tmp);
        try {
            byte[] bytes = Files.readAllBytes(tmp);
            Files.delete(tmp);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private DynamicTest checkpoint(String name, byte[] bytes, String piece, String problem) {
        Path file = caseDir("checkpoint").resolve("bad.safetensors");
        write(file, bytes);
        return convertCase(name, file, false, piece, problem);
    }

    private DynamicTest convertCase(String name, Path file, boolean folder, String piece, String problem) {
        return DynamicTest.dynamicTest("checkpoint: " + name, () -> {
            if (folder) {
                Files.createDirectories(file);
            }
            FolderSnapshot before = FolderSnapshot.of(out);
            String[] only = piece.split(",-q");   // "temporal,-q": run quietly
            CliRun r = piece.endsWith(",-q")
                    ? CliRun.of("convert", "--checkpoint", file.toString(), "--out", out.toString(), "--only", only[0], "-q")
                    : CliRun.of("convert", "--checkpoint", file.toString(), "--out", out.toString(), "--only", piece);
            expectOneLine(r, ExitCodes.BAD_INPUT, file, problem);
            assertEquals("", FolderSnapshot.of(out).changesSince(before), "--out changed\n" + r);
        });
    }

    // ------------------------------------------------------------------------------------------------ packages

    @TestFactory
    Stream<DynamicTest> packages() throws IOException {
        List<DynamicTest> cases = new ArrayList<>();
        String manifest = "Manifest.json";
        String model = "Data/com.apple.CoreML/model.mlmodel";
        String weights = "Data/com.apple.CoreML/weights/weight.bin";
        byte[] modelBytes = read(depthPackage.resolve(model));
        byte[] weightBytes = read(depthPackage.resolve(weights));
        String manifestText = Files.readString(depthPackage.resolve(manifest));
        List<Corruption> corruptions = new ArrayList<>();
        corruptions.add(new Corruption("no Manifest.json", p -> delete(p.resolve(manifest)), "Manifest.json"));
        corruptions.add(new Corruption("empty Manifest.json", p -> write(p.resolve(manifest), new byte[0]), "Manifest.json"));
        corruptions.add(new Corruption("Manifest.json not JSON", p -> writeText(p.resolve(manifest), "{\"itemInfo"), "Manifest.json"));
        corruptions.add(new Corruption("Manifest.json an array", p -> writeText(p.resolve(manifest), "[]"), "Manifest.json"));
        corruptions.add(new Corruption("Manifest.json empty object", p -> writeText(p.resolve(manifest), "{}"), "Manifest.json"));
        corruptions.add(new Corruption("root model id unknown", p -> writeText(p.resolve(manifest),
                manifestText.replaceFirst("\"rootModelIdentifier\"\\s*:\\s*\"[^\"]*\"", "\"rootModelIdentifier\": \"nope\"")),
                "Manifest.json"));
        corruptions.add(new Corruption("item path escapes Data/", p -> writeText(p.resolve(manifest),
                manifestText.replace("\"com.apple.CoreML/model.mlmodel\"", "\"../../../../etc/passwd\"")), "'..'"));
        corruptions.add(new Corruption("item path absolute", p -> writeText(p.resolve(manifest),
                manifestText.replace("\"com.apple.CoreML/model.mlmodel\"", "\"/etc/passwd\"")), null));
        corruptions.add(new Corruption("Manifest.json a folder", p -> {
            delete(p.resolve(manifest));
            Files.createDirectories(p.resolve(manifest));
        }, "Manifest.json"));
        corruptions.add(new Corruption("no model.mlmodel", p -> delete(p.resolve(model)), null));
        corruptions.add(new Corruption("empty model.mlmodel", p -> write(p.resolve(model), new byte[0]), null));
        for (int cut : new int[] {1, 10, 100, modelBytes.length / 2, modelBytes.length - 1}) {
            corruptions.add(new Corruption("model.mlmodel cut to " + cut + " bytes",
                    p -> write(p.resolve(model), Arrays.copyOf(modelBytes, cut)), "model.mlmodel"));
        }
        byte[] noise = new byte[4096];
        new Random(13).nextBytes(noise);
        corruptions.add(new Corruption("model.mlmodel random bytes", p -> write(p.resolve(model), noise), "model.mlmodel"));
        corruptions.add(new Corruption("model.mlmodel a folder", p -> {
            delete(p.resolve(model));
            Files.createDirectories(p.resolve(model));
        }, null));
        corruptions.add(new Corruption("no weight.bin", p -> delete(p.resolve(weights)), "weight"));
        corruptions.add(new Corruption("empty weight.bin", p -> write(p.resolve(weights), new byte[0]), "weight.bin"));
        for (int cut : new int[] {32, 64, 100, weightBytes.length / 2, weightBytes.length - 1}) {
            corruptions.add(new Corruption("weight.bin cut to " + cut + " bytes",
                    p -> write(p.resolve(weights), Arrays.copyOf(weightBytes, cut)), "weight.bin"));
        }
        corruptions.add(new Corruption("weight.bin sentinel broken", p -> {
            byte[] b = weightBytes.clone();
            b[64] ^= 0x55;
            write(p.resolve(weights), b);
        }, "weight.bin"));
        corruptions.add(new Corruption("weight.bin version 3", p -> {
            byte[] b = weightBytes.clone();
            b[4] = 3;
            write(p.resolve(weights), b);
        }, "weight.bin"));
        corruptions.add(new Corruption("weight.bin blob size past the end", p -> {
            byte[] b = weightBytes.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 8, 1L << 40);
            write(p.resolve(weights), b);
        }, "weight.bin"));
        corruptions.add(new Corruption("weights folder a file", p -> {
            deleteTree(p.resolve("Data/com.apple.CoreML/weights"));
            write(p.resolve("Data/com.apple.CoreML/weights"), new byte[] {1});
        }, null));
        corruptions.add(new Corruption("the package a plain file", p -> {
            deleteTree(p);
            write(p, "not a package".getBytes(StandardCharsets.UTF_8));
        }, "not a directory"));
        corruptions.add(new Corruption("the package an empty folder", p -> {
            deleteTree(p);
            Files.createDirectories(p);
        }, "Manifest.json"));
        corruptions.add(new Corruption("the package missing", FaultSuiteTest::deleteTree, "no such file"));
        String[] commands = {"inspect", "lint", "predict", "validate"};
        for (int i = 0; i < corruptions.size(); i++) {
            Corruption c = corruptions.get(i);
            // each corruption through two of the four commands that read packages
            cases.add(packageCase(c, commands[i % 4]));
            cases.add(packageCase(c, commands[(i + 1) % 4]));
        }
        return cases.stream();
    }

    private record Corruption(String name, IoAction apply, String problem) {}

    @FunctionalInterface
    private interface IoAction {
        void apply(Path p) throws IOException;
    }

    private DynamicTest packageCase(Corruption c, String command) {
        Path dir = caseDir("package");
        Path pkg = dir.resolve("models/MRT2DepthBody.mlpackage");
        return DynamicTest.dynamicTest("package (" + command + "): " + c.name(), () -> {
            TestFiles.copyTree(depthPackage, pkg);
            c.apply().apply(pkg);
            Path outputs = dir.resolve("outputs");
            Files.createDirectories(outputs);
            FolderSnapshot before = FolderSnapshot.of(outputs);
            String[] args = switch (command) {
                case "inspect" -> new String[] {"inspect", pkg.toString()};
                case "lint" -> new String[] {"lint", pkg.toString()};
                case "predict" -> new String[] {"predict", pkg.toString(), "--inputs", goodInputs.toString(),
                        "--out", outputs.resolve("o.npz").toString()};
                default -> new String[] {"validate", "--models", pkg.getParent().toString(), "--checkpoint",
                        tiny.toString(), "--out", outputs.resolve("receipts").toString()};
            };
            CliRun r = CliRun.of(args);
            // validate names the folder when the package is not a folder at all (it then has no package to run)
            Path named = command.equals("validate") && !Files.isDirectory(pkg) ? pkg.getParent() : pkg;
            expectOneLine(r, ExitCodes.BAD_INPUT, named, command.equals("validate") && named != pkg ? null
                    : c.problem());
            assertEquals("", FolderSnapshot.of(outputs).changesSince(before), "outputs changed\n" + r);
        });
    }

    // ----------------------------------------------------------------------------------------------------- npz

    @TestFactory
    Stream<DynamicTest> npzFiles() throws IOException {
        List<DynamicTest> cases = new ArrayList<>();
        byte[] stored = read(goodInputs);
        byte[] deflated = Npz.bytes(Map.of("depth_inputs", NdArray.f32(new int[] {1, 12, 64}, ramp(12 * 64))), true);
        for (int cut : new int[] {0, 1, 4, 30, 64, stored.length / 4, stored.length / 2, stored.length - 30,
                stored.length - 22, stored.length - 1}) {
            cases.add(npz("cut to " + cut + " bytes", Arrays.copyOf(stored, cut), null));
        }
        byte[] crc = stored.clone();
        crc[200] ^= 0x10;   // inside depth_inputs.npy's data (zeros), past the local header
        cases.add(npz("a data byte changed (stored)", crc, "CRC-32"));
        byte[] crcDeflated = deflated.clone();
        crcDeflated[deflated.length / 3] ^= 0x01;
        cases.add(npz("a data byte changed (deflated)", crcDeflated, null));
        cases.add(npz("a text file", "x,y\n1,2\n".getBytes(StandardCharsets.UTF_8), null));
        cases.add(npz("an empty zip", zip(Map.of()), "no members"));
        cases.add(npz("a member that is not .npy", zip(Map.of("depth_inputs.txt", new byte[] {1, 2})), "not an .npy"));
        byte[] npy = dev.mrt2.tensor.Npy.format(NdArray.f32(new int[] {1, 12, 64}, new float[12 * 64]));
        byte[] badMagic = npy.clone();
        badMagic[1] = 'X';
        cases.add(npz("npy without its magic", zip(Map.of("depth_inputs.npy", badMagic)), "magic"));
        byte[] badVersion = npy.clone();
        badVersion[6] = 9;
        cases.add(npz("npy version 9", zip(Map.of("depth_inputs.npy", badVersion)), null));
        cases.add(npz("npy header not a dict", zip(Map.of("depth_inputs.npy", npyWithHeader("[1, 2]", 12 * 64 * 4))), null));
        cases.add(npz("npy dtype complex", zip(Map.of("depth_inputs.npy",
                npyWithHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1, 12, 64), }", 12 * 64 * 8))), "c8"));
        cases.add(npz("npy dtype unicode string", zip(Map.of("depth_inputs.npy",
                npyWithHeader("{'descr': '<U8', 'fortran_order': True, 'shape': (1, 12, 64), }", 12 * 64 * 32))),
                "U8"));
        cases.add(npz("npy data shorter than its shape", zip(Map.of("depth_inputs.npy",
                Arrays.copyOf(npy, npy.length - 4))), null));
        cases.add(npz("npy data longer than its shape", zip(Map.of("depth_inputs.npy",
                Arrays.copyOf(npy, npy.length + 4))), null));
        cases.add(npz("npy without a shape", zip(Map.of("depth_inputs.npy",
                npyWithHeader("{'descr': '<f4', 'fortran_order': False, }", 12 * 64 * 4))), null));
        cases.add(npz("npy negative shape", zip(Map.of("depth_inputs.npy",
                npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 12, 64), }", 12 * 64 * 4))), null));
        cases.add(npz("npy header cut short", zip(Map.of("depth_inputs.npy", Arrays.copyOf(npy, 20))), null));
        byte[] bomb = deflatedWithZeros(npy, 64 << 20);
        cases.add(npz("a deflated member 64 MiB longer than its header says", bomb, "zip directory says"));
        cases.add(npz("the same with its directory size rewritten to the header's", directorySize(bomb, npy.length),
                "trailing bytes"));
        cases.add(npzPath("a folder", p -> Files.createDirectories(p), "directory"));
        cases.add(npzPath("a missing file", p -> { }, "no such file"));
        return cases.stream();
    }

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 17) * 0.125f;
        }
        return v;
    }

    private DynamicTest npz(String name, byte[] bytes, String problem) {
        return npzPath(name, p -> write(p, bytes), problem);
    }

    private DynamicTest npzPath(String name, IoAction make, String problem) {
        Path dir = caseDir("npz");
        return DynamicTest.dynamicTest("npz: " + name, () -> {
            Path file = dir.resolve("bad.npz");
            make.apply(file);
            Path outputs = Files.createDirectories(dir.resolve("outputs"));
            FolderSnapshot before = FolderSnapshot.of(outputs);
            CliRun r = CliRun.of("predict", depthPackage.toString(), "--inputs", file.toString(), "--out",
                    outputs.resolve("o.npz").toString());
            expectOneLine(r, ExitCodes.BAD_INPUT, file, problem);
            assertEquals("", FolderSnapshot.of(outputs).changesSince(before), "outputs changed\n" + r);
        });
    }

    /** A version 1.0 .npy with the given header text and that many data bytes. */
    private static byte[] npyWithHeader(String dict, int dataBytes) {
        StringBuilder h = new StringBuilder(dict);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) h.length());
        b.put(h.toString().getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** One deflated member: {@code npy}, then {@code zeros} zero bytes (a few kB once deflated). */
    private static byte[] deflatedWithZeros(byte[] npy, int zeros) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(buffer)) {
            z.putNextEntry(new ZipEntry("depth_inputs.npy"));
            z.write(npy);
            z.write(new byte[zeros]);
            z.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /** The archive with its (last) central directory entry's uncompressed size set to {@code size}. */
    private static byte[] directorySize(byte[] zip, int size) {
        byte[] out = zip.clone();
        for (int i = out.length - 4; i >= 0; i--) {
            if (out[i] == 'P' && out[i + 1] == 'K' && out[i + 2] == 1 && out[i + 3] == 2) {
                ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(i + 24, size);
                return out;
            }
        }
        throw new AssertionError("no central directory entry");
    }

    private static byte[] zip(Map<String, byte[]> members) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(buffer)) {
            for (var m : new java.util.TreeMap<>(members).entrySet()) {
                z.putNextEntry(new ZipEntry(m.getKey()));
                z.write(m.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    // ----------------------------------------------------------------------------------------------- manifests

    @TestFactory
    Stream<DynamicTest> manifests() {
        List<DynamicTest> cases = new ArrayList<>();
        String a = Digests.sha256("a".getBytes(StandardCharsets.UTF_8));
        String b = Digests.sha256("b".getBytes(StandardCharsets.UTF_8));
        Map<String, String> lines = new java.util.LinkedHashMap<>();
        lines.put("a line that is no entry", "garbage\n");
        lines.put("63 hex digits", a.substring(1) + "  a.txt\n");
        lines.put("65 hex digits", a + "0  a.txt\n");
        lines.put("a non-hex digit", "g" + a.substring(1) + "  a.txt\n");
        lines.put("one space after lines with two", a + "  a.txt\n" + b + " b.txt\n");
        lines.put("an escaped line with a bad escape", "\\" + a + "  a\\x.txt\n");
        lines.put("a tag line of another digest", "MD5 (a.txt) = 0cc175b9c0f1b6a831c399e269772661\n");
        lines.put("no path", a + "  \n");
        lines.put("an absolute path", a + "  /etc/passwd\n");
        lines.put("a path up and out", a + "  ../a.txt\n");
        lines.put("a path that climbs out later", a + "  sub/../../a.txt\n");
        lines.put("a path naming the folder itself", a + "  ./\n");
        lines.put("a file listed twice", a + "  a.txt\n" + a + "  a.txt\n");
        lines.put("a file listed twice, once as ./", a + "  ./a.txt\n" + a + "  a.txt\n");
        lines.put("a good line, then garbage", a + "  a.txt\n" + b + "  b.txt\ngarbage\n");
        lines.put("a file listed twice, once as a tag line", a + "  a.txt\nSHA256 (a.txt) = " + a + "\n");
        for (var e : lines.entrySet()) {
            cases.add(manifest(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8), "line"));
        }
        cases.add(manifest("bytes that are not UTF-8", new byte[] {(byte) 0xff, (byte) 0xfe, 'x', '\n'}, "UTF-8"));
        byte[] noise = new byte[512];
        new Random(7).nextBytes(noise);
        cases.add(manifest("random bytes", noise, null));
        cases.add(manifest("a NUL inside newline-separated lines",
                (a + "  a.txt\0" + b + "  b.txt\n").getBytes(StandardCharsets.UTF_8), "NUL"));
        cases.add(manifestPath("a missing manifest", p -> { }, "no such file"));
        cases.add(manifestPath("a folder for a manifest", p -> Files.createDirectories(p), "directory"));
        cases.add(DynamicTest.dynamicTest("manifest: a link leaving the folder (verify)", () -> {
            Path dir = caseDir("manifest");
            Path data = folderWithLink(dir);
            Path m = dir.resolve("SUMS");
            writeText(m, a + "  a.txt\n");
            FolderSnapshot before = FolderSnapshot.of(data);
            CliRun r = CliRun.of("checksum", "--verify", m.toString(), data.toString());
            expectOneLine(r, ExitCodes.BAD_INPUT, data.resolve("escape"), "outside");
            assertEquals("", FolderSnapshot.of(data).changesSince(before));
        }));
        cases.add(DynamicTest.dynamicTest("manifest: a link leaving the folder (write)", () -> {
            Path dir = caseDir("manifest");
            Path data = folderWithLink(dir);
            FolderSnapshot before = FolderSnapshot.of(data);
            CliRun r = CliRun.of("checksum", data.toString());
            expectOneLine(r, ExitCodes.BAD_INPUT, data.resolve("escape"), "outside");
            assertEquals("", FolderSnapshot.of(data).changesSince(before), "no SHA256SUMS written");
        }));
        cases.add(DynamicTest.dynamicTest("manifest: a missing folder to list", () -> {
            Path missing = caseDir("manifest").resolve("absent");
            CliRun r = CliRun.of("checksum", missing.toString());
            expectOneLine(r, ExitCodes.BAD_INPUT, missing, "no such directory");
            assertFalse(Files.exists(missing));
        }));
        return cases.stream();
    }

    private static Path folderWithLink(Path dir) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        writeText(data.resolve("a.txt"), "a");
        Files.createSymbolicLink(data.resolve("escape"), tiny);
        return data;
    }

    private DynamicTest manifest(String name, byte[] bytes, String problem) {
        return manifestPath(name, p -> write(p, bytes), problem);
    }

    private DynamicTest manifestPath(String name, IoAction make, String problem) {
        Path dir = caseDir("manifest");
        return DynamicTest.dynamicTest("manifest: " + name, () -> {
            Path data = Files.createDirectories(dir.resolve("data"));
            writeText(data.resolve("a.txt"), "a");
            writeText(data.resolve("b.txt"), "b");
            Path m = dir.resolve("SUMS");
            make.apply(m);
            FolderSnapshot before = FolderSnapshot.of(data);
            CliRun r = CliRun.of("checksum", "--verify", m.toString(), data.toString());
            expectOneLine(r, ExitCodes.BAD_INPUT, m, problem);
            assertEquals("", FolderSnapshot.of(data).changesSince(before));
        });
    }

    // ---------------------------------------------------------------------------------------- fixture folders

    @TestFactory
    Stream<DynamicTest> fixtureFolders() throws IOException {
        List<DynamicTest> cases = new ArrayList<>();
        String manifest = "reference_fixtures.json";
        String manifestText = Files.readString(fixtures.resolve(manifest));
        byte[] tokens = read(fixtures.resolve("tokens_argmax.npz"));
        Map<String, NdArray> tokenMembers = Npz.read(fixtures.resolve("tokens_argmax.npz"));
        // without our manifest a folder is read as the port's published set, by its files: one it cannot use fails
        cases.add(fixture("no manifest and nothing a package can use", f -> {
            deleteTree(f);
            java.nio.file.Files.createDirectories(f);
            writeText(f.resolve("notes.txt"), "not a fixture");
        }, "fixtures", null));
        cases.add(fixture("empty manifest", f -> write(f.resolve(manifest), new byte[0]), manifest, null));
        cases.add(fixture("manifest not JSON", f -> writeText(f.resolve(manifest), "{\"schema\": "), manifest, null));
        cases.add(fixture("manifest of another schema", f -> writeText(f.resolve(manifest),
                manifestText.replace("mrt2-reference-fixtures-v2", "something-else-v9")), manifest, "schema"));
        cases.add(fixture("manifest lists an unknown file", f -> writeText(f.resolve(manifest),
                manifestText.replace("\"decoder.npz\"", "\"surprise.npz\"")), "surprise.npz", null));
        cases.add(fixture("a listed file missing", f -> delete(f.resolve("tokens_argmax.npz")),
                "tokens_argmax.npz", "missing"));
        cases.add(fixture("a listed file cut short", f -> write(f.resolve("tokens_argmax.npz"),
                Arrays.copyOf(tokens, tokens.length / 2)), "tokens_argmax.npz", null));
        cases.add(fixture("a listed file not a zip", f -> writeText(f.resolve("temporal_streaming_carry_64.npz"), "text"),
                "temporal_streaming_carry_64.npz", null));
        byte[] crc = tokens.clone();
        crc[tokens.length / 2] ^= 0x04;
        cases.add(fixture("a listed file with a changed byte", f -> write(f.resolve("tokens_argmax.npz"), crc),
                "tokens_argmax.npz", null));
        for (String member : List.of("temperature", "tokens", "gumbel_noise", "prefix_embeddings")) {
            Map<String, NdArray> m = new java.util.TreeMap<>(tokenMembers);
            m.remove(member);
            cases.add(fixture("tokens without " + member, f -> Npz.write(f.resolve("tokens_argmax.npz"), m),
                    "tokens_argmax.npz", member));
        }
        Map<String, NdArray> flatNoise = new java.util.TreeMap<>(tokenMembers);
        NdArray noise = tokenMembers.get("gumbel_noise");
        flatNoise.put("gumbel_noise", NdArray.f32(new int[] {noise.size() > 0 ? (int) noise.size() : 1}, noise.floats()));
        cases.add(fixture("gumbel noise of rank 1", f -> Npz.write(f.resolve("tokens_argmax.npz"), flatNoise),
                "tokens_argmax.npz", "gumbel_noise"));
        Map<String, NdArray> floatTokens = new java.util.TreeMap<>(tokenMembers);
        NdArray ids = tokenMembers.get("tokens");
        floatTokens.put("tokens", NdArray.f32(ids.shape(), new float[(int) ids.size()]));
        cases.add(fixture("token ids stored as floats", f -> Npz.write(f.resolve("tokens_argmax.npz"), floatTokens),
                "tokens_argmax.npz", "tokens"));
        Map<String, NdArray> temporal = Npz.read(fixtures.resolve("temporal_streaming_carry_64.npz"));
        Map<String, NdArray> noOutputs = new java.util.TreeMap<>(temporal);
        noOutputs.remove("reference_outputs");
        cases.add(fixture("temporal stream without its outputs", f -> Npz.write(f.resolve("temporal_streaming_carry_64.npz"),
                noOutputs), "temporal_streaming_carry_64.npz", "reference_outputs"));
        Map<String, NdArray> decoder = Npz.read(fixtures.resolve("decoder.npz"));
        Map<String, NdArray> noStft = new java.util.TreeMap<>(decoder);
        noStft.remove("decoder_stft");
        cases.add(fixture("decoder without its STFT", f -> Npz.write(f.resolve("decoder.npz"), noStft),
                "decoder.npz", "decoder_stft"));
        // damaged as numpy would damage them: refused when read, naming the member (never exit 4, never blamed on
        // the package, never "another model size")
        Map<String, NdArray> shortStft = new java.util.TreeMap<>(decoder);
        NdArray stft = decoder.get("decoder_stft");
        int[] rows = stft.shape();
        rows[1]--;
        shortStft.put("decoder_stft", NdArray.f32(rows, Arrays.copyOf(stft.floats(), (int) NdArray.size(rows))));
        cases.add(fixture("decoder STFT one row short", f -> Npz.write(f.resolve("decoder.npz"), shortStft),
                "decoder.npz", "decoder_stft"));
        Map<String, NdArray> nanStft = new java.util.TreeMap<>(decoder);
        float[] values = stft.floats().clone();
        values[100] = Float.NaN;
        nanStft.put("decoder_stft", NdArray.f32(stft.shape(), values));
        cases.add(fixture("decoder STFT holding a NaN", f -> Npz.write(f.resolve("decoder.npz"), nanStft),
                "decoder.npz", "decoder_stft.npy': holds NaN"));
        Map<String, NdArray> narrowNoise = new java.util.TreeMap<>(tokenMembers);
        int[] codes = noise.shape();
        codes[2]--;
        float[] cut = new float[(int) NdArray.size(codes)];
        narrowNoise.put("gumbel_noise", NdArray.f32(codes, cut));
        cases.add(fixture("gumbel noise one code short", f -> Npz.write(f.resolve("tokens_argmax.npz"), narrowNoise),
                "tokens_argmax.npz", "gumbel_noise"));
        String device = "temporal_streaming_carry_64_device_fixture.json";
        cases.add(fixture("device fixture path leaving the folder", f -> writeText(f.resolve(device),
                Files.readString(f.resolve(device)).replace("\"temporal_streaming_carry_64_source_encoded_f32.bin\"",
                        "\"../temporal_streaming_carry_64_source_encoded_f32.bin\"")), device, "leads outside"));
        cases.add(fixture("device fixture raw file missing",
                f -> delete(f.resolve("temporal_streaming_carry_64_reference_outputs_f32.bin")),
                "temporal_streaming_carry_64_reference_outputs_f32.bin", "no such file"));
        cases.add(fixture("device fixture JSON cut short", f -> writeText(f.resolve(device), "{\"arrays\": "),
                device, "not valid JSON (Unexpected end-of-input within/between Object entries at line 1, column 12)"));
        cases.add(fixture("the fixtures folder missing", FaultSuiteTest::deleteTree, "fixtures", "no such"));
        return cases.stream();
    }

    private DynamicTest fixture(String name, IoAction corrupt, String file, String problem) {
        Path dir = caseDir("fixtures");
        return DynamicTest.dynamicTest("fixtures: " + name, () -> {
            Path f = dir.resolve("fixtures");
            TestFiles.copyTree(fixtures, f);
            corrupt.apply(f);
            Path models = dir.resolve("models");
            TestFiles.copyTree(depthPackage, models.resolve(depthPackage.getFileName()));
            Path receipts = dir.resolve("receipts");
            FolderSnapshot before = FolderSnapshot.of(receipts);
            // -q: validate announces where its reference comes from before it reads it
            CliRun r = CliRun.of("validate", "--models", models.toString(), "--skip-reference", "--fixtures",
                    f.toString(), "--out", receipts.toString(), "-q");
            expectOneLine(r, ExitCodes.BAD_INPUT, Path.of(file), problem);
            assertEquals("", FolderSnapshot.of(receipts).changesSince(before), "receipts written\n" + r);
        });
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** The rule every case checks: the code, one line naming the file and the problem, nothing else. */
    private static void expectOneLine(CliRun r, int code, Path file, String problem) {
        CASES.incrementAndGet();
        assertEquals(code, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), "exactly one stderr line\n" + r);
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("mrt2: "), line);
        assertTrue(line.contains(file.getFileName().toString()), "the line names " + file.getFileName() + ": " + line);
        if (problem != null) {
            assertTrue(line.toLowerCase(Locale.ROOT).contains(problem.toLowerCase(Locale.ROOT)),
                    "the line says '" + problem + "': " + line);
        }
        assertFalse(line.matches(".*\\b(java|javax|jdk|sun|dev\\.mrt2|picocli|com\\.fasterxml|com\\.google|org\\.[a-z]+)\\.[a-z].*"),
                "no class name: " + line);
        assertFalse(line.contains("Exception") || line.contains("internal error"), line);
        assertTrue(line.length() > ("mrt2: " + file.getFileName() + ": ").length() + 3, "a problem is stated: " + line);
        assertEquals("", r.out(), "nothing on stdout");
    }

    private static final AtomicInteger DIRS = new AtomicInteger();

    private static Path caseDir(String family) {
        try {
            return Files.createDirectories(root.resolve("cases").resolve(family + "-" + DIRS.incrementAndGet()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(int code, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(code, r.code(), r.toString());
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, byte[] bytes) {
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeText(Path p, String text) {
        write(p, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void delete(Path p) throws IOException {
        Files.delete(p);
    }

    private static void deleteTree(Path p) throws IOException {
        dev.mrt2.io.FileTrees.delete(p);
    }

}
