package dev.mrt2.convert;

import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Opset;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One Core ML package made from the checkpoint. {@link PackageExporter} calls {@link #load} first (every key and
 * shape checked, nothing written yet), then {@link #build} into the package's builder.
 *
 * @param <W> the converter's record of checked checkpoint tensors
 */
public interface PackageConverter<W> {
    /** Name, schema, precision and description of the package. */
    PackageIdentity identity();

    default String packageName() {
        return identity().packageName();
    }

    default String schema() {
        return identity().schema();
    }

    default String precision() {
        return identity().precision();
    }

    default String shortDescription() {
        return identity().shortDescription();
    }

    /** Deployment target; every package here targets iOS 18 (spec version 9, opset CoreML8). */
    default Opset opset() {
        return Opset.IOS18;
    }

    /** Reads and checks every checkpoint key the package needs; throws {@link CheckpointException}. */
    W load(SafetensorsFile checkpoint);

    /** Declares inputs, states and outputs and builds the graph. */
    void build(MilBuilder mb, W weights);

    /** Package-specific entries of the export metadata JSON (host protocol, frames). */
    default SortedMap<String, Object> extraMetadata() {
        return new TreeMap<>();
    }
}
