package dev.mrt2.mil.codec;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.TensorType;

/** Turns a BlobFileValue into a blob constant whose bytes can be read, after checking the blob is really there. */
@FunctionalInterface
public interface BlobResolver {
    ConstValue.Blob resolve(String fileName, long offset, TensorType type);
}
