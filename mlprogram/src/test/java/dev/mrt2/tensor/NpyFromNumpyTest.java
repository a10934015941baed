package dev.mrt2.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Files NumPy 2.4 wrote (src/test/resources/npy-numpy/make.py): every byte order, width and kind we read, Fortran
 * order, format versions 2.0 and 3.0, and both npz writers. Expected values come from make.py's formulas, computed
 * here, not from anything we wrote.
 */
class NpyFromNumpyTest {
    private static final int[] SHAPE = {2, 3, 4};

    private static Path file(String name) {
        try {
            return Path.of(NpyFromNumpyTest.class.getResource("/npy-numpy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** base * 0.25 - 2 for base = arange(24) in C order of [2, 3, 4]. */
    private static float[] floats() {
        float[] v = new float[24];
        for (int i = 0; i < 24; i++) {
            v[i] = i * 0.25f - 2;
        }
        return v;
    }

    private static int[] ints(int shift) {
        int[] v = new int[24];
        for (int i = 0; i < 24; i++) {
            v[i] = i + shift;
        }
        return v;
    }

    /** The [4, 3, 2] transpose of a [2, 3, 4] array in C order: element (k, j, i) is element (i, j, k). */
    private static int transposedSource(int t) {
        int i = t % 2;
        int j = (t / 2) % 3;
        int k = t / 6;
        return (i * 3 + j) * 4 + k;
    }

    @Test
    void readsEveryFloatWidthInEitherByteOrder() {
        for (String name : List.of("float_lef4.npy", "float_bef4.npy", "float_lef8.npy", "float_bef8.npy")) {
            NdArray a = Npy.read(file(name));
            assertEquals(NdArray.Kind.F32, a.kind(), name);
            assertArrayEquals(SHAPE, a.shape(), name);
            assertArrayEquals(floats(), a.floats(), name);
        }
        for (String name : List.of("float_lef2.npy", "float_bef2.npy")) {
            NdArray a = Npy.read(file(name));
            assertEquals(NdArray.Kind.F16, a.kind(), name);
            assertArrayEquals(floats(), a.floats(), name);
        }
    }

    @Test
    void readsEveryIntegerWidthIntoInt32() {
        for (String name : List.of("int_i1.npy", "int_lei2.npy", "int_bei2.npy", "int_lei4.npy", "int_bei4.npy",
                "int_lei8.npy", "int_bei8.npy")) {
            NdArray a = Npy.read(file(name));
            assertEquals(NdArray.Kind.I32, a.kind(), name);
            assertArrayEquals(SHAPE, a.shape(), name);
            assertArrayEquals(ints(-5), a.ints(), name);
        }
        for (String name : List.of("uint_u1.npy", "uint_leu2.npy", "uint_beu4.npy", "uint_leu8.npy")) {
            assertArrayEquals(ints(0), Npy.read(file(name)).ints(), name);
        }
        int[] bools = new int[24];
        for (int i = 0; i < 24; i++) {
            bools[i] = i % 3 == 0 ? 1 : 0;
        }
        NdArray b = Npy.read(file("bool.npy"));
        assertEquals(NdArray.Kind.BOOL, b.kind());
        assertArrayEquals(bools, b.ints());
    }

    @Test
    void readsFortranOrderAsTheArrayItDescribes() {
        NdArray fortran = Npy.read(file("fortran_f4.npy"));
        assertArrayEquals(SHAPE, fortran.shape());
        assertArrayEquals(floats(), fortran.floats());

        NdArray t = Npy.read(file("transposed_f4.npy"));
        assertArrayEquals(new int[] {4, 3, 2}, t.shape());
        NdArray ti = Npy.read(file("transposed_i8.npy"));
        float[] f = floats();
        int[] n = ints(-5);
        for (int i = 0; i < 24; i++) {
            assertEquals(f[transposedSource(i)], t.floats()[i], "element " + i);
            assertEquals(n[transposedSource(i)], ti.ints()[i], "element " + i);
        }
    }

    @Test
    void readsFormatVersionsTwoAndThreeAndEdgeShapes() {
        assertArrayEquals(floats(), Npy.read(file("version2_f4.npy")).floats());
        assertArrayEquals(floats(), Npy.read(file("version3_f4.npy")).floats());
        NdArray scalar = Npy.read(file("scalar_f4.npy"));
        assertEquals(0, scalar.shape().length);
        assertArrayEquals(new float[] {3.5f}, scalar.floats());
        NdArray empty = Npy.read(file("empty_i4.npy"));
        assertArrayEquals(new int[] {0, 12}, empty.shape());
    }

    @Test
    void readsBothNpzWriters() {
        Map<String, NdArray> plain = Npz.read(file("savez.npz"));
        assertEquals(List.of("floats", "fortran", "tokens"), List.copyOf(plain.keySet()));
        assertArrayEquals(floats(), plain.get("floats").floats());
        assertArrayEquals(floats(), plain.get("fortran").floats());   // float64, Fortran order
        assertArrayEquals(ints(-5), plain.get("tokens").ints());
        Map<String, NdArray> compressed = Npz.read(file("savez_compressed.npz"));
        assertArrayEquals(floats(), compressed.get("floats").floats());
        assertArrayEquals(ints(-5), compressed.get("tokens").ints());
    }
}
