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
    /** Directory name of the package, e.g. {@code MRT2TemporalBody.mlpackage}. */
    String packageName();

    /** The {@code schema} string of the export metadata (mrt2-model.md §6). */
    String schema();

    /** Compute precision of the graph's constants and ops: {@code float16} or {@code float32}. */
    String precision();

    /** Deployment target; every package here targets iOS 18 (spec version 9, opset CoreML8). */
    default Opset opset() {
        return Opset.IOS18;
    }

    /** One line for the package's Metadata.shortDescription. */
    String shortDescription();

    /** Reads and checks every checkpoint key the package needs; throws {@link CheckpointException}. */
    W load(SafetensorsFile checkpoint);

    /** Declares inputs, states and outputs and builds the graph. */
    void build(MilBuilder mb, W weights);

    /** Package-specific entries of the export metadata JSON (host protocol, frames). */
    default SortedMap<String, Object> extraMetadata() {
        return new TreeMap<>();
    }
}
