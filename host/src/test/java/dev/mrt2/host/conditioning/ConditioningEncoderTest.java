package dev.mrt2.host.conditioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.SafetensorsWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder against the spec's formula written out independently here in float64 with the row numbers of §15
 * (pitch p at 11 p, drum 1408, CFG 1417 / 1464 / 1511, +7 on every token, style level l at 1031 l), on the tiny
 * synthetic checkpoint, whose tables keep their full row counts.
 */
class ConditioningEncoderTest {
    private static final String E = "params/depthformer/encoder/body/";
    @TempDir
    static Path dir;
    static Path tiny;

    @BeforeAll
    static void synth() {
        tiny = dir.resolve("tiny.safetensors");
        Mrt2Synth.write(tiny, Mrt2Dims.tiny(), 5, 1);
    }

    /** §7 / §15 in float64, straight from the tensors. */
    static double[] expected(SafetensorsFile f, int[] raw, double gain) {
        float[] m = f.readFloats(E + "layers_1/branched_mulan_embedder/mulan_embedder/mulan_dequantizer/embedding");
        float[] a = f.readFloats(E + "layers_1/branched_mulan_embedder/mulan_embedder/depth_input_adapter/kernel");
        float[] r = f.readFloats(E + "layers_1/branched_regular_embedder/regular_embedder/embedding");
        float[] scale = f.readFloats(E + "encoder_ln/scale");
        float[] bias = f.readFloats(E + "encoder_ln/bias");
        int s = scale.length;
        int md = a.length / s;
        double[] styleSum = new double[md];
        for (int l = 0; l < 12; l++) {
            int row = 1031 * l + raw[l] + 7;
            for (int d = 0; d < md; d++) {
                styleSum[d] += m[row * md + d];
            }
        }
        int[] offsets = new int[132];
        for (int p = 0; p < 128; p++) {
            offsets[p] = 11 * p;
        }
        offsets[128] = 1408;
        offsets[129] = 1417;
        offsets[130] = 1464;
        offsets[131] = 1511;
        double[] x = new double[s];
        for (int j = 0; j < s; j++) {
            double proj = 0;
            for (int d = 0; d < md; d++) {
                proj += styleSum[d] * a[d * s + j];
            }
            double mean = 0;
            for (int c = 0; c < 132; c++) {
                mean += r[(offsets[c] + raw[12 + c] + 7) * s + j];
            }
            x[j] = (proj + mean / 132) / 2;
        }
        double mu = Arrays.stream(x).average().orElseThrow();
        double var = Arrays.stream(x).map(v -> (v - mu) * (v - mu)).average().orElseThrow();
        double[] out = new double[s];
        for (int j = 0; j < s; j++) {
            out[j] = ((x[j] - mu) / Math.sqrt(var + 1e-6) * scale[j] + bias[j]) * gain;
        }
        return out;
    }

    static void assertClose(double[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int j = 0; j < want.length; j++) {
            assertEquals(want[j], got[j], 1e-5 * Math.max(1, Math.abs(want[j])), "value " + j);
        }
    }

    @Test
    void encoderMatchesTheFormulaForStyleNotesDrumsAndGuidance() {
        int[] style = {660, 1016, 295, 206, 857, 841, 391, 857, 619, 70, 401, 22};
        int[] notes = NoteRoll.constant(NotesOption.parse("C4,E4:onset,G4:sustain", NoteState.AUTO), 2);
        ConditioningTokens t = ConditioningTokens.of(style, notes, 1, CfgGuidance.ofScales(3, 1, 1));
        try (SafetensorsFile f = SafetensorsFile.open(tiny)) {
            ConditioningEncoder encoder = ConditioningEncoder.load(f);
            assertEquals(16, encoder.sourceDim());
            assertClose(expected(f, t.raw(), 1), encoder.encode(t, 1f));
            assertClose(expected(f, t.raw(), 1.25), encoder.encode(t, 1.25f));
            // the tables' last used rows: style 1023 at level 11, drum CFG bin 8 (row 1526 exists only by padding)
            int[] high = new int[12];
            Arrays.fill(high, 1023);
            ConditioningTokens edge = ConditioningTokens.of(high, NoteRoll.masked(), -1, new CfgGuidance(40, 40, 8));
            assertClose(expected(f, edge.raw(), 1), encoder.encode(edge, 1f));
        }
    }

    @Test
    void maskedSignalsUseTheirOwnLearnedRowsAndChangeTheOutput() {
        try (SafetensorsFile f = SafetensorsFile.open(tiny)) {
            ConditioningEncoder encoder = ConditioningEncoder.load(f);
            CfgGuidance cfg = CfgGuidance.ofScales(3, 1, 1);
            int[] none = new int[12];
            Arrays.fill(none, -1);
            float[] masked = encoder.encode(ConditioningTokens.of(none, NoteRoll.masked(), -1, cfg), 1f);
            float[] drumsOn = encoder.encode(ConditioningTokens.of(none, NoteRoll.masked(), 1, cfg), 1f);
            float[] drumsOff = encoder.encode(ConditioningTokens.of(none, NoteRoll.masked(), 0, cfg), 1f);
            assertNotEquals(Arrays.toString(masked), Arrays.toString(drumsOn));
            assertNotEquals(Arrays.toString(drumsOn), Arrays.toString(drumsOff));
            int[] raw = ConditioningTokens.of(none, NoteRoll.masked(), -1, cfg).raw();
            assertClose(expected(f, raw, 1), masked);
        }
    }

    @Test
    void shrunkConditioningTablesAreNamed() {
        Path small = dir.resolve("shrunk.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        for (String key : ConditioningEncoder.KEYS) {
            List<Long> shape = key.endsWith("mulan_dequantizer/embedding") ? List.of(468L, 24L)
                    : key.endsWith("depth_input_adapter/kernel") ? List.of(24L, 16L)
                    : key.endsWith("regular_embedder/embedding") ? List.of(128L, 16L) : List.of(16L);
            int n = Math.toIntExact(shape.stream().reduce(1L, (x, y) -> x * y));
            w.addFloats(key, shape, new float[n]);
        }
        w.write(small);
        try (SafetensorsFile f = SafetensorsFile.open(small)) {
            BadInputException e = assertThrows(BadInputException.class, () -> ConditioningEncoder.load(f));
            assertTrue(e.getMessage().contains("has 468 rows, the conditioning tokens need 12 x 1031 = 12372"),
                    e.getMessage());
        }
    }

    @Test
    void aNaNInAnEncoderTableIsRefusedNamingTheKey() throws Exception {
        // convert checks only what its packages read, and these tables are not among them
        String key = E + "encoder_ln/bias";
        byte[] bytes = Files.readAllBytes(tiny);
        byte[] first;
        try (SafetensorsFile f = SafetensorsFile.open(tiny)) {
            ByteBuffer data = f.data(key);
            first = new byte[8];
            data.duplicate().get(first);
        }
        int at = indexOf(bytes, first);
        ByteBuffer.wrap(bytes, at, 4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN);
        Path bad = Files.write(dir.resolve("nan.safetensors"), bytes);
        try (SafetensorsFile f = SafetensorsFile.open(bad)) {
            BadInputException e = assertThrows(BadInputException.class, () -> ConditioningEncoder.load(f));
            assertEquals("nan.safetensors: key '" + key + "' holds NaN at element 0 (every encoder value must be "
                    + "finite)", e.getMessage());
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("tensor bytes not found");
    }
}
