package dev.mrt2.cli.bench;

import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Read throughput of {@link SafetensorsFile}: every tensor converted to float32, next to a plain sequential read
 * of the same file into a direct buffer, in one JVM. The file is read once untimed first so both readers see the
 * page cache in the same state. Run by {@code scripts/bench-read}.
 *
 * <p>Usage: {@code java -cp mrt2.jar dev.mrt2.cli.bench.ReadBench FILE [ROUNDS]}
 */
public final class ReadBench {
    private static final int CHUNK = 8 << 20;

    private ReadBench() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ReadBench FILE [ROUNDS]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long size = Files.size(file);
        System.out.printf(Locale.ROOT, "file: %s (%d bytes)%n", file, size);
        sequential(file);   // warm-up: page cache and JIT

        double bestTensors = 0;
        double bestSequential = 0;
        double sink = 0;
        for (int r = 1; r <= rounds; r++) {
            long t0 = System.nanoTime();
            sink += allTensors(file);
            long t1 = System.nanoTime();
            sink += sequential(file);
            long t2 = System.nanoTime();
            double tensors = mbPerSecond(size, t1 - t0);
            double plain = mbPerSecond(size, t2 - t1);
            bestTensors = Math.max(bestTensors, tensors);
            bestSequential = Math.max(bestSequential, plain);
            System.out.printf(Locale.ROOT, "round %d: readFloats every tensor %8.1f MB/s   sequential FileChannel read %8.1f MB/s%n",
                    r, tensors, plain);
        }
        System.out.printf(Locale.ROOT, "best:    readFloats every tensor %8.1f MB/s   sequential FileChannel read %8.1f MB/s"
                + "   ratio %.2f%n", bestTensors, bestSequential, bestTensors / bestSequential);
        System.out.printf(Locale.ROOT, "(MB = 10^6 bytes; checksum %.3f)%n", sink);
    }

    /** Opens (maps and validates) the file and converts every tensor to float32 into one reused array. */
    static double allTensors(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            long max = f.tensors().stream().mapToLong(TensorInfo::elementCount).max().orElse(0);
            float[] buf = new float[(int) max];
            double sum = 0;
            for (TensorInfo t : f.tensors()) {
                f.readFloats(t.name(), buf, 0);
                int n = (int) t.elementCount();
                if (n > 0) {
                    sum += buf[0] + buf[n / 2] + buf[n - 1];   // keeps the reads observable
                }
            }
            return sum;
        }
    }

    /** Reads the whole file front to back into a direct buffer. */
    static double sequential(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        double sum = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                if (buf.hasRemaining()) {
                    sum += buf.get(buf.limit() - 1);
                }
                buf.clear();
            }
        }
        return sum;
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }
}
