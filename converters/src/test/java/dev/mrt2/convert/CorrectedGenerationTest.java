package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.pkg.MlPackage;
import dev.mrt2.mil.pkg.MlPackageReader;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.Float16;
import dev.mrt2.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.mrt2.mil.lint.LintReport;
import dev.mrt2.mil.lint.PackageLinter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corrected generation (mrt2-model.md §6.2.2, §6.2.3) on the tiny checkpoint: deterministic bytes, the contracts
 * of MODELS.md read back exactly, and the rollout's per-level constants hold the checkpoint's slices.
 */
class CorrectedGenerationTest {
    private static final Mrt2Dims D = Mrt2Dims.tiny();
    private static final List<String> PIECES = List.of("temporal-carry", "rollout-f16", "rollout-f32");

    @TempDir
    static Path dir;
    static Path out;

    @BeforeAll
    static void convert() {
        out = dir.resolve("first");
        ConvertService.run(TinyCheckpoint.sharedCheckpoint(), out, ConversionPieces.select(PIECES), s -> { });
    }

    @Test
    void lintFindsNoStateWritesInTheCarryStepButAll48InTheStatefulOne() {
        LintReport carry = PackageLinter.lint(out.resolve(TemporalCarryConverter.PACKAGE_NAME));
        assertTrue(carry.findings("ANE001-state-write").isEmpty(), carry.toText(0));
        assertTrue(carry.findings("ANE002-state-read").isEmpty(), carry.toText(0));
        LintReport stateful = PackageLinter.lint(TinyCheckpoint.sharedOutput().resolve(TemporalConverter.PACKAGE_NAME));
        assertEquals(48, stateful.findings("ANE001-state-write").get(0).ops().size(), stateful.toText(0));
    }

