package dev.mrt2.validate.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.host.noise.Gumbel;
import dev.mrt2.host.noise.SplitMix64;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.model.Mrt2Layout;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.SafetensorsWriter;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Metrics;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every reference piece loads from a tiny synthetic checkpoint and runs end to end on the same code path as full size. */
class TinyCheckpointTest {
    @TempDir
    static Path tmp;
    static Path checkpoint;
    static final Mrt2Dims DIMS = Mrt2Dims.tiny();

    @BeforeAll
    static void write() {
        checkpoint = tmp.resolve("tiny.safetensors");
        Mrt2Synth.write(checkpoint, DIMS, 11, 1);
    }

    @Test
    void temporalDepthAndSamplingRunFromTheCheckpoint() {
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            assertEquals(DIMS, Mrt2Dims.fromCheckpoint(file));
            TemporalReference temporal = TemporalReference.load(file, DIMS, TemporalReference.Options.DEFAULT);
            TokenEmbedding embedding = TokenEmbedding.load(file, DIMS);
            FrameLoop loop = new FrameLoop(DepthReference.load(file, DIMS, false), embedding,
                    Sampler.standard(DIMS.codebookSize()));
            SplitMix64 rng = new SplitMix64(3);
            float[] input = embedding.sos();
            float[] source = new float[DIMS.sourceDim()];
            for (int frame = 0; frame < 3; frame++) {
                float[] out = temporal.step(input, source);
                assertEquals(DIMS.temporalDim(), out.length);
                FrameLoop.Frame f = loop.rollout(out,
                        Gumbel.noise(rng, DIMS.rvqLevels(), DIMS.codebookSize()), Sampler.inverseTemperature(1.3f));
                assertEquals(12, f.codes().length);
                for (int l = 0; l < 12; l++) {
                    assertTrue(f.codes()[l] >= 0 && f.codes()[l] < DIMS.codebookSize());
                    assertEquals(6 + DIMS.codebookSize() * l + f.codes()[l], f.ids()[l]);
                }
                input = f.feedback();
            }
            double rms = 0;
            for (float v : input) {
                rms += v * v / input.length;
            }
            assertTrue(Math.sqrt(rms) > 0.1 && Math.sqrt(rms) < 10, "feedback rms " + Math.sqrt(rms));
        }
    }

    @Test
    void decoderRunsOnTheFastKernelsAndAgreesWithTheScalarOracle() {
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint); FastConv2d native_ = FastConv2d.fastest();
             FastConv2d jvm = FastConv2d.jvm()) {
            Codebooks books = Codebooks.load(file, DIMS);
            int frames = 3;
            int[][] codes = new int[frames][12];
            SplitMix64 rng = new SplitMix64(9);
            for (int[] row : codes) {
                for (int l = 0; l < 12; l++) {
                    row[l] = (int) (rng.nextFloat() * DIMS.codebookSize());
                }
            }
            float[][] embeddings = books.embeddingsFromCodes(codes);
            NdArray slow = DecoderReference.load(file, DIMS, new ScalarConv2d()).decode(embeddings);
            NdArray onJvm = DecoderReference.load(file, DIMS, jvm).decode(embeddings);
            for (FastConv2d engine : new FastConv2d[] {jvm, native_}) {
                NdArray fast = engine == jvm ? onJvm : DecoderReference.load(file, DIMS, engine).decode(embeddings);
                assertArrayEquals(new int[] {1, 4 * frames - 4, 480, 4}, fast.shape());
                Comparison c = Metrics.compareSpectra(fast, slow);
                assertTrue(c.allFinite());
                assertTrue(c.snrDb() > 100, engine.backendName() + " vs scalar decoder SNR " + c.snrDb());
                assertTrue(c.logSpectralDistanceDb() < 0.01);
                // the JVM and the native path: the same float32 decoder in two summation orders
                Comparison between = Metrics.compareSpectra(fast, onJvm);
                assertTrue(between.snrDb() > 100, engine.backendName() + " vs java decoder SNR " + between.snrDb());
            }

            // causal with one frame of lookahead: the last token frame reaches output rows >= 4 (T - 1) - 4 only
            float[][] changed = embeddings.clone();
            changed[frames - 1] = new float[DIMS.codebookDim()];
            NdArray other = DecoderReference.load(file, DIMS, new ScalarConv2d()).decode(changed);
            int rowValues = 480 * 4;
            float[] a = slow.floats();
            float[] b = other.floats();
            for (int i = 0; i < 4 * rowValues; i++) {
                assertEquals(a[i], b[i], "output row " + i / rowValues + " saw the last token frame");
            }
            assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(a, 4 * rowValues, a.length),
                    java.util.Arrays.copyOfRange(b, 4 * rowValues, b.length)));
        }
    }

    @Test
    void codebookSumIsInLevelOrderFromTheFirstTwelveLevels() {
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            float[] all = file.readFloats(Mrt2Keys.QUANTIZER);
            Codebooks books = Codebooks.load(file, DIMS);
            int c = DIMS.codebookSize();
            int e = DIMS.codebookDim();
            int[] codes = {1, 0, 5, 2, 3, 4, 6, 7, 8, 9, 10, c - 1};
            float[] sum = books.embeddingsFromCodes(new int[][] {codes})[0];
            for (int d = 0; d < e; d++) {
                float expected = 0;
                for (int l = 0; l < 12; l++) {
                    expected += all[(l * c + codes[l]) * e + d];
                }
                assertEquals(expected, sum[d], "dim " + d);
            }
            assertArrayEquals(new int[] {0, c - 1}, Codebooks.codesFromUnique(new int[][] {{6, 6 + 2 * c - 1}}, c)[0]);
        }
    }

    @Test
    void inputProjectionIsReshapedBinMajor() {
        // channel c of [bins * W] goes to frequency c / W, channel c % W
        Chw x = new Chw(new float[] {0, 1, 2, 3, 4, 5}, 6, 1, 1);
        Chw y = DecoderReference.binsFromChannels(x, 2);
        assertEquals(3, y.freq());
        assertEquals(2, y.channels());
        assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5}, y.data());
    }

    @Test
    void aMissingOrMisshapenKeyNamesTheFileAndTheKey() {
        Path broken = tmp.resolve("broken.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        for (Mrt2Layout.KeySpec spec : Mrt2Layout.keys(DIMS)) {
            if (spec.key().equals(Mrt2Keys.EMBEDDING)) {
                w.addFloats(spec.key(), java.util.List.of(1L, 1L), new float[1]);
            } else if (!spec.key().endsWith("x_layers_3/ffn/ffn_layer2/bias")) {
                w.add(spec.key(), dev.mrt2.safetensors.DType.F32, spec.shape(), dst -> { });
            }
        }
        w.write(broken);
        try (SafetensorsFile file = SafetensorsFile.open(broken)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TemporalWeights.read(file, DIMS));
            assertEquals("broken.safetensors: missing key '" + Mrt2Keys.temporal(3, Mrt2Keys.FFN2_BIAS)
                    + "' (expected [" + DIMS.temporalDim() + "])", e.getMessage());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> TokenEmbedding.load(file, DIMS));
            assertEquals("broken.safetensors: key '" + Mrt2Keys.EMBEDDING + "' has shape [1, 1], expected ["
                    + DIMS.vocab() + ", " + DIMS.temporalDim() + "]", shape.getMessage());
        }
    }
}
