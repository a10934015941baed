package dev.mrt2.mil.exec;

import dev.mrt2.mil.Opset;
import java.util.Map;

/** What a family class fills in: each op once, with its opset, kernel and parameters ({@link OpDef#of}). */
final class OpTable {
    private final Map<String, OpDef> defs;

    OpTable(Map<String, OpDef> defs) {
        this.defs = defs;
    }

    /** An op of the first opset (iOS 15). */
    void op(String type, Kernel kernel, String... params) {
        op(Opset.IOS15, type, kernel, params);
    }

    void op(Opset since, String type, Kernel kernel, String... params) {
        if (defs.put(type, OpDef.of(since, type, kernel, params)) != null) {
            throw new IllegalStateException("op '" + type + "' defined twice");
        }
    }
}
