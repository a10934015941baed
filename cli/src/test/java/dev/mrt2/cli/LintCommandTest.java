package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.pkg.MlPackageBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintCommandTest {
    private static final TensorType F16 = TensorType.of(DataType.FLOAT16, 1, 8);

    @TempDir
    Path dir;

    private Path write(String name, Consumer<MilBuilder> graph) {
        Path pkg = dir.resolve(name + ".mlpackage");
        try (MlPackageBuilder p = MlPackageBuilder.create(pkg, Opset.IOS18)) {
            MilBuilder b = p.builder();
            graph.accept(b);
            p.commit(b.build(Metadata.empty()));
        }
        return pkg;
    }

    /** Three caches, each read, advanced and written back in the graph. */
    private Path stateful() {
        return write("stateful", b -> {
            Var x = b.input("x", F16);
            Var acc = x;
            for (int i = 0; i < 3; i++) {
                Var s = b.state("cache_" + i, F16);
                acc = b.add("next_" + i, b.readState("read_" + i, s), acc);
                b.writeState("write_" + i, s, acc);
            }
            b.output("y", acc);
        });
    }

    private Path statelessFp16() {
        return write("carry", b -> {
            Var x = b.cast("x_fp16", b.input("x", TensorType.of(DataType.FLOAT32, 1, 8)), DataType.FLOAT16);
            Var h = b.tanh("h", b.add("sum", x, b.input("cache_in", F16)));
            b.output("cache_update", h);
            b.output("y", b.cast("y", h, DataType.FLOAT32));
        });
    }

    @Test
    void warningsPrintWithTheOpsAndExitZero() {
        Path pkg = stateful();
        CliRun r = CliRun.of("lint", pkg.toString(), "--max-ops", "2");
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals("package " + pkg, lines.get(0));
        assertEquals("warning ANE001-state-write: 3 write_state ops update 3 states inside the graph"
                + " (3 read_state ops, 3 states declared)", lines.get(1));
        assertEquals("  ops (3): write_0, write_1, ... (+1 more)", lines.get(2));
        assertTrue(lines.get(3).startsWith("  why: "), r.toString());
        assertEquals("1 warning, 0 info (10 ops checked)", lines.get(lines.size() - 1));
        assertEquals("", r.err());
    }

    @Test
    void strictExitsOneOnAWarningAndZeroWithout() {
        Path pkg = stateful();
        CliRun r = CliRun.of("lint", pkg.toString(), "--strict");
        assertEquals(ExitCodes.FAILURE, r.code(), r.toString());
        assertTrue(r.out().contains("warning ANE001-state-write"), "the report still prints");
        assertEquals(List.of("mrt2: " + pkg + ": 1 Neural Engine warning(s) with --strict"), r.errLines());

        CliRun clean = CliRun.of("lint", statelessFp16().toString(), "--strict");
        assertEquals(ExitCodes.OK, clean.code(), clean.toString());
        assertTrue(clean.out().contains("no Neural Engine hazards found"), clean.toString());
    }

    @Test
    void jsonIsOneSortedDocumentListingEveryOp() throws Exception {
        CliRun r = CliRun.of("lint", stateful().toString(), "--json", "--max-ops", "1");
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(List.of("findings", "infos", "operations", "package", "warnings"), fields(j));
        assertEquals(1, j.get("warnings").asInt());
        assertEquals(10, j.get("operations").asInt());
        JsonNode f = j.get("findings").get(0);
        assertEquals(List.of("figures", "message", "op_count", "ops", "rule", "severity", "why"), fields(f));
        assertEquals("ANE001-state-write", f.get("rule").asText());
        assertEquals("warning", f.get("severity").asText());
        assertEquals(3, f.get("op_count").asInt());
        assertEquals("[\"write_0\",\"write_1\",\"write_2\"]", f.get("ops").toString(), "--max-ops only shortens text");
        assertEquals(3, f.get("figures").get("states_written").asInt());
    }

    @Test
    void strictJsonStillPrintsOneDocument() throws Exception {
        CliRun r = CliRun.of("lint", stateful().toString(), "--json", "--strict");
        assertEquals(ExitCodes.FAILURE, r.code(), r.toString());
        assertEquals(1, new ObjectMapper().readTree(r.out()).get("warnings").asInt());
        assertEquals(1, r.errLines().size(), r.toString());
    }

    @Test
    void malformedPackageExitsThreeWithOneLine() throws Exception {
        Path pkg = stateful();
        Files.delete(pkg.resolve("Manifest.json"));
        CliRun r = CliRun.of("lint", pkg.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertEquals(List.of("mrt2: " + pkg + ": Manifest.json is missing"), r.errLines());
        assertEquals("", r.out());

        CliRun missing = CliRun.of("lint", dir.resolve("nope.mlpackage").toString());
        assertEquals(ExitCodes.BAD_INPUT, missing.code(), missing.toString());
    }

    @Test
    void negativeMaxOpsIsAUsageError() {
        CliRun r = CliRun.of("lint", stateful().toString(), "--max-ops", "-1");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
