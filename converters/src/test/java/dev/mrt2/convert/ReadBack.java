package dev.mrt2.convert;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.pkg.MlPackage;
import dev.mrt2.mil.pkg.MlPackageReader;
import dev.mrt2.safetensors.Float16;
import dev.mrt2.safetensors.SafetensorsFile;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The shared tiny conversion read back with our package reader, plus lookups by op name. */
final class ReadBack {
    private static final Map<String, MlPackage> OPEN = new TreeMap<>();

    private ReadBack() {}

    /** The package as read from disk; kept open for the JVM's lifetime so lazily read blobs stay readable. */
    static synchronized Model model(String packageName) {
        return OPEN.computeIfAbsent(packageName,
                n -> MlPackageReader.read(TinyCheckpoint.sharedOutput().resolve(n))).model();
    }

    static List<Operation> ops(Model m) {
        return m.program().main().block().operations();
    }

    static Operation op(Model m, String name) {
        return ops(m).stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no op named '" + name + "'"));
    }

    static ConstValue constant(Model m, String name) {
        Operation o = op(m, name);
        if (!o.isConst()) {
            throw new AssertionError("op '" + name + "' is a " + o.type() + ", not a const");
        }
        return o.value();
    }

    /** A float constant's values as float32 (fp16 widened exactly). */
    static float[] floats(Model m, String name) {
        ConstValue c = constant(m, name);
        ByteBuffer b = c.data();
        float[] out = new float[Math.toIntExact(c.type().elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.type().dataType() == DataType.FLOAT16 ? Float16.toFloat(b.getShort()) : b.getFloat();
        }
        return out;
    }

    static int[] ints(Model m, String name) {
        ConstValue c = constant(m, name);
        ByteBuffer b = c.data();
        int[] out = new int[Math.toIntExact(c.type().elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
        }
        return out;
    }

    /** A checkpoint tensor of the shared tiny checkpoint as float32. */
    static float[] checkpoint(String key) {
        try (SafetensorsFile f = SafetensorsFile.open(TinyCheckpoint.sharedCheckpoint())) {
            return f.readFloats(key);
        }
    }
}
