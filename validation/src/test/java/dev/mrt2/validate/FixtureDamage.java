package dev.mrt2.validate;

import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** Copies of a fixtures folder with one member changed, as numpy would change it, for the fixture tests. */
final class FixtureDamage {
    private FixtureDamage() {}

    /** {@code fixtures} copied to {@code dir}, then {@code member} of {@code file} replaced by {@code change} of it. */
    static Path member(Path fixtures, Path dir, String file, String member, UnaryOperator<NdArray> change)
            throws IOException {
        copy(fixtures, dir);
        Map<String, NdArray> m = new TreeMap<>(Npz.read(dir.resolve(file)));
        m.put(member, change.apply(m.get(member)));
        Npz.write(dir.resolve(file), m);
        return dir;
    }

    static Path copy(Path fixtures, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (var files = Files.list(fixtures)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    /** The array without the last entry of axis 0 ({@code first}) or of the last axis. */
    static NdArray cut(NdArray a, boolean first) {
        return cut(a, first ? 0 : a.rank() - 1);
    }

    /** The array without the last entry of {@code axis}. */
    static NdArray cut(NdArray a, int axis) {
        int[] from = a.shape();
        int[] to = from.clone();
        to[axis]--;
        int n = (int) NdArray.size(to);
        int[] at = new int[n];
        for (int i = 0; i < n; i++) {
            int rest = i;
            int src = 0;
            int stride = 1;
            for (int d = to.length - 1; d >= 0; d--) {
                src += (rest % to[d]) * stride;
                rest /= to[d];
                stride *= from[d];
            }
            at[i] = src;
        }
        if (a.isFloat()) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = a.floats()[at[i]];
            }
            return NdArray.f32(to, v);
        }
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = a.ints()[at[i]];
        }
        return NdArray.i32(to, v);
    }

    /** A copy with the flat element {@code i} set to {@code value}. */
    static NdArray with(NdArray a, int i, float value) {
        float[] v = a.floats().clone();
        v[i] = value;
        return NdArray.f32(a.shape(), v);
    }

    static NdArray with(NdArray a, int i, int value) {
        int[] v = a.ints().clone();
        v[i] = value;
        return NdArray.i32(a.shape(), v);
    }
}
