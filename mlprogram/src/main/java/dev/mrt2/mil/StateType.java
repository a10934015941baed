package dev.mrt2.mil;

/** An iOS 18 state: a persistent tensor read with {@code read_state} and written with {@code write_state}. */
public record StateType(TensorType wrapped) implements ValueType {
    @Override
    public String toString() {
        return "state<" + wrapped + ">";
    }
}
