package dev.mrt2.mil.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.ProgramText;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What inspect shows: the stateful example's states, op histogram, constant tallies and metadata. */
class PackageSummaryTest {
    @TempDir
    Path dir;

    @Test
    void statefulModelShowsItsStates() {
        Path target = dir.resolve("B.mlpackage");
        TreeMap<String, String> user = new TreeMap<>();
        user.put("dev.mrt2.checkpoint_sha256", "abc123");
        Examples.writeB(target, new Metadata("accumulator", "1.0", "mrt2", "Apache-2.0", user));
        try (MlPackage pkg = MlPackageReader.read(target)) {
            PackageSummary s = PackageSummary.of(pkg);
            assertEquals(9, s.specificationVersion());
            assertEquals("iOS18", s.deploymentTarget());
            assertEquals("CoreML8", s.opset());
            assertEquals(List.of(new PackageSummary.Feature("x", "fp16", List.of(1L, 4L))), s.inputs());
            assertEquals(List.of(new PackageSummary.Feature("acc", "fp16", List.of(1L, 4L))), s.states());
            assertEquals(List.of(new PackageSummary.Feature("y", "fp16", List.of(1L, 4L))), s.outputs());
            assertEquals(4, s.operationCount());
            assertEquals("{add=1, read_state=2, write_state=1}", s.operations().toString());
            assertEquals(0, s.constants().count());
            assertEquals(64, s.weightFileBytes());
            assertEquals("""
                    package     %s
                    spec        9 (iOS18, opset CoreML8)
                    inputs      x fp16[1, 4]
                    outputs     y fp16[1, 4]
                    states      acc fp16[1, 4]
                    ops         4 (add 1, read_state 2, write_state 1)
                    constants   0: 0 bytes inline, 0 bytes in blobs
                    weight.bin  64 bytes
                    author      mrt2
                    license     Apache-2.0
                    description accumulator
                    version     1.0
                    metadata    dev.mrt2.checkpoint_sha256 = abc123
                    """.formatted(target), s.toText());
            assertEquals("""
                    main(%x: fp16[1, 4], %acc: state<fp16[1, 4]>) opset CoreML8 {
                      %acc_read: fp16[1, 4] = read_state(input=%acc)
                      %sum: fp16[1, 4] = add(x=%acc_read, y=%x)
                      write_state(data=%sum, input=%acc)  # y_write_state
                      %y: fp16[1, 4] = read_state(input=%acc)
                    } -> (%y)
                    """, ProgramText.of(pkg.model()));
        }
    }

    @Test
    void constantsAreTalliedByDtypeAndPlace() throws Exception {
        Path target = dir.resolve("mixed.mlpackage");
        PackageWriteResult r = MixedProgram.write(target);
        try (MlPackage pkg = MlPackageReader.read(target)) {
            PackageSummary s = PackageSummary.of(pkg);
            assertEquals(r.weightBytes(), s.weightFileBytes());
            PackageSummary.Tally fp16 = s.constants().blob().get("fp16");
            assertEquals(new PackageSummary.Tally(4, 2 * (256 + 16 + 16 + 160)), fp16);
            assertEquals(new PackageSummary.Tally(1, 48), s.constants().blob().get("int32"));
            assertEquals(new PackageSummary.Tally(1, 16), s.constants().blob().get("int8"));
            assertEquals(new PackageSummary.Tally(1, 64), s.constants().blob().get("fp32"));
            assertTrue(s.constants().immediate().containsKey("string"));
            assertTrue(s.constants().immediate().containsKey("bool"));
            long sum = s.constants().blob().values().stream().mapToLong(PackageSummary.Tally::bytes).sum();
            assertEquals(sum, s.constants().blobBytes());
            assertEquals("test", s.metadata().userDefined().get("dev.mrt2.schema"));

            JsonNode json = new ObjectMapper().readTree(s.toJson());
            assertEquals("CoreML8", json.get("opset").asText());
            assertEquals("cache", json.get("states").get(0).get("name").asText());
            assertEquals(List.of(1, 4, 2, 8), new ObjectMapper().convertValue(json.get("states").get(0).get("shape"), List.class));
            assertSortedKeys(json);
        }
    }

    private static void assertSortedKeys(JsonNode node) {
        if (node.isObject()) {
            String previous = "";
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                assertTrue(previous.compareTo(key) < 0, "keys out of order: " + previous + " then " + key);
                previous = key;
                assertSortedKeys(node.get(key));
            }
        } else if (node.isArray()) {
            node.forEach(PackageSummaryTest::assertSortedKeys);
        }
    }
}
