package dev.mrt2.mil.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.pkg.MlPackageBuilder;
import dev.mrt2.mil.pkg.PackageFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule against a small package built for it, written to disk and linted from the path. */
class PackageLinterTest {
    private static final TensorType F16_1x16 = TensorType.of(DataType.FLOAT16, 1, 16);
    private static final TensorType F32_1x16 = TensorType.of(DataType.FLOAT32, 1, 16);

    @TempDir
    Path dir;

    private LintReport lint(String name, Consumer<MilBuilder> graph) {
        Path pkg = dir.resolve(name + ".mlpackage");
        try (MlPackageBuilder p = MlPackageBuilder.create(pkg, Opset.IOS18)) {
            MilBuilder b = p.builder();
            graph.accept(b);
            p.commit(b.build(Metadata.empty()));
        }
        return PackageLinter.lint(pkg);
    }

    private static List<String> rules(LintReport r) {
        return r.findings().stream().map(Finding::rule).toList();
    }

    /** Two caches updated in the graph, as the first-generation temporal body does for its 48. */
    private static void statefulCaches(MilBuilder b) {
        Var x = b.input("x", F16_1x16);
        Var key = b.state("key_cache", F16_1x16);
        Var value = b.state("value_cache", F16_1x16);
        Var k = b.add("k_next", b.readState("k_read", key), x);
        Var v = b.add("v_next", b.readState("v_read", value), x);
        b.writeState("v_write", value, v);
        b.writeState("k_write", key, k);
        b.output("y", b.mul("y", k, v));
    }

    @Test
    void stateWritesAreOneWarningListingEveryWriteInProgramOrder() {
        LintReport r = lint("stateful", PackageLinterTest::statefulCaches);
        List<Finding> writes = r.findings(StateWriteRule.WRITE);
        assertEquals(1, writes.size(), r.toText(0));
        Finding f = writes.get(0);
        assertEquals(Severity.WARNING, f.severity());
        assertEquals(List.of("v_write", "k_write"), f.ops(), "program order, not name order");
        assertEquals(2L, f.figures().get("write_state"));
        assertEquals(2L, f.figures().get("read_state"));
        assertEquals(2L, f.figures().get("states_written"));
        assertEquals("2 write_state ops update 2 states inside the graph (2 read_state ops, 2 states declared)",
                f.message());
        assertTrue(f.why().contains("ANECCompile() FAILED"), f.why());
        assertEquals(List.of(StateWriteRule.WRITE), rules(r), "fp16, small, no CPU ops: nothing else to report");
        assertTrue(r.hasWarnings());
    }

    @Test
    void statesReadButNeverWrittenAreAnInfo() {
        LintReport r = lint("readonly", b -> {
            Var x = b.input("x", F16_1x16);
            Var cache = b.state("cache", F16_1x16);
            b.output("y", b.add("y", b.readState("cache_read", cache), x));
        });
        assertEquals(List.of(StateWriteRule.READ), rules(r), r.toText(0));
        Finding f = r.findings().get(0);
        assertEquals(Severity.INFO, f.severity());
        assertEquals(List.of("cache_read"), f.ops());
        assertEquals(0, r.warnings());
    }

    @Test
    void statelessFp16GraphWithFp32IoCastsHasNoWarnings() {
        LintReport r = lint("carry_like", b -> {
            Var x = b.cast("x_fp16", b.input("x", F32_1x16), DataType.FLOAT16);
            Var cacheIn = b.input("cache_in", F16_1x16);
            Var w = b.constant("w", TensorType.of(DataType.FLOAT16, 16, 16), new float[256]);
            Var h = b.linear("h", b.add("sum", x, cacheIn), w, null);
            b.output("cache_update", h);
            b.output("y", b.cast("y_fp32", b.relu("act", h), DataType.FLOAT32));   // cast + identity "y": I/O plumbing
        });
        assertEquals(0, r.warnings(), r.toText(0));
        assertEquals(List.of(WeightBytesRule.ID), rules(r));
        Finding weights = r.findings().get(0);
        assertEquals(List.of("w"), weights.ops());
        assertEquals(512L, weights.figures().get("fp16_bytes"));
        assertTrue(weights.message().startsWith("every prediction reads 5"), weights.message());
    }

