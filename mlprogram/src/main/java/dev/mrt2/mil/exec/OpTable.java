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
        add(OpDef.of(since, type, kernel, params));
    }

    /**
     * An op whose outputs hold only elements of its tensor inputs, rearranged or repeated, never computed: a NaN or
     * an infinity can only arrive in one from an input, so the executor need not look for them again.
     */
    void mover(String type, Kernel kernel, String... params) {
        mover(Opset.IOS15, type, kernel, params);
    }

    void mover(Opset since, String type, Kernel kernel, String... params) {
        add(OpDef.of(since, type, kernel, params).keepingFinite());
    }

    /**
     * An op whose outputs are finite whenever its inputs are (a bounded function such as tanh, or one that never grows
     * a value, such as relu or elu with a finite alpha); like a {@link #mover}, its outputs need no second look.
     */
    void bounded(String type, Kernel kernel, String... params) {
        add(OpDef.of(Opset.IOS15, type, kernel, params).keepingFinite());
    }

    private void add(OpDef def) {
        if (defs.put(def.type(), def) != null) {
            throw new IllegalStateException("op '" + def.type() + "' defined twice");
        }
    }
}
