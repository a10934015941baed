package dev.mrt2.convert;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code MRT2TemporalBodyCarry.mlpackage}: the streaming carry temporal step of the corrected generation
 * (mrt2-model.md §6.2.2), F = 1, stateless FP16. The host owns the 48 caches: they come in as
 * {@code <cache>_in [1, 41, H, h]} and the frame's new K/V rows go out as {@code <cache>_updates [1, 1, H, h]}; the
 * graph has no states and writes nothing, which is what lets it compile for the Neural Engine. The layer math is
 * {@link TemporalStack}, the same as the stateful step's.
 *
 * <p>{@link #f32} builds the same graph in FP32 with FP32 caches ({@code MRT2TemporalBodyCarry.f32.mlpackage}): not a
 * package to ship, but the temporal step of an all-FP32 chain whose tokens can be compared one for one with the
 * reference (an FP16 temporal output flips sampled tokens, which then feed back into every later frame).
 */
public final class TemporalCarryConverter implements PackageConverter<TemporalConverter.Weights> {
    public static final String PACKAGE_NAME = "MRT2TemporalBodyCarry.mlpackage";
    public static final String F32_PACKAGE_NAME = "MRT2TemporalBodyCarry.f32.mlpackage";
    public static final String SCHEMA = "mrt2-temporal-body-streaming-carry-coreml-export-v1";
    public static final String CACHE_IN_SUFFIX = "_in";
    public static final String UPDATE_SUFFIX = "_updates";

    private final Mrt2Dims dims;
    private final TemporalConverter layout;
    private final DataType dtype;

    /** The shipped FP16 step. */
    public TemporalCarryConverter(Mrt2Dims dims) {
        this(dims, DataType.FLOAT16);
    }

    private TemporalCarryConverter(Mrt2Dims dims, DataType dtype) {
        this.dims = dims;
        this.layout = new TemporalConverter(dims);
        this.dtype = dtype;
    }

    /** The FP32 reference build: FP32 compute, bias and caches. */
    public static TemporalCarryConverter f32(Mrt2Dims dims) {
        return new TemporalCarryConverter(dims, DataType.FLOAT32);
    }

    /** The 48 cache input names in Appendix B order: {@code temporal_layer_00_self_key_cache_in}, ... */
    public List<String> cacheInputs() {
        return Mrt2Keys.cacheNames(dims.temporalLayers()).stream().map(n -> n + CACHE_IN_SUFFIX).toList();
    }

    /** The 48 update output names, same order: {@code temporal_layer_00_self_key_cache_updates}, ... */
    public List<String> cacheUpdates() {
        return Mrt2Keys.cacheNames(dims.temporalLayers()).stream().map(n -> n + UPDATE_SUFFIX).toList();
    }

    @Override
    public PackageIdentity identity() {
        boolean f16 = dtype == DataType.FLOAT16;
        return new PackageIdentity(f16 ? PACKAGE_NAME : F32_PACKAGE_NAME, SCHEMA, f16 ? "float16" : "float32",
                "MRT2 temporal transformer step, " + (f16 ? "FP16" : "FP32") + ", stateless: host-owned 41-frame K/V "
                + "caches in, new K/V rows out");
    }

    @Override
    public TemporalConverter.Weights load(SafetensorsFile checkpoint) {
        return layout.load(checkpoint);
    }

    @Override
    public void build(MilBuilder mb, TemporalConverter.Weights w) {
        TransformerOps ops = new TransformerOps(mb, dtype);
        // §6.2.2 input order: temporal_inputs, source_encoded, cache_valid_bias, then the 48 caches (Appendix B).
        Var input = mb.input(TemporalConverter.INPUT, TensorType.of(DataType.FLOAT32, 1, 1, dims.temporalDim()));
        Var source = mb.input(TemporalConverter.SOURCE, TensorType.of(DataType.FLOAT32, 1, 1, dims.sourceDim()));
        Var bias = mb.input(TemporalConverter.BIAS, TensorType.of(dtype, 1, 1, 1, layout.slots()));
        TensorType cacheType = TensorType.of(dtype, 1, Mrt2Constants.WINDOW, dims.temporalHeads(),
                dims.temporalHeadDim());
        List<Var> caches = new ArrayList<>();
        for (String name : cacheInputs()) {
            caches.add(mb.input(name, cacheType));
        }
        boolean f16 = dtype == DataType.FLOAT16;
        Var x = f16 ? mb.cast("temporal_inputs_fp16", input, DataType.FLOAT16) : input;
        Var src = f16 ? mb.cast("source_encoded_fp16", source, DataType.FLOAT16) : source;

        Var[] rows = new Var[caches.size()];
        TemporalStack.KvRows carry = new TemporalStack.KvRows() {
            @Override
            public Var past(String name, int index) {
                return caches.get(index);
            }

            @Override
            public void current(String name, int index, Var past, Var row) {
                rows[index] = row;   // returned to the host, which files it into its ring (MODELS.md)
            }
        };
        Var out = new TemporalStack(mb, ops, carry).frame(w, x, src, bias);
        // Output order: temporal_outputs (fp32 at the boundary), then the 48 updates in the caches' order.
        mb.output(TemporalConverter.OUTPUT, f16 ? mb.cast(TemporalConverter.OUTPUT, out, DataType.FLOAT32) : out);
        List<String> updates = cacheUpdates();
        for (int i = 0; i < rows.length; i++) {
            mb.output(updates.get(i), rows[i]);
        }
    }

    /** The host ring protocol in machine-readable form (repeated in the repository's MODELS.md). */
    @Override
    public SortedMap<String, Object> extraMetadata() {
        int window = Mrt2Constants.WINDOW;
        int sinks = dims.sinks();
        SortedMap<String, Object> protocol = new TreeMap<>();
        protocol.put("cache_rows", window);
        protocol.put("cache_reset", "all 48 caches zero at step 0");
        String sinkText = sinks == 1 ? "index 0 = sink" : "indices 0.." + (sinks - 1) + " = sinks";
        protocol.put("cache_valid_bias_layout", sinkText + " (always 0), index " + sinks + " + r = cache row r, index "
                + (layout.slots() - 1) + " = current frame (always 0)");
        protocol.put("cache_valid_bias_rule", "at step s (0-based) valid = min(s, " + window + "); cache row r gets 0 if"
                + " r < valid, else " + Mrt2Constants.FP16_MASK);
        protocol.put("cache_update", "after each prediction, for each of the 48 caches: if valid < " + window
                + " write <cache>_updates into row valid; else shift rows 1.." + (window - 1) + " down to 0.."
                + (window - 2) + " and write it into row " + (window - 1) + " (oldest first; all caches in lockstep)");
        protocol.put("mask_value", (double) Mrt2Constants.FP16_MASK);
        SortedMap<String, Object> extra = new TreeMap<>();
        extra.put("host_protocol", protocol);
        extra.put("cache_inputs", cacheInputs());
        extra.put("cache_updates", cacheUpdates());
        extra.put("frames", 1);
        extra.put("history_length", "host-managed (streaming carry)");
        return extra;
    }

    /** The {@code cache_valid_bias} values for step {@code step} (0-based): sinks, 41 rows, current frame. */
    public static float[] validBias(int sinks, int step) {
        int window = Mrt2Constants.WINDOW;
        float[] b = new float[sinks + window + 1];
        int valid = Math.min(step, window);
        Arrays.fill(b, sinks + valid, sinks + window, Mrt2Constants.FP16_MASK);
        return b;
    }
}
