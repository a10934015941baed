package dev.mrt2.mil;

import java.util.ArrayList;
import java.util.List;

/** A tensor type with a fully static shape {@code [d0, d1, ...]}; rank 0 is a scalar. */
public record TensorType(DataType dataType, List<Long> shape) implements ValueType {
    public TensorType {
        shape = List.copyOf(shape);
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + shape);
            }
        }
    }

    public static TensorType of(DataType dataType, long... dims) {
        List<Long> list = new ArrayList<>(dims.length);
        for (long d : dims) {
            list.add(d);
        }
        return new TensorType(dataType, list);
    }

    public static TensorType scalar(DataType dataType) {
        return new TensorType(dataType, List.of());
    }

    public int rank() {
        return shape.size();
    }

    public long dim(int axis) {
        return shape.get(axis < 0 ? axis + shape.size() : axis);
    }

    public long[] dims() {
        long[] out = new long[shape.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = shape.get(i);
        }
        return out;
    }

    public int[] intDims() {
        int[] out = new int[shape.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(shape.get(i));
        }
        return out;
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public TensorType withDataType(DataType other) {
        return new TensorType(other, shape);
    }

    public TensorType withShape(long... dims) {
        return of(dataType, dims);
    }

    /** Text form used in messages and the program dump: {@code fp16[1, 41, 8, 128]}. */
    @Override
    public String toString() {
        return dataType.milName + shape;
    }
}