    @Test
    void allFp32GraphIsOneFindingListingEveryComputeOp() {
        LintReport r = lint("fp32", b -> {
            Var x = b.input("x", F32_1x16);
            Var w = b.constant("w", TensorType.of(DataType.FLOAT32, 16, 16), new float[256]);
            Var h = b.relu("act", b.linear("h", x, w, null));
            b.output("y", b.add("y", h, x));
        });
        List<Finding> fp32 = r.findings(Fp32ComputeRule.ID);
        assertEquals(1, fp32.size(), r.toText(0));
        assertEquals(List.of("h", "act", "y"), fp32.get(0).ops());
        assertEquals("the graph computes entirely in fp32: 3 ops (add 1, linear 1, relu 1)", fp32.get(0).message());
        assertEquals(1024L, r.findings(WeightBytesRule.ID).get(0).figures().get("fp32_bytes"));
    }

    @Test
    void mixedPrecisionGraphGetsOneFp32FindingPerOpType() {
        LintReport r = lint("mixed", b -> {
            Var x = b.input("x", F32_1x16);
            Var a = b.relu("a", x);
            Var c = b.relu("c", b.add("b", a, x));
            Var h = b.tanh("h", b.cast("h_in", c, DataType.FLOAT16));
            b.output("y", b.cast("y_fp32", h, DataType.FLOAT32));
        });
        List<Finding> fp32 = r.findings(Fp32ComputeRule.ID);
        assertEquals(List.of("relu: 2 ops compute in fp32 (the graph has 2 fp16 ops)",
                "add: 1 op computes in fp32 (the graph has 2 fp16 ops)"),
                fp32.stream().map(Finding::message).toList(), "groups in program order of their first op");
        assertEquals(List.of("a", "c"), fp32.get(0).ops());
        assertEquals(List.of("b"), fp32.get(1).ops());
    }

    @Test
    void gatherTopkAndTheirIntegerOutputsAreCpuFindings() {
        LintReport r = lint("rollout_like", b -> {
            Var logits = b.input("logits", TensorType.of(DataType.FLOAT16, 1, 64));
            List<Var> top = b.topk("top", logits, 4, -1);
            Var table = b.constant("table", TensorType.of(DataType.FLOAT16, 64, 8), new float[512]);
            Var rows = b.gather("rows", table, b.squeeze("top_ids", top.get(1), 0), 0);
            Var first = b.reduceArgmax("first", logits, -1, false);
            b.output("codes", b.add("codes", first, first));
            b.output("feedback", b.reduceSum("feedback", rows, new int[] {0}, false));
        });
        List<Finding> cpu = r.findings(CpuOpRule.ID);
        assertEquals(List.of("topk: 1 op that usually runs on the CPU", "gather: 1 op that usually runs on the CPU",
                "reduce_argmax: 1 op that usually runs on the CPU"), cpu.stream().map(Finding::message).toList(),
                r.toText(0));
        assertEquals(List.of("top"), cpu.get(0).ops());
        assertEquals(List.of("rows"), cpu.get(1).ops());
        assertTrue(cpu.get(0).why().contains("top-k"), cpu.get(0).why());
        List<Finding> ints = r.findings(IntegerMathRule.ID);
        assertEquals(1, ints.size(), r.toText(0));
        assertEquals(List.of("top_ids", "codes"), ints.get(0).ops(), "int plumbing off computed indices; constants never");
    }

