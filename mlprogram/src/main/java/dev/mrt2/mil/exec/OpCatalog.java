package dev.mrt2.mil.exec;

import java.util.Collections;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every op type we read, write or run, by MIL name. Each family class defines its ops in one place (parameters,
 * opset, kernel; the output-type rules MilBuilder uses sit beside them), so adding an op is one visit to one family.
 * Anything not listed here is an unknown op.
 */
public final class OpCatalog {
    private static final SortedMap<String, OpDef> OPS;

    static {
        TreeMap<String, OpDef> defs = new TreeMap<>();
        OpTable table = new OpTable(defs);
        ConstantOps.define(table);
        ElementwiseOps.define(table);
        UnaryOps.define(table);
        ReductionOps.define(table);
        ShapeOps.define(table);
        IndexingOps.define(table);
        LinearAlgebraOps.define(table);
        ConvOps.define(table);
        NormOps.define(table);
        StateOps.define(table);
        OPS = Collections.unmodifiableSortedMap(defs);
    }

    private OpCatalog() {}

    /** The definition of {@code type}, or null when the op is unknown. */
    public static OpDef find(String type) {
        return OPS.get(type);
    }

    /** All known op types, sorted. */
    public static Set<String> knownTypes() {
        return OPS.keySet();
    }

    /** The definition of {@code type} when the executor runs it, else null. */
    static OpDef executable(String type) {
        OpDef def = OPS.get(type);
        return def == null || def.kernel() == null ? null : def;
    }
}
