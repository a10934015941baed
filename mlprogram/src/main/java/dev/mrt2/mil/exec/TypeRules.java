package dev.mrt2.mil.exec;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import java.util.List;

/**
 * Checks shared by the families' output-type rules. A failed rule throws {@link MilException} with the problem alone;
 * {@link dev.mrt2.mil.MilBuilder} prefixes the op's name and type.
 */
final class TypeRules {
    private TypeRules() {}

    static MilException fail(String problem) {
        return new MilException(problem);
    }

    /** NumPy broadcasting of two static shapes. */
    static List<Long> broadcast(List<Long> a, List<Long> b) {
        int rank = Math.max(a.size(), b.size());
        Long[] out = new Long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.size() ? 1 : a.get(i - (rank - a.size()));
            long db = i < rank - b.size() ? 1 : b.get(i - (rank - b.size()));
            if (da != db && da != 1 && db != 1) {
                throw fail("shapes " + a + " and " + b + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return List.of(out);
    }

    /** {@code axis} (negative counts from the end) as an index into {@code rank} axes. */
    static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw fail("axis " + axis + " out of range for rank " + rank);
        return a;
    }

    static void requireFloat(Var x) {
        if (!x.tensorType().dataType().isFloat()) {
            throw fail("x must be fp16 or fp32, got " + x.tensorType());
        }
    }

    static void requireDtype(Var x, DataType dt) {
        if (x.tensorType().dataType() != dt) {
            throw fail("'" + x.name() + "' must be " + dt.milName + ", got " + x.tensorType());
        }
    }

    static void requireSameDtype(Var a, Var b) {
        if (a.tensorType().dataType() != b.tensorType().dataType()) {
            throw fail("'" + a.name() + "' " + a.tensorType() + " and '" + b.name() + "' " + b.tensorType()
                    + " differ in dtype (insert a cast)");
        }
    }

    /** A per-channel vector (bias, gamma, beta, mean, variance) of x's dtype and {@code [channels]}. */
    static void requireChannelVector(String param, Var x, Var v, long channels) {
        requireSameDtype(x, v);
        if (v.tensorType().rank() != 1 || v.tensorType().dim(0) != channels) {
            throw fail(param + " " + v.tensorType() + " != [" + channels + "]");
        }
    }

    /** {@code [begin, end)} of one axis, negative indices counting from the end; returns {b, e}. */
    static long[] range(int axisIndex, int begin, int end, TensorType t) {
        long b = begin < 0 ? begin + t.dim(axisIndex) : begin;
        long e = end < 0 ? end + t.dim(axisIndex) : end;
        if (b < 0 || e > t.dim(axisIndex) || b > e) {
            throw fail("axis " + axisIndex + " range [" + begin + ", " + end + ") outside " + t);
        }
        return new long[] {b, e};
    }
}
