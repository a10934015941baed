package dev.mrt2.convert;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.WeightChunkWriter;
import dev.mrt2.safetensors.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Graph constants made from checkpoint tensors, in the graph's precision. Every value is checked on the way in: a
 * non-finite weight, or one that FP16 cannot hold in an FP16 graph, fails naming the checkpoint key instead of
 * surfacing later as a NaN on the device.
 */
final class CheckedConstants {
    /** FP16 values at or above this magnitude round to infinity. */
    private static final float FP16_OVERFLOW = 65520f;
    /** Elements encoded per chunk handed to the weight file (256 KiB of fp32). */
    private static final int CHUNK = 1 << 16;

    private final MilBuilder mb;
    private final DataType dtype;

    CheckedConstants(MilBuilder mb, DataType dtype) {
        this.mb = mb;
        this.dtype = dtype;
    }

    DataType dtype() {
        return dtype;
    }

    /** {@code values} (derived from {@code source}) as a constant of the given shape. */
    Var of(String name, CheckpointTensor source, float[] values, long... shape) {
        // Streamed into weight.bin chunk by chunk: no second full-size copy of the tensor as bytes. A bad value
        // throws mid-stream; the weight file rolls the blob back and the package is abandoned.
        return mb.constantStream(name, TensorType.of(dtype, shape), w -> encode(source, values, w));
    }

    /** The tensor as stored, viewed with {@code shape} (same element count, same order). */
    Var of(String name, CheckpointTensor t, long... shape) {
        return of(name, t, t.read(), shape);
    }

    /** The tensor in its checkpoint shape. */
    Var of(String name, CheckpointTensor t) {
        long[] shape = new long[t.shape().size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.shape().get(i);
        }
        return of(name, t, shape);
    }

    private void encode(CheckpointTensor source, float[] values, WeightChunkWriter w) {
        boolean half = dtype == DataType.FLOAT16;
        float limit = half ? FP16_OVERFLOW : Float.POSITIVE_INFINITY;
        int n = values.length;
        ByteBuffer bytes = ByteBuffer.allocate(Math.min(n, CHUNK) * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        short[] halves = half ? new short[Math.min(n, CHUNK)] : null;
        for (int off = 0; off < n; off += CHUNK) {
            int m = Math.min(CHUNK, n - off);
            for (int i = off; i < off + m; i++) {
                if (!(Math.abs(values[i]) < limit)) {   // also false for NaN
                    throw badValue(source, values[i]);
                }
            }
            bytes.clear();
            if (half) {
                for (int i = 0; i < m; i++) {
                    halves[i] = Float16.fromFloat(values[off + i]);
                }
                bytes.asShortBuffer().put(halves, 0, m);
            } else {
                bytes.asFloatBuffer().put(values, off, m);
            }
            bytes.limit(m * dtype.byteSize());
            w.write(bytes);
        }
    }

    private CheckpointException badValue(CheckpointTensor source, float v) {
        String why = Float.isFinite(v) ? "overflows FP16 (largest finite value 65504)" : "is not finite";
        return CheckpointException.badValue(source.file().path(), source.key(), v, why);
    }
}
