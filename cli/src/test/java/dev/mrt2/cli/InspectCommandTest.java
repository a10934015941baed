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
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path dir;
    Path pkg;

    /** coreml-mlpackage.md §7.4, the stateful accumulator, with metadata. */
    @BeforeEach
    void writeStatefulPackage() {
        pkg = dir.resolve("B.mlpackage");
        TensorType t = TensorType.of(DataType.FLOAT16, 1, 4);
        try (MlPackageBuilder p = MlPackageBuilder.create(pkg, Opset.IOS18)) {
            MilBuilder b = p.builder();
            Var x = b.input("x", t);
            Var acc = b.state("acc", t);
            b.writeState("y_write_state", acc, b.add("sum", b.readState("acc_read", acc), x));
            b.output("y", b.readState("y", acc));
            TreeMap<String, String> user = new TreeMap<>();
            user.put("dev.mrt2.checkpoint_sha256", "abc");
            p.commit(b.build(new Metadata("acc", "1.0", "mrt2", "Apache-2.0", user)));
        }
    }

    @Test
    void textShowsVersionsIoStatesOpsAndMetadata() {
        CliRun r = CliRun.of("inspect", pkg.toString());
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("spec        9 (iOS18, opset CoreML8)"), r.toString());
        assertTrue(lines.contains("inputs      x fp16[1, 4]"), r.toString());
        assertTrue(lines.contains("states      acc fp16[1, 4]"), r.toString());
        assertTrue(lines.contains("ops         4 (add 1, read_state 2, write_state 1)"), r.toString());
        assertTrue(lines.contains("metadata    dev.mrt2.checkpoint_sha256 = abc"), r.toString());
        assertEquals("", r.err());
    }

    @Test
    void jsonIsOneSortedDocument() throws Exception {
        CliRun r = CliRun.of("inspect", pkg.toString(), "--json", "--program");
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(9, j.get("specification_version").asInt());
        assertEquals("acc", j.get("states").get(0).get("name").asText());
        assertEquals(2, j.get("operations").get("read_state").asInt());
        assertEquals("Apache-2.0", j.get("metadata").get("license").asText());
        assertTrue(j.get("program").asText().contains("write_state(data=%sum, input=%acc)  # y_write_state"));
        List<String> keys = new java.util.ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertEquals(keys.stream().sorted().toList(), keys);
    }

    @Test
    void verbosePrintsTheProgramOnStderr() {
        CliRun r = CliRun.of("inspect", pkg.toString(), "-v");
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        assertTrue(r.err().contains("%y: fp16[1, 4] = read_state(input=%acc)"), r.toString());
    }

    @Test
    void malformedPackageIsBadInputWithOneLine() throws Exception {
        Files.delete(pkg.resolve("Manifest.json"));
        CliRun r = CliRun.of("inspect", pkg.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertEquals(List.of("mrt2: " + pkg + ": Manifest.json is missing"), r.errLines());
        assertEquals("", r.out());
    }
}
