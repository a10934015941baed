package dev.mrt2.convert;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.pkg.PackageWriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What describes a package besides its graph: the Core ML {@link Metadata} baked into model.mlmodel, and the
 * {@code <stem>_export_metadata.json} sidecar beside the package (mrt2-model.md §6). Both carry provenance (checkpoint
 * file name and sha256, tool version) and nothing that changes from run to run: no time, no absolute path.
 */
public final class ExportMetadata {
    public static final String TOOL = "mrt2";
    public static final String TOOL_VERSION = "0.1.0";
    public static final String AUTHOR = "mrt2";
    public static final String LICENSE = "Apache-2.0 (code); model weights: see source checkpoint licence";
    public static final String DEPLOYMENT_TARGET = "iOS18";

    private ExportMetadata() {}

    /** The package's Core ML metadata. */
    static Metadata packageMetadata(PackageConverter<?> converter, String checkpointSha256) {
        SortedMap<String, String> user = new TreeMap<>();
        user.put("mrt2.schema", converter.schema());
        user.put("mrt2.source_checkpoint_sha256", checkpointSha256);
        user.put("mrt2.tool_version", TOOL_VERSION);
        return new Metadata(converter.shortDescription(), TOOL + " " + TOOL_VERSION, AUTHOR, LICENSE, user);
    }

    /** Sidecar file name: the package name without {@code .mlpackage}, plus {@code _export_metadata.json}. */
    public static String sidecarName(String packageName) {
        return packageName.replaceFirst("\\.mlpackage$", "") + "_export_metadata.json";
    }

    /** The sidecar's content, keys sorted. */
    static SortedMap<String, Object> sidecar(PackageConverter<?> converter, Model model, PackageWriteResult written,
                                             String checkpointName, String checkpointSha256) {
        SortedMap<String, Object> json = new TreeMap<>(converter.extraMetadata());
        json.put("schema", converter.schema());
        json.put("mlpackage", converter.packageName());
        json.put("source_checkpoint", checkpointName);
        json.put("source_checkpoint_sha256", checkpointSha256);
        json.put("precision", converter.precision());
        json.put("deployment_target", DEPLOYMENT_TARGET);
        json.put("specification_version", model.specificationVersion());
        json.put("opset", converter.opset().opsetName);
        json.put("inputs", features(model.description().inputs()));
        json.put("outputs", features(model.description().outputs()));
        json.put("states", features(model.description().states()));
        json.put("mlpackage_bytes", written.totalBytes());
        json.put("model_mlmodel_bytes", written.modelBytes());
        json.put("model_mlmodel_sha256", written.modelSha256());
        json.put("weight_bin_bytes", written.weightBytes());
        json.put("weight_bin_sha256", written.weightSha256());
        json.put("tool", TOOL + " " + TOOL_VERSION);
        return json;
    }

    private static List<SortedMap<String, Object>> features(List<FeatureDescription> features) {
        List<SortedMap<String, Object>> out = new ArrayList<>();
        for (FeatureDescription f : features) {
            SortedMap<String, Object> m = new TreeMap<>();
            m.put("name", f.name());
            m.put("shape", f.type().shape());
            m.put("dtype", dtypeName(f.type().dataType()));
            out.add(m);
        }
        return out;
    }

    /** The spelling of the spec's contract tables: float32, float16, int32. */
    static String dtypeName(DataType t) {
        return switch (t) {
            case FLOAT32 -> "float32";
            case FLOAT16 -> "float16";
            case INT32 -> "int32";
            default -> t.milName;
        };
    }
}
