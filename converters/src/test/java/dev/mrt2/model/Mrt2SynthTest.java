package dev.mrt2.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.mrt2.safetensors.DType;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mrt2SynthTest {
    @TempDir
    static Path dir;
    static Path seed7;

    @BeforeAll
    static void writeTiny() {
        seed7 = dir.resolve("tiny7.safetensors");
        Mrt2Synth.write(seed7, Mrt2Dims.tiny(), 7, 1);
    }

    private static Path sharedDir() {
        return Path.of(System.getProperty("mrt2.shared.dir", "../../shared"));
    }

    @Test
    void sameSeedSameBytesWhateverTheThreadCount() throws Exception {
        Path again = dir.resolve("tiny7-again.safetensors");
        long size = Mrt2Synth.write(again, Mrt2Dims.tiny(), 7, 3);
        assertEquals(Files.size(seed7), size);
        assertEquals(-1, Files.mismatch(seed7, again));
    }

    @Test
    void differentSeedDifferentValuesSameLayout() throws Exception {
        Path other = dir.resolve("tiny8.safetensors");
        Mrt2Synth.write(other, Mrt2Dims.tiny(), 8, 2);
        try (SafetensorsFile a = SafetensorsFile.open(seed7); SafetensorsFile b = SafetensorsFile.open(other)) {
            assertEquals(a.tensors().stream().map(t -> List.of(t.name(), t.shape(), t.begin())).toList(),
                    b.tensors().stream().map(t -> List.of(t.name(), t.shape(), t.begin())).toList());
            for (TensorInfo t : a.tensors()) {
                assertNotEquals(a.data(t.name()), b.data(t.name()), t.name());
            }
            assertEquals("7", a.metadata().get("seed"));
            assertEquals("8", b.metadata().get("seed"));
        }
    }

    @Test
    void tinyHasEveryKeyOfTheLayoutAsF32WithItsShape() {
        try (SafetensorsFile f = SafetensorsFile.open(seed7)) {
            List<Mrt2Layout.KeySpec> layout = Mrt2Layout.keys(Mrt2Dims.tiny());
            assertEquals(layout.size(), f.tensors().size());
            for (Mrt2Layout.KeySpec k : layout) {
                TensorInfo t = f.info(k.key());
                assertEquals(DType.F32, t.dtype(), k.key());
                assertEquals(k.shape(), t.shape(), k.key());
            }
            assertEquals(Mrt2Dims.tiny(), Mrt2Dims.fromCheckpoint(f), "dimensions read back from the shapes");
        }
    }

    @Test
    void smallKeysAreAppendixA() throws Exception {
        List<String> tsv = Files.readAllLines(sharedDir().resolve("spec/mrt2-small-keys.tsv"));
        List<String> layout = new ArrayList<>();
        for (Mrt2Layout.KeySpec k : Mrt2Layout.keys(Mrt2Dims.small())) {
            layout.add(k.key() + "\t" + String.join(",", k.shape().stream().map(String::valueOf).toList()));
        }
        assertEquals(374, tsv.size());
        assertEquals(tsv, layout);
        List<String> tinyKeys = Mrt2Layout.keys(Mrt2Dims.tiny()).stream().map(Mrt2Layout.KeySpec::key).toList();
        assertEquals(tsv.stream().map(l -> l.substring(0, l.indexOf('\t'))).toList(), tinyKeys);
    }

    @Test
    void everyTensorFollowsItsDistribution() {
        SynthInit init = new SynthInit(Mrt2Dims.tiny());
        try (SafetensorsFile f = SafetensorsFile.open(seed7)) {
            for (TensorInfo t : f.tensors()) {
                float[] v = f.readFloats(t.name());
                SynthInit.Gaussian g = init.forKey(t.name(), t.shape());
                double mean = 0;
                for (float x : v) mean += x;
                mean /= v.length;
                double var = 0;
                for (float x : v) var += (x - mean) * (x - mean);
                double std = Math.sqrt(var / v.length);
                // sampling error of the mean is std/sqrt(n); allow 6 of them, and 25% on the std for small n
                double meanTol = 6 * g.std() / Math.sqrt(v.length) + 1e-7;
                assertEquals(g.mean(), mean, meanTol, t.name() + " mean");
                if (v.length >= 64) {
                    assertEquals(g.std(), std, 0.25 * g.std(), t.name() + " std");
                }
            }
        }
    }

    @Test
    void scalesFollowFanIn() {
        Mrt2Dims d = Mrt2Dims.tiny();
        SynthInit init = new SynthInit(d);
        assertEquals(1 / Math.sqrt(d.temporalDim()), init.forKey(Mrt2Keys.EMBEDDING, List.of(1L, (long) d.temporalDim())).std());
        assertEquals(1 / Math.sqrt(d.temporalHeads() * d.temporalHeadDim()),
                init.forKey(Mrt2Keys.temporal(0, Mrt2Keys.outputProjection(Mrt2Keys.SELF)),
                        List.of((long) d.temporalDim(), (long) d.temporalHeads(), (long) d.temporalHeadDim())).std(), 1e-12);
        assertEquals(1 / Math.sqrt(d.sourceDim()),
                init.forKey(Mrt2Keys.temporal(0, Mrt2Keys.key(Mrt2Keys.CROSS)),
                        List.of((long) d.sourceDim(), (long) d.temporalHeads(), (long) d.temporalHeadDim())).std(), 1e-12);
        // decoder_1's transpose conv: k 4x4, stride 2x2, cin W -> fan_in = 16 W / 4
        CodecBlock t = Mrt2Layout.codecConvs(d).stream().filter(c -> c.path().startsWith("decoder_1/conv2dtranspose"))
                .findFirst().orElseThrow();
        assertEquals(1 / Math.sqrt(4.0 * d.codecTopWidth()), init.forKey(t.kernelKey(), List.of()).std(), 1e-12);
        assertEquals(1.0, init.forKey(Mrt2Keys.depth("final_ln/scale"), List.of(48L)).mean());
        assertThrows(IllegalStateException.class, () -> init.forKey("params/unknown/thing", List.of(1L)));
    }

    @Test
    void smallPresetStatisticsOnOneKeyWithoutWritingTheFile() {
        // the same stream the full-size writer uses: a 1024-row embedding sample has std 1/32
        SynthRandom r = SynthRandom.forKey(0, Mrt2Keys.EMBEDDING);
        double s2 = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double x = r.nextGaussian();
            s2 += x * x;
        }
        assertEquals(1.0, s2 / n, 0.02);
        assertNotEquals(SynthRandom.forKey(0, "a").nextLong(), SynthRandom.forKey(1, "a").nextLong());
        assertNotEquals(SynthRandom.forKey(0, "a").nextLong(), SynthRandom.forKey(0, "b").nextLong());
        assertEquals(SynthRandom.forKey(5, "a").nextLong(), SynthRandom.forKey(5, "a").nextLong());
    }
}
