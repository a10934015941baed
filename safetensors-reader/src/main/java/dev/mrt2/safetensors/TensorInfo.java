package dev.mrt2.safetensors;

import java.util.List;

/**
 * One header entry. {@code begin}/{@code end} are the header's {@code data_offsets}: byte offsets relative to the
 * start of the data area (the byte after the header), end exclusive.
 */
public record TensorInfo(String name, DType dtype, List<Long> shape, long begin, long end) {
    public TensorInfo {
        shape = List.copyOf(shape);   // records do not freeze what they hold; a copied list is frozen
    }

    /** Product of the dimensions (1 for a scalar); throws ArithmeticException on overflow. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Bytes the shape and dtype need; throws ArithmeticException on overflow. */
    public long byteCount() {
        return Math.multiplyExact(elementCount(), (long) dtype.byteSize());
    }

    /** The shape as ints, for APIs that index with int; throws ArithmeticException if a dimension does not fit. */
    public int[] intShape() {
        int[] s = new int[shape.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(shape.get(i));
        }
        return s;
    }
}
