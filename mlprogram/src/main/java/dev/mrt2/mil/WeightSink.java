package dev.mrt2.mil;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Receives blob-backed constant data as soon as a constant is built, so a converter never holds all weights on
 * the heap. Returns M, the offset of the blob's 64-byte metadata record (what BlobFileValue.offset stores).
 */
public interface WeightSink extends ConstValue.BlobStorage {
    /** Appends one blob of {@code type}'s dtype; {@code data} holds exactly its little-endian element bytes. */
    long append(TensorType type, ByteBuffer data);

    /**
     * Appends one blob whose bytes {@code producer} hands over in pieces. This default collects them on the heap
     * ({@link #collect}); the weight.bin writer overrides it to stream each piece straight to disk.
     */
    default long append(TensorType type, Consumer<WeightChunkWriter> producer) {
        return append(type, ByteBuffer.wrap(collect(type, producer)));
    }

    /** The bytes {@code producer} hands over, in one array of exactly the constant's size, checked complete. */
    static byte[] collect(TensorType type, Consumer<WeightChunkWriter> producer) {
        long size = type.elementCount() * type.dataType().byteSize();
        if (size > Integer.MAX_VALUE - 8) {
            throw new MilException("constant " + type + ": " + size + " bytes are more than one array holds");
        }
        byte[] collected = new byte[(int) size];
        EncodingChunkWriter writer = new EncodingChunkWriter(type) {
            private int filled;

            @Override
            protected void deliver(ByteBuffer bytes) {
                int n = bytes.remaining();   // within the size: write() checked the total first
                bytes.get(collected, filled, n);
                filled += n;
            }
        };
        producer.accept(writer);
        writer.checkComplete();
        return collected;
    }

    /** The file name written into BlobFileValue.fileName. */
    default String fileName() {
        return "@model_path/weights/weight.bin";
    }
}
