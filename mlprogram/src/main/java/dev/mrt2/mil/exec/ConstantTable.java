package dev.mrt2.mil.exec;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.tensor.NdArray;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The program's {@code const} values by output name. Tensors are decoded on first use and kept for the executor's
 * lifetime (a blob is read from the memory-mapped weight.bin once); strings are decoded up front.
 */
final class ConstantTable {
    private final Map<String, ConstValue> tensors = new TreeMap<>();
    private final Map<String, String> strings = new TreeMap<>();
    private final Map<String, NdArray> decoded = new HashMap<>();
    private final Map<String, Boolean> finite = new HashMap<>();

    void add(String name, ConstValue value) {
        if (ConstantDecoder.isString(value)) {
            strings.put(name, ConstantDecoder.string(value));
        } else {
            tensors.put(name, value);
        }
    }

    boolean contains(String name) {
        return tensors.containsKey(name) || strings.containsKey(name);
    }

    /** The decoded tensor, or null when {@code name} is not a tensor constant. */
    NdArray tensor(String name) {
        NdArray t = decoded.get(name);
        if (t != null) {
            return t;
        }
        ConstValue v = tensors.get(name);
        if (v == null) {
            return null;
        }
        try {
            t = ConstantDecoder.tensor(v);
        } catch (RuntimeException e) {
            throw new ExecutorException("const '" + name + "': " + e.getMessage(), e);
        }
        decoded.put(name, t);
        return t;
    }

    /** The undecoded payload of tensor constant {@code name} (a view of weight.bin for a blob), or null. */
    ConstValue value(String name) {
        return tensors.get(name);
    }

    /** The decoded tensor if some op already asked for it, without decoding it now. */
    NdArray decodedOrNull(String name) {
        return decoded.get(name);
    }

    String string(String name) {
        return strings.get(name);
    }

    /**
     * Whether constant {@code name} is a string, or a tensor already decoded that holds no NaN or infinity (looked at
     * once). False for anything else, including a tensor nobody decoded yet.
     */
    boolean finite(String name) {
        if (strings.containsKey(name)) {
            return true;
        }
        NdArray t = decoded.get(name);
        if (t == null) {
            return false;
        }
        return finite.computeIfAbsent(name, n -> !t.isFloat() || !MlProgramExecutor.hasNonFinite(t.floats()));
    }
}
