package dev.mrt2.validate.headroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.convert.SortedJson;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.WeightSink;
import dev.mrt2.mil.exec.ExecutorBackend;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.tensor.NdArray;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HeadroomRecorderTest {
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;
    private static final double POS_INF = Double.POSITIVE_INFINITY;

    /**
     * x [2] fp16 through ops whose maxima are exact in binary16 (multiples of the local spacing), plus fp32 and int32
     * ops that must not appear in the table.
     */
    private static Model program() {
        MilBuilder b = new MilBuilder(Opset.IOS18, new ScalarsOnly());
        Var x = b.input("x", TensorType.of(DataType.FLOAT16, 2));
        Var scaled = b.mul("scaled", x, 1000f);
        List<Var> parts = b.split("parts", scaled, 0, 1, 1);
        Var near = b.mul("near", x, 6400f);
        Var over = b.add("over", scaled, 60000f);
        Var overRelu = b.relu("over_relu", over);
        Var nan = b.sub("nan", over, over);
        Var zero = b.mul("zero", x, 0f);
        Var wide = b.mul("wide", b.cast("wide_in", scaled, DataType.FLOAT32), 100f);
        Var index = b.cast("index_f", b.reduceArgmax("index", x, 0, true), DataType.FLOAT32);
        for (Var v : List.of(parts.get(0), parts.get(1), near, overRelu, nan, zero, wide, index)) {
            b.output(v.name(), v);
        }
        return b.build(null);
    }

    private static HeadroomReport record(float[]... calls) {
        HeadroomRecorder recorder = new HeadroomRecorder();
        try (MlProgramExecutor exec = MlProgramExecutor.forModel(program(), "headroom", ExecutorBackend.SCALAR)) {
            exec.addObserver(recorder);
            for (float[] x : calls) {
                exec.predict(Map.of("x", NdArray.f16(new int[] {2}, x)));
            }
        }
        return recorder.report();
    }

    @Test
    void tableHoldsEveryFp16OpWithItsLargestValueAndHeadroomLeastFirst() {
        // call 0: x = [10, -4]: 10·1000 + 60000 = 70000 overflows to inf, and inf - inf is NaN
        // call 1: x = [-4, 4]: every value finite; 4000 + 60000 = 64000 raises 'over's finite maximum
        HeadroomReport report = record(new float[] {10, -4}, new float[] {-4, 4});
        List<OpHeadroom> expected = List.of(
                new OpHeadroom("nan", "sub", 0, NEG_INF, 0, 1, true),
                new OpHeadroom("over", "add", 64000, NEG_INF, 1, 0, true),
                new OpHeadroom("over_relu", "relu", 64000, NEG_INF, 1, 0, true),
                new OpHeadroom("near", "mul", 64000, 20 * Math.log10(65504.0 / 64000), 0, 0, false),
                // split's two outputs merge under the op's name; the tie with 'scaled' goes by name
                new OpHeadroom("parts", "split", 10000, 20 * Math.log10(65504.0 / 10000), 0, 0, false),
                new OpHeadroom("scaled", "mul", 10000, 20 * Math.log10(65504.0 / 10000), 0, 0, false),
                new OpHeadroom("zero", "mul", 0, POS_INF, 0, 0, false));
        assertEquals(expected, report.ops(),
                "fp32 ('wide', 'wide_in', 'index_f') and int32 ('index') ops are left out");
        assertEquals(16.3254, report.ops().get(5).headroomDb(), 1e-4, "mul by 1000 of 10: 20 log10(65504 / 10000)");
        assertEquals(0.2018, report.ops().get(3).headroomDb(), 1e-4);
        assertEquals(3, report.flaggedOps());
        assertEquals(expected.subList(0, 3), report.worst(HeadroomReport.SUMMARY_OPS));
    }

    @Test
    void summaryNamesTheThreeOpsWithTheLeastHeadroom() {
        HeadroomReport finite = new HeadroomReport(record(new float[] {-4, 4}, new float[] {10, -4}).ops().stream()
                .filter(o -> !o.flagged()).toList());
        assertEquals(List.of(
                "fp16 headroom below 65504, least of 4 ops:",
                "  near (mul): max |value| 64000.0, headroom 0.2 dB",
                "  parts (split): max |value| 10000.0, headroom 16.3 dB",
                "  scaled (mul): max |value| 10000.0, headroom 16.3 dB"), finite.summaryLines());
        assertEquals(List.of(
                "fp16 headroom below 65504, least of 7 ops (3 flagged non-finite):",
                "  nan (sub): max |value| 0.0 and 0 inf, 1 NaN values, headroom none (non-finite)",
                "  over (add): max |value| 64000.0 and 1 inf, 0 NaN values, headroom none (non-finite)",
                "  over_relu (relu): max |value| 64000.0 and 1 inf, 0 NaN values, headroom none (non-finite)"),
                record(new float[] {10, -4}, new float[] {-4, 4}).summaryLines());
        assertEquals(List.of("fp16 headroom: no fp16 op output was observed"), new HeadroomReport(List.of())
                .summaryLines());
    }

    @Test
    void receiptSectionIsTheSameBytesWhateverTheCallOrder() {
        String a = SortedJson.write(record(new float[] {10, -4}, new float[] {-4, 4}).json());
        String b = SortedJson.write(record(new float[] {-4, 4}, new float[] {10, -4}).json());
        assertEquals(a, b);
        assertTrue(a.startsWith("{\n  \"flagged_ops\": 3,\n  \"limit\": 65504.0,\n  \"ops\": [\n    {\n"
                + "      \"flagged\": true,\n      \"headroom_db\": \"-Infinity\",\n      \"inf_values\": 0,\n"
                + "      \"max_abs\": 0.0,\n      \"nan_values\": 1,\n      \"op\": \"nan\",\n"
                + "      \"type\": \"sub\"\n"), a);
        assertTrue(a.endsWith("\"op\": \"zero\",\n      \"type\": \"mul\"\n    }\n  ],\n"
                + "  \"ops_observed\": 7\n}\n"), a);
    }

    @Test
    void scanAgreesWithAPlainLoopOnValuesOfEveryClass() {
        float[] specials = {0f, -0f, Float.MIN_VALUE, 6.1e-5f, 65504f, -65504f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN};
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            float[] v = new float[1 + rng.nextInt(64)];
            float max = 0;
            long inf = 0;
            long nan = 0;
            for (int i = 0; i < v.length; i++) {
                v[i] = rng.nextInt(4) == 0 ? specials[rng.nextInt(specials.length)]
                        : (float) ((rng.nextDouble() * 2 - 1) * Math.pow(2, rng.nextInt(-20, 16)));
                if (Float.isNaN(v[i])) {
                    nan++;
                } else if (Float.isInfinite(v[i])) {
                    inf++;
                } else {
                    max = Math.max(max, Math.abs(v[i]));
                }
            }
            HeadroomRecorder r = new HeadroomRecorder();
            r.onOutput("op", "mul", NdArray.f16Rounded(new int[] {v.length}, v));
            OpHeadroom row = r.report().ops().get(0);
            assertEquals(List.of((double) max, inf, nan), List.of(row.maxAbs(), row.infValues(), row.nanValues()),
                    "trial " + trial);
        }
    }

    @Test
    void headroomIsZeroAtTheLimitAndInfiniteForZero() {
        assertEquals(0.0, OpHeadroom.decibelsBelowLimit(65504), 0.0);
        assertEquals(POS_INF, OpHeadroom.decibelsBelowLimit(0));
        assertEquals(-20 * Math.log10(2), OpHeadroom.decibelsBelowLimit(131008), 1e-12);
    }

    /** Every constant of {@link #program()} is a scalar, stored in the program itself. */
    private static final class ScalarsOnly implements WeightSink {
        @Override
        public long append(TensorType type, ByteBuffer data) {
            throw new AssertionError("no constant of this test goes to weight.bin: " + type);
        }

        @Override
        public ByteBuffer read(long offset, TensorType type) {
            throw new AssertionError("no blob at " + offset);
        }
    }
}
