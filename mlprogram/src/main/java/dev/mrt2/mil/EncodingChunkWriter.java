package dev.mrt2.mil;

import dev.mrt2.safetensors.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A {@link WeightChunkWriter} that turns floats into the constant's element bytes through one reusable scratch
 * buffer, and counts what it was given so the sink can check the total against the declared type.
 */
public abstract class EncodingChunkWriter implements WeightChunkWriter {
    private static final int SCRATCH_ELEMENTS = 16 * 1024;

    private final TensorType type;
    private final long expectedBytes;
    private long writtenBytes;
    private ByteBuffer scratch;

    protected EncodingChunkWriter(TensorType type) {
        this.type = type;
        this.expectedBytes = type.elementCount() * type.dataType().byteSize();
    }

    @Override
    public final TensorType type() {
        return type;
    }

    /** Bytes received so far. */
    public final long writtenBytes() {
        return writtenBytes;
    }

    public final long expectedBytes() {
        return expectedBytes;
    }

    /** Delivers encoded bytes to the destination; {@code bytes} must be fully consumed. */
    protected abstract void deliver(ByteBuffer bytes);

    @Override
    public final void write(ByteBuffer bytes) {
        int n = bytes.remaining();
        if (writtenBytes + n > expectedBytes) {
            throw new MilException("constant " + type + ": chunks exceed its " + expectedBytes + " bytes");
        }
        deliver(bytes);
        writtenBytes += n;
    }

    @Override
    public final void writeFloats(FloatBuffer values) {
        DataType dt = type.dataType();
        if (dt != DataType.FLOAT16 && dt != DataType.FLOAT32) {
            throw new MilException("constant " + type + ": float data needs an fp16 or fp32 constant");
        }
        if (scratch == null) {
            scratch = ByteBuffer.allocate(SCRATCH_ELEMENTS * 4).order(ByteOrder.LITTLE_ENDIAN);
        }
        while (values.hasRemaining()) {
            scratch.clear();
            int n = Math.min(values.remaining(), SCRATCH_ELEMENTS);
            if (dt == DataType.FLOAT16) {
                for (int i = 0; i < n; i++) scratch.putShort(Float16.fromFloat(values.get()));
            } else {
                for (int i = 0; i < n; i++) scratch.putFloat(values.get());
            }
            scratch.flip();
            write(scratch);
        }
    }

    /** Fails unless exactly the declared byte count arrived. */
    public final void checkComplete() {
        if (writtenBytes != expectedBytes) {
            throw new MilException("constant " + type + ": got " + writtenBytes + " bytes, expected " + expectedBytes);
        }
    }
}
