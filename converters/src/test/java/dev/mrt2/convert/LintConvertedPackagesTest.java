package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.Model;
import dev.mrt2.mil.lint.Finding;
import dev.mrt2.mil.lint.LintReport;
import dev.mrt2.mil.lint.PackageLinter;
import dev.mrt2.model.Mrt2Keys;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code mrt2 lint}'s library on the first-generation packages of the shared tiny conversion. */
class LintConvertedPackagesTest {

    @Test
    void statefulTemporalBodyReportsAll48StateWritesInAppendixBOrder() {
        LintReport r = PackageLinter.lint(TinyCheckpoint.sharedOutput().resolve(TemporalConverter.PACKAGE_NAME));
        List<Finding> writes = r.findings("ANE001-state-write");
        assertEquals(1, writes.size(), r.toText(0));
        Finding f = writes.get(0);
        assertEquals(48, f.ops().size());
        assertEquals(48L, f.figures().get("states_written"));
        assertEquals(48L, f.figures().get("read_state"));
        Model m = ReadBack.model(TemporalConverter.PACKAGE_NAME);
        List<String> written = f.ops().stream().map(op -> ReadBack.op(m, op).inputName("input")).toList();
        assertEquals(Mrt2Keys.cacheNames(12), written, "one write per cache, in program (= declaration) order");
        assertTrue(r.findings("ANE010-fp32-compute").isEmpty(),
                "fp16 compute; the fp32 input casts and the output cast are boundary plumbing: " + r.toText(0));
    }

    @Test
    void fp32DepthBodyAndDecoderComputeEntirelyInFp32() {
        for (String pkg : List.of(DepthConverter.PACKAGE_NAME, DecoderConverter.PACKAGE_NAME)) {
            LintReport r = PackageLinter.lint(pkg, ReadBack.model(pkg));
            List<Finding> fp32 = r.findings("ANE010-fp32-compute");
            assertEquals(1, fp32.size(), pkg + "\n" + r.toText(0));
            assertTrue(fp32.get(0).message().startsWith("the graph computes entirely in fp32: "), fp32.get(0).message());
            assertTrue(r.findings("ANE001-state-write").isEmpty(), pkg);
            long blobBytes = r.findings("ANE040-weight-bytes").get(0).figures().get("fp32_bytes");
            assertTrue(blobBytes > 0, pkg);
        }
    }
}
