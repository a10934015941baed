package dev.mrt2.validate.exec;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.validate.tensor.NdArray;
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

    String string(String name) {
        return strings.get(name);
    }
}