    @Test
    void correctedPackagesConvertToIdenticalBytesTwice() throws IOException {
        Path second = dir.resolve("second");
        ConvertService.run(TinyCheckpoint.sharedCheckpoint(), second, ConversionPieces.select(PIECES), s -> { });
        List<String> files = ConvertDeterminismTest.relativeFiles(out);
        assertEquals(files, ConvertDeterminismTest.relativeFiles(second));
        // 3 packages x 3 files, 3 sidecars, MODELS.md, SHA256SUMS
        assertEquals(14, files.size(), files::toString);
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(out.resolve(f)), Files.readAllBytes(second.resolve(f)), f);
        }
    }

    @Test
    void carryStepTakesTheCachesAsInputsAndReturnsTheNewRowsWithoutStates() {
        try (MlPackage pkg = MlPackageReader.read(out.resolve(TemporalCarryConverter.PACKAGE_NAME))) {
            Model m = pkg.model();
            String row = D.temporalHeads() + ", " + D.temporalHeadDim() + "]";
            List<String> inputs = new ArrayList<>(List.of(
                    "temporal_inputs fp32[1, 1, " + D.temporalDim() + "]",
                    "source_encoded fp32[1, 1, " + D.sourceDim() + "]",
                    "cache_valid_bias fp16[1, 1, 1, 43]"));
            List<String> outputs = new ArrayList<>(List.of("temporal_outputs fp32[1, 1, " + D.temporalDim() + "]"));
            for (String name : Mrt2Keys.cacheNames(12)) {
                inputs.add(name + "_in fp16[1, 41, " + row);
                outputs.add(name + "_updates fp16[1, 1, " + row);
            }
            assertEquals(inputs, describe(m.description().inputs()), "inputs in §6.2.2 order");
            assertEquals(outputs, describe(m.description().outputs()), "outputs in §6.2.2 order");
            assertEquals("temporal_layer_11_cross_value_cache_updates", m.description().outputs().get(48).name());
            assertTrue(m.description().states().isEmpty(), "no states");
            assertTrue(ops(m).stream().noneMatch(o -> o.type().equals("write_state") || o.type().equals("read_state")),
                    "no state reads or writes");
            assertEquals(TemporalCarryConverter.SCHEMA, m.description().metadata().userDefined().get("mrt2.schema"));
        }
    }

    @Test
    void carryStepSharesTheStatefulStepsLayerMathOpForOp() {
        // Same layer math: after removing the cache plumbing, both graphs have the same op types in the same order.
        try (MlPackage carry = MlPackageReader.read(out.resolve(TemporalCarryConverter.PACKAGE_NAME))) {
            Model stateful = ReadBack.model(TemporalConverter.PACKAGE_NAME);
            assertEquals(math(stateful), math(carry.model()));
        }
    }

    @Test
    void rolloutsDeclareTheSection623ContractInBothPrecisions() {
        for (String name : List.of(DepthRolloutConverter.F16_PACKAGE, DepthRolloutConverter.F32_PACKAGE)) {
            try (MlPackage pkg = MlPackageReader.read(out.resolve(name))) {
                Model m = pkg.model();
                assertEquals(List.of("temporal_frame fp32[1, 1, " + D.temporalDim() + "]",
                        "gumbel_noise fp32[12, " + D.codebookSize() + "]", "inverse_temperature fp32[1]"),
                        describe(m.description().inputs()), name);
                assertEquals(List.of("sampled_codes int32[12]", "temporal_feedback fp32[1, " + D.temporalDim() + "]"),
                        describe(m.description().outputs()), name);
                assertTrue(m.description().states().isEmpty(), name);
                boolean anyFp16 = ops(m).stream().anyMatch(o -> !o.isConst() && o.outputs().stream()
                        .anyMatch(v -> v.type() instanceof TensorType t && t.dataType() == DataType.FLOAT16));
                assertEquals(name.contains(".f16."), anyFp16, name + ": compute precision");
                assertEquals(12, ops(m).stream().filter(o -> o.type().equals("topk")).count(), name);
                assertEquals(12, ops(m).stream().filter(o -> o.type().equals("gather")).count(), name);
            }
        }
    }

    @Test
    void rolloutConstantsAreTheLevelsSlicesOfTheCheckpoint() {
        try (MlPackage pkg = MlPackageReader.read(out.resolve(DepthRolloutConverter.F32_PACKAGE));
             SafetensorsFile ckpt = SafetensorsFile.open(TinyCheckpoint.sharedCheckpoint())) {
            Model m = pkg.model();
            int c = D.codebookSize();
            int d = D.depthDim();
            int level = 5;
            int from = 6 + c * level;
            float[] kernel = ckpt.readFloats(Mrt2Keys.depth("to_logits/kernel"));
            float[] weight = floats(m, "lv05_logits_weight");
            assertEquals(c * d, weight.length);
            // linear weight [C, d]: row j = column 6 + C*5 + j of the kernel [d, V]
            assertEquals(kernel[3 * D.vocab() + from + 7], weight[7 * d + 3]);
            assertEquals(ckpt.readFloats(Mrt2Keys.depth("to_logits/bias"))[from + c - 1],
                    floats(m, "lv05_logits_bias")[c - 1]);
            float[] emb = ckpt.readFloats(Mrt2Keys.EMBEDDING);
            int dim = D.temporalDim();
            float[] table = floats(m, "lv05_embedding_table");
            assertEquals((float) Math.sqrt(dim) * emb[(from + 2) * dim + 9], table[2 * dim + 9]);
            assertEquals(32, ints(m, "lv00_topk_k")[0], "tiny C = 32 keeps min(40, C) entries");
        }
        assertEquals(40, DepthRolloutConverter.f16(Mrt2Dims.small()).topK());
    }

    @Test
    void generationsSelectTheirPieces() {
        assertEquals(List.of("temporal", "depth", "decoder", "codebooks"), names(ConversionPieces.generation("first")));
        List<String> corrected = names(ConversionPieces.generation("corrected"));
        assertTrue(corrected.containsAll(List.of("temporal-carry", "rollout-f16", "rollout-f32", "codebooks")));
        assertFalse(corrected.contains("temporal"));
        List<String> all = names(ConversionPieces.generation("all"));
        assertEquals(ConversionPieces.names().stream().filter(n -> !n.equals("temporal-carry-f32")).toList(), all,
                "all = first + corrected, without the FP32 carry step");
        assertEquals(List.of("decoder", "rollout-f32", "temporal-carry-f32", "sos-input", "codebooks"),
                names(ConversionPieces.generation("reference")), "the all-FP32 chain");
        assertEquals("unknown generation 'second' (available: first, corrected, reference, all)",
                assertThrows(IllegalArgumentException.class, () -> ConversionPieces.generation("second")).getMessage());
        // --only still picks across generations, in registry order
        assertEquals(List.of("depth", "rollout-f32"), names(ConversionPieces.select(List.of("rollout-f32", "depth"))));
    }

    @Test
    void validBiasOpensRowsZeroToValidMinusOne() {
        float[] b = TemporalCarryConverter.validBias(1, 3);
        assertEquals(43, b.length);
        assertEquals(0f, b[0]);
        assertEquals(0f, b[3]);
        assertEquals(-1e4f, b[4]);
        assertEquals(-1e4f, b[41]);
        assertEquals(0f, b[42]);
        float[] full = TemporalCarryConverter.validBias(1, 100);
        for (float v : full) {
            assertEquals(0f, v);
        }
    }

    private static List<String> names(List<ConversionPiece> pieces) {
        return pieces.stream().map(ConversionPiece::name).toList();
    }

    /** Op types without the cache plumbing (state reads/writes, the shift's slices and concats, output identities). */
    private static List<String> math(Model m) {
        List<String> types = new ArrayList<>();
        for (Operation o : ops(m)) {
            String n = o.name();
            boolean plumbing = n.contains("_cache") || o.type().equals("identity") || o.type().equals("const");
            if (!plumbing) {
                types.add(o.type() + " " + n);
            }
        }
        return types;
    }

    private static List<Operation> ops(Model m) {
        return m.program().main().block().operations();
    }

    private static List<String> describe(List<FeatureDescription> features) {
        return features.stream().map(f -> f.name() + " " + f.type()).toList();
    }

    private static float[] floats(Model m, String name) {
        Operation o = ops(m).stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        ByteBuffer b = o.value().data();
        float[] v = new float[Math.toIntExact(o.value().type().elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = o.value().type().dataType() == DataType.FLOAT16 ? Float16.toFloat(b.getShort()) : b.getFloat();
        }
        return v;
    }

    private static int[] ints(Model m, String name) {
        Operation o = ops(m).stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        ByteBuffer b = o.value().data();
        int[] v = new int[Math.toIntExact(o.value().type().elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getInt();
        }
        return v;
    }
}
