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
    private final Map<String, HalfConstant> halves = new HashMap<>();

    /** An fp16 constant kept as its binary16 patterns; {@code shape} row-major. */
    record HalfConstant(int[] shape, short[] bits) {
    }

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

    /** The constant as binary16 patterns, or null when {@code name} is not an fp16 tensor constant. */
    HalfConstant half(String name) {
        HalfConstant h = halves.get(name);
        if (h != null) {
            return h;
        }
        ConstValue v = tensors.get(name);
        if (v == null || v.type().dataType() != dev.mrt2.mil.DataType.FLOAT16) {
            return null;
        }
        try {
            h = new HalfConstant(v.type().intDims(), ConstantDecoder.halfBits(v));
        } catch (RuntimeException e) {
            throw new ExecutorException("const '" + name + "': " + e.getMessage(), e);
        }
        halves.put(name, h);
        return h;
    }

    /** The decoded tensor if some op already asked for it, without decoding it now. */
    NdArray decodedOrNull(String name) {
        return decoded.get(name);
    }

    String string(String name) {
        return strings.get(name);
    }
}
