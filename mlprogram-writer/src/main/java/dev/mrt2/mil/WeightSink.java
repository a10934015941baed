package dev.mrt2.mil;

import java.nio.ByteBuffer;

/**
 * Receives blob-backed constant data as soon as a constant is built, so a converter never holds all weights on
 * the heap. Returns M, the offset of the blob's 64-byte metadata record (what BlobFileValue.offset stores).
 */
public interface WeightSink extends ConstValue.BlobStorage {
    /** Appends one blob of {@code type}'s dtype; {@code data} holds exactly its little-endian element bytes. */
    long append(TensorType type, ByteBuffer data);

    /** The file name written into BlobFileValue.fileName. */
    default String fileName() {
        return "@model_path/weights/weight.bin";
    }
}
