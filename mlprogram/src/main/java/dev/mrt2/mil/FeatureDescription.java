package dev.mrt2.mil;

/** A model input, output or state as Model.proto describes it (multi-array of a static shape). */
public record FeatureDescription(String name, String shortDescription, TensorType type) {
    public FeatureDescription {
        shortDescription = shortDescription == null ? "" : shortDescription;
    }
}