    @Test
    void comparisonsAreBoolLogicAndOnlyLargeSelectsAreFlagged() {
        TensorType big = TensorType.of(DataType.FLOAT16, 1, 300, 300);
        LintReport r = lint("masks", b -> {
            Var x = b.input("x", F16_1x16);
            Var zero = b.constant("zero", F16_1x16, new float[16]);
            Var mask = b.logicalNot("keep", b.greater("drop", x, zero));
            b.output("small", b.select("small", mask, x, zero));
            Var grid = b.input("grid", big);
            Var gridMask = b.less("grid_mask", grid, b.scalar("grid_zero", DataType.FLOAT16, 0));
            b.output("large", b.select("large", gridMask, grid, b.relu("grid_relu", grid)));
        });
        assertEquals(List.of("drop", "keep", "grid_mask"), r.findings(BoolLogicRule.ID).get(0).ops(), r.toText(0));
        List<Finding> selects = r.findings(LargeSelectRule.ID);
        assertEquals(1, selects.size());
        assertEquals(List.of("large"), selects.get(0).ops());
        assertEquals(90_000L, selects.get(0).figures().get("largest_elements"));
    }

    @Test
    void rankAboveFiveLongAxesAndHugeActivationsAreReported() {
        LintReport r = lint("shapes", b -> {
            Var x = b.input("x", TensorType.of(DataType.FLOAT16, 2, 2, 2, 2, 2, 2));
            b.output("y", b.reshape("y", b.relu("x_relu", x), 8, 8));
            Var vocab = b.input("vocab", TensorType.of(DataType.FLOAT16, 1, 32_000));
            b.output("v", b.relu("v", vocab));
            Var wide = b.input("wide", TensorType.of(DataType.FLOAT16, 1, 9_000, 1_024));
            b.output("w", b.relu("w", wide));
        });
        Finding rank = r.findings(TensorLimitRule.RANK).get(0);
        assertEquals(List.of("x", "x_relu"), rank.ops(), r.toText(0));
        assertEquals(6L, rank.figures().get("largest"));
        Finding dim = r.findings(TensorLimitRule.DIMENSION).get(0);
        assertEquals(List.of("vocab", "v"), dim.ops());
        assertEquals("2 values with an axis longer than 16384 (largest: 'vocab' fp16[1, 32000])", dim.message());
        Finding bytes = r.findings(TensorLimitRule.BYTES).get(0);
        assertEquals(Severity.INFO, bytes.severity());
        assertEquals(List.of("wide", "w"), bytes.ops());
        assertEquals(9_000L * 1_024 * 2, bytes.figures().get("largest"));
    }

    @Test
    void findingsAreSortedByRuleAndTextCapsTheOpList() {
        LintReport r = lint("many", b -> {
            Var x = b.input("x", F16_1x16);
            Var acc = x;
            for (int i = 0; i < 12; i++) {
                Var s = b.state("s" + i, F16_1x16);
                acc = b.add("acc" + i, acc, b.readState("r" + i, s));
                b.writeState("w" + i, s, acc);
            }
            Var idx = b.reduceArgmax("idx", acc, -1, false);
            b.output("y", idx);
        });
        assertEquals(List.of(StateWriteRule.WRITE, CpuOpRule.ID), rules(r));
        String text = r.toText(10);
        assertTrue(text.contains("\n  ops (12): w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, ... (+2 more)\n"), text);
        assertTrue(text.endsWith("2 warnings, 0 info (40 ops checked)\n"), text);
        assertTrue(r.toText(0).contains("w9, w10, w11\n"), "0 shows every op");
        assertEquals(text, lint("many_again", b -> {
            Var x = b.input("x", F16_1x16);
            Var acc = x;
            for (int i = 0; i < 12; i++) {
                Var s = b.state("s" + i, F16_1x16);
                acc = b.add("acc" + i, acc, b.readState("r" + i, s));
                b.writeState("w" + i, s, acc);
            }
            b.output("y", b.reduceArgmax("idx", acc, -1, false));
        }).toText(10).replace("many_again", "many"), "same graph, same report");
    }

    @Test
    void unreadablePackageThrowsTheReadersError() throws Exception {
        Path pkg = dir.resolve("broken.mlpackage");
        Files.createDirectories(pkg);
        PackageFormatException e = assertThrows(PackageFormatException.class, () -> PackageLinter.lint(pkg));
        assertEquals(pkg + ": Manifest.json is missing", e.getMessage());
    }
}
