package dev.mrt2.mil.exec;

import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.WeightSink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** A weight sink on the heap for programs that are run without being written to disk. */
final class MemoryWeights implements WeightSink {
    private final List<byte[]> blobs = new ArrayList<>();

    @Override
    public long append(TensorType type, ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        blobs.add(copy);
        return blobs.size() - 1;
    }

    @Override
    public ByteBuffer read(long offset, TensorType type) {
        return ByteBuffer.wrap(blobs.get((int) offset)).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
}
