package dev.mrt2.validate;

import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.validate.metrics.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;

/**
 * The codebook table (mrt2-model.md §5) against the checkpoint's slice, or the identity the fixtures stored from it:
 * same byte count, every value finite, same SHA-256 (so the same bytes).
 */
final class CodebookCheck extends KindCheck {
    static final String NAME = "codebooks";

    CodebookCheck() {
        super(NAME, PackageInfo.Kind.CODEBOOKS);
    }

    @Override
    public Demand needs(PackageInfo info) {
        return new Demand(false, false, false, false, false, 0, true);
    }

    @Override
    public Coverage coverage(ReferenceSet ref, PackageInfo info) {
        return ref.codebooks() == null
                ? Coverage.missing(NAME, FixtureFiles.MANIFEST, "the reference holds no codebook identity (pass "
                        + "--checkpoint, or fixtures from 'mrt2 fixtures generate')")
                : Coverage.covered(NAME, ref.codebooks().origin().fixture());
    }

    @Override
    public void run(PackageRun run, ReferenceSet ref, Findings out) {
        ReferenceSet.CodebookCase want = ref.codebooks();
        String a = run.info.artifact();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(run.info.path());
        } catch (IOException e) {
            throw new UncheckedIOException(run.info.path() + ": cannot read: " + e.getMessage(), e);
        }
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        double finite = values.length == 0 ? 0 : Metrics.finiteRatio(NdArray.f32(new int[] {values.length}, values));
        String sha = Digests.sha256(bytes);
        String fixture = want.origin().fixture();
        Map<String, Object> json = new TreeMap<>();
        json.put("byte_count", bytes.length);
        json.put("expected_byte_count", want.byteCount());
        json.put("sha256", sha);
        json.put("expected_sha256", want.sha256());
        json.put("expected_shape", want.shape());
        json.put("finite_ratio", finite);
        json.put("reference", want.origin().source());
        out.results.put("codebooks", json);
        out.gates.add(Gate.exactly(a, fixture, "codebooks.byte_count", bytes.length, want.byteCount(),
                "little-endian float32 " + want.shape() + " (mrt2-model.md §5)"));
        out.gates.add(Gate.exactly(a, fixture, "codebooks.finite_ratio", finite, 1, "every codebook value finite"));
        out.gates.add(Gate.exactly(a, fixture, "codebooks.sha256_match", sha.equals(want.sha256()) ? 1 : 0, 1,
                "the same bytes as the checkpoint's slice: sha256 " + sha + ", expected " + want.sha256()));
    }
}
