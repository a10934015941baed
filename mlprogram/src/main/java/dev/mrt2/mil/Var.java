package dev.mrt2.mil;

/** A named SSA value: a function input or an op output. */
public record Var(String name, ValueType type) {
    /** The tensor type; fails for a state. */
    public TensorType tensorType() {
        if (type instanceof TensorType t) {
            return t;
        }
        throw new IllegalStateException("value '" + name + "' is a state, not a tensor");
    }

    @Override
    public String toString() {
        return "%" + name + ": " + type;
    }
}
