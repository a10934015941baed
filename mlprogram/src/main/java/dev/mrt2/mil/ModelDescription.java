package dev.mrt2.mil;

import java.util.List;

/** Model.proto ModelDescription in single-function form: inputs (no states), outputs, states, metadata. */
public record ModelDescription(List<FeatureDescription> inputs, List<FeatureDescription> outputs,
                               List<FeatureDescription> states, Metadata metadata) {
    public ModelDescription {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        states = List.copyOf(states);
        metadata = metadata == null ? Metadata.empty() : metadata;
    }
}
