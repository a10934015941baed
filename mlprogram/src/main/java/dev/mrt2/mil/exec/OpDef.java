package dev.mrt2.mil.exec;

import dev.mrt2.mil.Opset;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One MIL op type as every part of this module knows it: the opset that introduced it and its parameters per opset
 * (what the package reader and validator accept, coreml-mlpackage.md §6), and the kernel the executor runs. Its
 * output-type rule, which {@link dev.mrt2.mil.MilBuilder} applies when a converter builds the op, sits beside the
 * kernel in the same family class (e.g. {@link ConvOps}). Made by {@link OpTable}, looked up in {@link OpCatalog}.
 */
public final class OpDef {
    private final String type;
    private final Opset since;
    private final Map<String, Opset> params;
    private final Set<String> variadic;
    private final Kernel kernel;
    private final boolean keepsFinite;

    private OpDef(String type, Opset since, Map<String, Opset> params, Set<String> variadic, Kernel kernel,
                  boolean keepsFinite) {
        this.type = type;
        this.since = since;
        this.params = params;
        this.variadic = variadic;
        this.kernel = kernel;
        this.keepsFinite = keepsFinite;
    }

    /**
     * Parses parameter specs: {@code name@IOS16} exists from that opset on, {@code name*} is variadic (one argument,
     * several bindings). {@code specs == null}: parameters not pinned down in the spec, any name is accepted.
     */
    static OpDef of(Opset since, String type, Kernel kernel, String... specs) {
        if (specs == null) {
            return new OpDef(type, since, null, Set.of(), kernel, false);
        }
        Map<String, Opset> p = new TreeMap<>();
        Set<String> variadic = new TreeSet<>();
        for (String spec : specs) {
            String name = spec;
            Opset from = since;
            int at = name.indexOf('@');
            if (at >= 0) {
                from = Opset.valueOf(name.substring(at + 1));
                name = name.substring(0, at);
            }
            if (name.endsWith("*")) {
                name = name.substring(0, name.length() - 1);
                variadic.add(name);
            }
            p.put(name, from);
        }
        return new OpDef(type, since, Collections.unmodifiableMap(p), Collections.unmodifiableSet(variadic), kernel,
                false);
    }

    /** This op, marked as one whose outputs are finite whenever its inputs are ({@link OpTable#mover}, {@link OpTable#bounded}). */
    OpDef keepingFinite() {
        return new OpDef(type, since, params, variadic, kernel, true);
    }

    public String type() {
        return type;
    }

    /** The first opset with this op. */
    public Opset since() {
        return since;
    }

    /** Whether {@code param} is a parameter of this op in {@code opset}. */
    public boolean accepts(String param, Opset opset) {
        if (params == null) {
            return true;
        }
        Opset from = params.get(param);
        return from != null && from.compareTo(opset) <= 0;
    }

    public boolean isVariadic(String param) {
        return variadic.contains(param);
    }

    /** Whether the executor runs this op ({@code const} is decoded, not run; a few types are read but not run). */
    public boolean executable() {
        return kernel != null;
    }

    Kernel kernel() {
        return kernel;
    }

    /** Whether finite inputs always give finite outputs ({@link OpTable#mover}, {@link OpTable#bounded}). */
    boolean keepsFinite() {
        return keepsFinite;
    }
}
