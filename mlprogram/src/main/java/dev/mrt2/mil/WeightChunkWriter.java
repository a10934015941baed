package dev.mrt2.mil;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Receives one constant's element data piece by piece, so a converter can stream a tensor (a memory-mapped
 * checkpoint slice, a transposed copy built one row at a time) into weight.bin without holding all of it.
 * The pieces, in order, must add up to exactly the constant's element bytes in row-major order.
 */
public interface WeightChunkWriter {
    /** The type of the constant being written. */
    TensorType type();

    /** Appends raw little-endian element bytes (fp16 as binary16 bits). Consumes {@code bytes}. */
    void write(ByteBuffer bytes);

    /** Appends float values converted to the constant's dtype (fp16 rounds to nearest even). Consumes {@code values}. */
    void writeFloats(FloatBuffer values);

    default void writeFloats(float[] values, int offset, int length) {
        writeFloats(FloatBuffer.wrap(values, offset, length));
    }
}
