package dev.mrt2.mil.pkg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mrt2.mil.Binding;
import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.weights.WeightFileReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@code mrt2 inspect} shows about a package: versions, the I/O and states in declaration order, how many ops
 * of each type, how many constant bytes of each dtype sit inline and in weight.bin, and the metadata.
 */
public record PackageSummary(String path, int specificationVersion, String deploymentTarget, String opset,
                             List<Feature> inputs, List<Feature> outputs, List<Feature> states,
                             int operationCount, SortedMap<String, Integer> operations,
                             Constants constants, long weightFileBytes, Metadata metadata) {

    /** One input, output or state. */
    public record Feature(String name, String dtype, List<Long> shape) {
        static Feature of(FeatureDescription f) {
            return new Feature(f.name(), f.type().dataType().milName, f.type().shape());
        }

        @Override
        public String toString() {
            return name + " " + dtype + shape;
        }
    }

    /** Constants of one dtype in one place (inline or in a blob). */
    public record Tally(int count, long bytes) {
        Tally plus(long moreBytes) {
            return new Tally(count + 1, bytes + moreBytes);
        }
    }

    /** Counts and bytes of constants by dtype, kept apart for immediates and blobs. */
    public record Constants(int count, long immediateBytes, long blobBytes,
                            SortedMap<String, Tally> immediate, SortedMap<String, Tally> blob) {}

    public static PackageSummary of(MlPackage pkg) {
        WeightFileReader weights = pkg.weightFile();
        return of(pkg.path().toString(), pkg.model(), weights == null ? 0 : weights.size());
    }

    public static PackageSummary of(String path, Model model, long weightFileBytes) {
        TreeMap<String, Integer> ops = new TreeMap<>();
        TreeMap<String, Tally> immediate = new TreeMap<>();
        TreeMap<String, Tally> blob = new TreeMap<>();
        int count = 0;
        long immediateBytes = 0;
        long blobBytes = 0;
        List<Operation> operations = model.program().main().block().operations();
        for (Operation op : operations) {
            ops.merge(op.type(), 1, Integer::sum);
            List<ConstValue> values = new ArrayList<>();
            if (op.value() != null) values.add(op.value());
            for (List<Binding> bs : op.inputs().values()) {
                for (Binding b : bs) if (!b.isName()) values.add(b.value());
            }
            for (ConstValue v : values) {
                long bytes = byteSize(v);
                String dtype = v.type().dataType().milName;
                count++;
                if (v instanceof ConstValue.Blob) {
                    blob.merge(dtype, new Tally(1, bytes), (a, b) -> a.plus(bytes));
                    blobBytes += bytes;
                } else {
                    immediate.merge(dtype, new Tally(1, bytes), (a, b) -> a.plus(bytes));
                    immediateBytes += bytes;
                }
            }
        }
        String target = targetOf(model.specificationVersion());
        return new PackageSummary(path, model.specificationVersion(), target, model.program().main().opset(),
                features(model.description().inputs()), features(model.description().outputs()),
                features(model.description().states()), operations.size(), Collections.unmodifiableSortedMap(ops),
                new Constants(count, immediateBytes, blobBytes, Collections.unmodifiableSortedMap(immediate),
                        Collections.unmodifiableSortedMap(blob)),
                weightFileBytes, model.description().metadata());
    }

    private static String targetOf(int specificationVersion) {
        for (Opset o : Opset.values()) {
            if (o.specificationVersion == specificationVersion) return "iOS" + o.name().substring(3);
        }
        return "unknown";
    }

    private static long byteSize(ConstValue v) {
        TensorType t = v.type();
        if (t.dataType() == DataType.STRING) {
            long n = 0;
            for (String s : ((ConstValue.Immediate) v).strings()) n += s.getBytes(StandardCharsets.UTF_8).length;
            return n;
        }
        return t.elementCount() * t.dataType().byteSize();
    }

    private static List<Feature> features(List<FeatureDescription> fs) {
        List<Feature> out = new ArrayList<>();
        for (FeatureDescription f : fs) out.add(Feature.of(f));
        return List.copyOf(out);
    }

    /** Human-readable form: one fact per line, columns aligned. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        line(out, "package", path);
        line(out, "spec", specificationVersion + " (" + deploymentTarget + ", opset " + opset + ")");
        list(out, "inputs", inputs);
        list(out, "outputs", outputs);
        list(out, "states", states);
        StringBuilder hist = new StringBuilder();
        for (Map.Entry<String, Integer> e : operations.entrySet()) {
            hist.append(hist.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        }
        line(out, "ops", operationCount + " (" + hist + ")");
        line(out, "constants", constants.count() + ": " + constants.immediateBytes() + " bytes inline, "
                + constants.blobBytes() + " bytes in blobs");
        tallies(out, "inline", constants.immediate());
        tallies(out, "blob", constants.blob());
        line(out, "weight.bin", weightFileBytes + " bytes");
        if (!metadata.author().isEmpty()) line(out, "author", metadata.author());
        if (!metadata.license().isEmpty()) line(out, "license", metadata.license());
        if (!metadata.shortDescription().isEmpty()) line(out, "description", metadata.shortDescription());
        if (!metadata.versionString().isEmpty()) line(out, "version", metadata.versionString());
        for (Map.Entry<String, String> e : metadata.userDefined().entrySet()) {
            line(out, "metadata", e.getKey() + " = " + e.getValue());
        }
        return out.toString();
    }

    private static void tallies(StringBuilder out, String where, SortedMap<String, Tally> tallies) {
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            line(out, "", "  " + where + " " + e.getKey() + ": " + e.getValue().count() + " constants, "
                    + e.getValue().bytes() + " bytes");
        }
    }

    private static void list(StringBuilder out, String label, List<Feature> features) {
        if (features.isEmpty()) {
            line(out, label, "(none)");
        }
        for (int i = 0; i < features.size(); i++) {
            line(out, i == 0 ? label : "", features.get(i).toString());
        }
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "%-12s%s", label, value)).append('\n');
    }

    /**
     * The summary as a sorted map of plain values (maps, lists, strings, numbers), e.g. for a CLI's JSON writer. Field
     * names are snake_case ({@code specification_version}, {@code immediate_bytes}) like every mrt2 JSON document.
     */
    public SortedMap<String, Object> toMap() {
        return snakeCase().build().convertValue(this, new TypeReference<TreeMap<String, Object>>() {});
    }

    private static JsonMapper.Builder snakeCase() {
        return JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }

    /** One JSON document, keys sorted at every level, two-space indent, trailing newline. */
    public String toJson() {
        ObjectMapper mapper = snakeCase()
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)     // JDK-independent digits, as SortedJson
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
        try {
            return mapper.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("summary is not serializable: " + e.getMessage(), e);
        }
    }
}
