package dev.mrt2.convert;

import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.WeightSink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Constants of a graph that is run in memory and never written (the FP32 decoder the FP16 rescale is measured on). */
final class HeapWeights implements WeightSink {
    private final List<byte[]> blobs = new ArrayList<>();

    @Override
    public synchronized long append(TensorType type, ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        blobs.add(copy);
        return blobs.size() - 1;
    }

    /** Keeps the collected array itself: the graph's constants are copied once, not twice. */
    @Override
    public long append(TensorType type, java.util.function.Consumer<dev.mrt2.mil.WeightChunkWriter> producer) {
        byte[] bytes = WeightSink.collect(type, producer);
        synchronized (this) {
            blobs.add(bytes);
            return blobs.size() - 1;
        }
    }

    @Override
    public synchronized ByteBuffer read(long offset, TensorType type) {
        return ByteBuffer.wrap(blobs.get(Math.toIntExact(offset))).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
}
