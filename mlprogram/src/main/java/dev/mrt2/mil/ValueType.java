package dev.mrt2.mil;

/** The type of a MIL value: a static-shape tensor, or a state wrapping one (iOS 18). */
public sealed interface ValueType permits TensorType, StateType {
}
