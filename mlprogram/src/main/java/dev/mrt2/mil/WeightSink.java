package dev.mrt2.mil;

import java.io.ByteArrayOutputStream;
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
     * Appends one blob whose bytes {@code producer} hands over in pieces. This default collects them on the heap;
     * the weight.bin writer overrides it to stream each piece straight to disk.
     */
    default long append(TensorType type, Consumer<WeightChunkWriter> producer) {
        ByteArrayOutputStream collected = new ByteArrayOutputStream();
        EncodingChunkWriter writer = new EncodingChunkWriter(type) {
            @Override
            protected void deliver(ByteBuffer bytes) {
                byte[] piece = new byte[bytes.remaining()];
                bytes.get(piece);
                collected.writeBytes(piece);
            }
        };
        producer.accept(writer);
        writer.checkComplete();
        return append(type, ByteBuffer.wrap(collected.toByteArray()));
    }

    /** The file name written into BlobFileValue.fileName. */
    default String fileName() {
        return "@model_path/weights/weight.bin";
    }
}
