package dev.mrt2.convert;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.WeightChunkWriter;
import java.nio.ByteBuffer;
import java.util.stream.IntStream;

/**
 * Graph constants made from checkpoint tensors, in the graph's precision. Every value is checked on the way in: a
 * non-finite weight, or one that FP16 cannot hold in an FP16 graph, fails naming the checkpoint key instead of
 * surfacing later as a NaN on the device.
 */
final class CheckedConstants {
    /** FP16 values at or above this magnitude round to infinity. */
    private static final float FP16_OVERFLOW = 65520f;
    /** Elements per parallel encoding task, and per write handed to the weight file. */
    private static final int CHUNK = 1 << 16;
    /** Tile edge of the transposed encode (64 x 64 floats read, 16 KiB, stay in L1). */
    private static final int TILE = 64;

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
        byte[] encoded = encode(source, values);   // checked before anything reaches weight.bin
        return mb.constantStream(name, TensorType.of(dtype, shape), w -> write(encoded, w));
    }

    /**
     * The values {@code derive} computes from {@code source} (a layout change named by {@code layout}), as a constant of
     * the given shape: copied instead when an earlier package of this conversion already wrote the same derivation
     * in the same type ({@link SharedConstants}).
     */
    Var derived(String name, CheckpointTensor source, String layout, java.util.function.Supplier<float[]> derive,
                long... shape) {
        return shared(name, source, layout, TensorType.of(dtype, shape), () -> of(name, source, derive.get(), shape));
    }

    /**
     * A Dense kernel {@code [in, out]} as the linear weight {@code [out, in]} ({@link WeightLayouts#linearWeight}),
     * transposed and encoded in one pass instead of through a transposed float copy; its bytes (and its error, should
     * a value not fit) are those of the two-step form.
     */
    Var linearWeight(String name, CheckpointTensor kernel, int in, int out) {
        TensorType type = TensorType.of(dtype, out, in);
        return shared(name, kernel, "linear weight", type, () -> {
            float[] values = kernel.read();
            byte[] encoded = encodeTransposed(values, in, out);
            if (encoded == null) {   // a value does not fit: the two-step encode names the first, in weight order
                return of(name, kernel, WeightLayouts.linearWeight(values, in, out), out, in);
            }
            return mb.constantStream(name, type, w -> write(encoded, w));
        });
    }

    /**
     * The constant {@code compute} builds from {@code source} through {@code layout}, or its copy when an earlier
     * package of this conversion wrote the same derivation in the same type ({@link SharedConstants}).
     */
    private Var shared(String name, CheckpointTensor source, String layout, TensorType type,
                       java.util.function.Supplier<Var> compute) {
        SharedConstants.Session shared = SharedConstants.current();
        if (shared == null) {
            return compute.get();
        }
        String derivation = source.file().path().toAbsolutePath() + "#" + source.key() + "#" + layout + "#" + type;
        return shared.constant(name, derivation, type, compute);
    }

    /**
     * {@code kernel [rows, cols]} transposed to {@code [cols, rows]} and encoded as {@link #encode} would encode the
     * transposed array, or null when a value cannot be held. Blocks of output rows run in parallel, each writing its
     * own bytes; within a block, tiles keep the strided reads in cache.
     */
    private byte[] encodeTransposed(float[] kernel, int rows, int cols) {
        int size = dtype.byteSize();
        byte[] out = new byte[Math.multiplyExact(kernel.length, size)];
        int blocks = (cols + TILE - 1) / TILE;
        IntStream tasks = IntStream.range(0, blocks);
        boolean allFit = (kernel.length >= CHUNK ? tasks.parallel() : tasks)
                .allMatch(b -> encodeColumns(kernel, rows, cols, b * TILE, Math.min(cols, (b + 1) * TILE), out));
        return allFit ? out : null;
    }

    /** Columns {@code [c0, c1)} of the kernel as output rows; false at the first value that cannot be held. */
    private boolean encodeColumns(float[] kernel, int rows, int cols, int c0, int c1, byte[] out) {
        boolean half = dtype == DataType.FLOAT16;
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(rows, r0 + TILE);
            for (int c = c0; c < c1; c++) {
                int to = c * rows;
                for (int r = r0; r < r1; r++) {
                    float v = kernel[r * cols + c];
                    int i = to + r;
                    if (half) {
                        if (!(Math.abs(v) < FP16_OVERFLOW)) {
                            return false;
                        }
                        short h = FastFloat16.fromFloat(v);
                        out[2 * i] = (byte) h;
                        out[2 * i + 1] = (byte) (h >>> 8);
                    } else {
                        if (!Float.isFinite(v)) {
                            return false;
                        }
                        int bits = Float.floatToRawIntBits(v);
                        out[4 * i] = (byte) bits;
                        out[4 * i + 1] = (byte) (bits >>> 8);
                        out[4 * i + 2] = (byte) (bits >>> 16);
                        out[4 * i + 3] = (byte) (bits >>> 24);
                    }
                }
            }
        }
        return true;
    }

    /** The tensor as stored, viewed with {@code shape} (same element count, same order). */
    Var of(String name, CheckpointTensor t, long... shape) {
        return derived(name, t, "as stored", t::read, shape);
    }

    /** The tensor in its checkpoint shape. */
    Var of(String name, CheckpointTensor t) {
        long[] shape = new long[t.shape().size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.shape().get(i);
        }
        return of(name, t, shape);
    }

    /**
     * Little-endian element bytes of {@code values} in the graph's dtype. Chunks are encoded in parallel (each writes
     * its own byte range, so the result does not depend on scheduling); the first bad value, by index, is reported.
     */
    private byte[] encode(CheckpointTensor source, float[] values) {
        int size = dtype.byteSize();
        byte[] out = new byte[Math.multiplyExact(values.length, size)];
        int chunks = (values.length + CHUNK - 1) / CHUNK;
        IntStream tasks = IntStream.range(0, chunks);
        int firstBad = (chunks > 1 ? tasks.parallel() : tasks)
                .map(c -> encodeChunk(values, c * CHUNK, Math.min(values.length, (c + 1) * CHUNK), out))
                .filter(i -> i >= 0).min().orElse(-1);
        if (firstBad >= 0) {
            float v = values[firstBad];
            String why = Float.isFinite(v) ? "overflows FP16 (largest finite value 65504)" : "is not finite";
            throw CheckpointException.badValue(source.file().path(), source.key(), v, why);
        }
        return out;
    }

    /** Encodes values[from, to) into out; returns the index of the first value it cannot hold, or -1. */
    private int encodeChunk(float[] values, int from, int to, byte[] out) {
        if (dtype == DataType.FLOAT16) {
            for (int i = from; i < to; i++) {
                float v = values[i];
                if (!(Math.abs(v) < FP16_OVERFLOW)) {   // also true for NaN
                    return i;
                }
                short h = FastFloat16.fromFloat(v);
                out[2 * i] = (byte) h;
                out[2 * i + 1] = (byte) (h >>> 8);
            }
        } else {
            for (int i = from; i < to; i++) {
                float v = values[i];
                if (!Float.isFinite(v)) {
                    return i;
                }
                int bits = Float.floatToRawIntBits(v);
                out[4 * i] = (byte) bits;
                out[4 * i + 1] = (byte) (bits >>> 8);
                out[4 * i + 2] = (byte) (bits >>> 16);
                out[4 * i + 3] = (byte) (bits >>> 24);
            }
        }
        return -1;
    }

    private static void write(byte[] encoded, WeightChunkWriter w) {
        int step = CHUNK * 4;
        for (int off = 0; off < encoded.length; off += step) {
            w.write(ByteBuffer.wrap(encoded, off, Math.min(step, encoded.length - off)));
        }
    }
}
