package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Small constructors for test tensors. */
final class Arrays2 {
    private Arrays2() {}

    static int[] shape(int... dims) {
        return dims;
    }

    static NdArray f32(int[] shape, float... values) {
        return NdArray.f32(shape, values);
    }

    static NdArray f16(int[] shape, float... values) {
        return NdArray.f16(shape, values);
    }

    static NdArray i32(int[] shape, int... values) {
        return NdArray.i32(shape, values);
    }

    static float[] random(SplittableRandom rng, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        return v;
    }

    static Map<String, NdArray> inputs(Object... pairs) {
        Map<String, NdArray> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], (NdArray) pairs[i + 1]);
        return m;
    }
}
