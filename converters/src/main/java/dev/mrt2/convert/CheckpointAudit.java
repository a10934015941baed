package dev.mrt2.convert;

import dev.mrt2.safetensors.Float16;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The value check {@code convert} runs before it writes anything: every element of every tensor the requested pieces
 * read must be finite. No key of MRT2 is allowed a NaN or an infinity (spec §2: all are weights, norms and codebooks;
 * none is a mask), and a non-finite weight would otherwise become a package that computes NaN, or a codebook table
 * that silently holds one. Keys and shapes were checked when the tensors were required; this reads the values, in
 * place (no copy of the mapping) and several tensors at once. An F64 value beyond float32's range counts as not
 * finite too, since every reader widens or narrows to float32.
 */
final class CheckpointAudit {
    private static final int CHUNK = 1 << 16;
    private static final int EXPONENT32 = 0x7f800000;

    private CheckpointAudit() {}

    /** Fails with a {@link CheckpointException} naming the first bad tensor (in key order) and the element. */
    static void requireFinite(Collection<CheckpointTensor> tensors, LongConsumer bytesDone) {
        List<CheckpointTensor> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparing(CheckpointTensor::key));
        Optional<CheckpointException> first = sorted.parallelStream()
                .map(t -> {
                    Optional<CheckpointException> bad = firstBad(t);
                    bytesDone.accept(t.file().info(t.key()).byteCount());
                    return bad;
                })
                .flatMap(Optional::stream)
                .findFirst();   // encounter order: the first by key, whatever finished first
        if (first.isPresent()) {
            throw first.get();
        }
    }

    private static Optional<CheckpointException> firstBad(CheckpointTensor t) {
        SafetensorsFile f = t.file();
        TensorInfo info = f.info(t.key());
        ByteBuffer data = f.data(t.key());
        long n = info.elementCount();
        long index = switch (info.dtype()) {
            case F32 -> firstBadF32(data.asIntBuffer());
            case F16 -> firstBad16(data, 0x7c00);
            case BF16 -> firstBad16(data, 0x7f80);
            case F64 -> firstBadF64(data, n);
            default -> -1;   // require() admits float dtypes only
        };
        if (index < 0) {
            return Optional.empty();
        }
        double v = value(info, data, index);
        String why = Double.isFinite(v) ? "is beyond float32's range" : "is not finite (every weight must be)";
        String text = Double.isNaN(v) ? "NaN" : Double.isFinite(v) ? Double.toString(v) : (v > 0 ? "inf" : "-inf");
        return Optional.of(CheckpointException.badElement(f.path(), t.key(), position(t.shape(), index), text, why));
    }

    // A float32 is NaN or infinite exactly when its exponent bits are all ones, i.e. (bits & 0x7fffffff) >= 0x7f800000;
    // a max over the chunk is a loop the JIT vectorises, and only a chunk that fails is searched element by element.
    private static long firstBadF32(IntBuffer bits) {
        int[] chunk = new int[Math.min(CHUNK, bits.remaining())];
        for (int base = 0; bits.hasRemaining(); base += chunk.length) {
            int m = Math.min(chunk.length, bits.remaining());
            bits.get(chunk, 0, m);
            int max = 0;
            for (int i = 0; i < m; i++) {
                max = Math.max(max, chunk[i] & 0x7fffffff);
            }
            if (max >= EXPONENT32) {
                for (int i = 0; i < m; i++) {
                    if ((chunk[i] & EXPONENT32) == EXPONENT32) {
                        return (long) base + i;
                    }
                }
            }
        }
        return -1;
    }

    private static long firstBad16(ByteBuffer data, int exponent) {
        int n = data.remaining() / 2;
        for (int i = 0; i < n; i++) {
            if ((data.getShort(2 * i) & exponent) == exponent) {
                return i;
            }
        }
        return -1;
    }

    private static long firstBadF64(ByteBuffer data, long n) {
        for (int i = 0; i < n; i++) {
            double d = data.getDouble(8 * i);
            if (!(Math.abs(d) <= Float.MAX_VALUE)) {   // NaN, infinity, or infinity once narrowed
                return i;
            }
        }
        return -1;
    }

    private static double value(TensorInfo info, ByteBuffer data, long index) {
        int i = Math.toIntExact(index);
        return switch (info.dtype()) {
            case F32 -> data.getFloat(4 * i);
            case F16 -> Float16.toFloat(data.getShort(2 * i));
            case BF16 -> Float.intBitsToFloat((data.getShort(2 * i) & 0xFFFF) << 16);
            case F64 -> data.getDouble(8 * i);
            default -> Double.NaN;
        };
    }

    /** The C-order index of element {@code flat} in {@code shape}, e.g. [3, 17]. */
    static List<Long> position(List<Long> shape, long flat) {
        Long[] index = new Long[shape.size()];
        long rest = flat;
        for (int axis = shape.size() - 1; axis >= 0; axis--) {
            long d = Math.max(1, shape.get(axis));
            index[axis] = rest % d;
            rest /= d;
        }
        return List.of(index);
    }
}
