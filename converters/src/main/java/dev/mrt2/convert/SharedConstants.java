package dev.mrt2.convert;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.pkg.PackageLayout;
import dev.mrt2.mil.weights.WeightFileReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Constants that one package of a conversion run wrote and a later package of the same run can copy instead of
 * computing again: the temporal body and its carry variant hold the same 183 million FP16 weights, the FP32 depth
 * body and the FP32 rollout the same depth weights. Each constant is named by how it was derived (checkpoint key,
 * layout, type), so a copy is byte for byte what computing it would write, and a package's bytes never depend on
 * which piece ran first; only the time does. A package publishes its constants when it is committed and complete.
 */
final class SharedConstants {
    private final Map<String, Location> published = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger copies = new java.util.concurrent.atomic.AtomicInteger();
    private static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();

    /** A blob of a committed package's weight.bin. */
    private record Location(Path weightFile, long offset, TensorType type) {}

    /** The constants one package is writing, by derivation. */
    final class Session {
        private final MilBuilder mb;
        private final Map<String, Location> written = new TreeMap<>();

        private Session(MilBuilder mb) {
            this.mb = mb;
        }

        /**
         * The constant {@code name} of {@code type} derived as {@code derivation}: copied from an earlier package of the
         * run when one wrote it, otherwise written by {@code compute} (which adds it to the builder and returns it).
         */
        Var constant(String name, String derivation, TensorType type, Supplier<Var> compute) {
            Location at = published.get(derivation);
            if (at != null && at.type.equals(type) && mb.isBlobBacked(type)) {
                ByteBuffer bytes;
                try (WeightFileReader reader = WeightFileReader.open(at.weightFile, at.weightFile.toString())) {
                    bytes = reader.read(at.offset, type);
                }
                copies.incrementAndGet();
                return mb.constantStream(name, type, w -> w.write(bytes.duplicate()));
            }
            Var v = compute.get();
            if (mb.constValue(name) instanceof ConstValue.Blob blob) {
                written.put(derivation, new Location(null, blob.offset(), type));
            }
            return v;
        }
    }

    /** How many constants were copied instead of computed. */
    int copies() {
        return copies.get();
    }

    /** The session of the package being built on this thread, or null when none shares. */
    static Session current() {
        return CURRENT.get();
    }

    /** Runs {@code build} with a session for {@code mb} on this thread; returns the session to publish later. */
    Session building(MilBuilder mb, Runnable build) {
        Session s = new Session(mb);
        Session outer = CURRENT.get();
        CURRENT.set(s);
        try {
            build.run();
        } finally {
            CURRENT.set(outer);
        }
        return s;
    }

    /** Offers the session's constants to later packages, read from the committed package at {@code packagePath}. */
    void publish(Session s, Path packagePath) {
        Path weights = packagePath.resolve(PackageLayout.WEIGHTS_DIR).resolve(PackageLayout.WEIGHT_FILE);
        s.written.forEach((derivation, at) -> published.putIfAbsent(derivation,
                new Location(weights, at.offset, at.type)));
    }
}
