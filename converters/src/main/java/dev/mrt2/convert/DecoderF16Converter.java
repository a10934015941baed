package dev.mrt2.convert;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Model;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code SpectroStreamDecoder.f16.mlpackage} (mrt2-model.md §6.2.4): the decoder of {@link DecoderConverter} with
 * FP16 compute inside, fp32 channels-last I/O, and the FP16-safe rescale of §4.6. The rescale region is chosen from
 * activations measured on the FP32 graph of the same checkpoint ({@link DecoderCalibration} input, run by a
 * {@link DecoderActivationProfiler}) while loading, so a checkpoint that cannot be profiled fails before anything is
 * written.
 */
public final class DecoderF16Converter implements PackageConverter<DecoderF16Converter.Loaded> {
    public static final String PACKAGE_NAME = "SpectroStreamDecoder.f16.mlpackage";

    /** The checked weights and the rescale plan chosen for them. */
    public record Loaded(DecoderConverter.Weights weights, RescalePlan plan) {}

    private final DecoderConverter fp32;
    private final Mrt2Dims dims;
    private final DecoderActivationProfiler profiler;
    private final DecoderCalibration calibration;
    private RescalePlan plan;
    private DecoderGraph.Summary summary;

    private DecoderF16Converter(Mrt2Dims dims, int frames, DecoderActivationProfiler profiler) {
        this.fp32 = new DecoderConverter(dims, frames);
        this.dims = dims;
        this.profiler = profiler;
        this.calibration = profiler == null ? null : new DecoderCalibration(DecoderCalibration.DEFAULT_SEED, frames);
    }

    /** The shipped package: rescale region measured by {@code profiler} on the calibration input. */
    public static DecoderF16Converter profiled(Mrt2Dims dims, int frames, DecoderActivationProfiler profiler) {
        if (profiler == null) {
            throw new IllegalStateException(PACKAGE_NAME + " needs a decoder activation profiler to place its FP16 "
                    + "rescale (ConvertService.run uses DecoderBlockProfiler unless given another)");
        }
        return new DecoderF16Converter(dims, frames, profiler);
    }

    /** A plain FP16 decoder with no rescale: the control that shows why the rescale exists. */
    public static DecoderF16Converter withoutRescale(Mrt2Dims dims, int frames) {
        return new DecoderF16Converter(dims, frames, null);
    }

    @Override
    public PackageIdentity identity() {
        return new PackageIdentity(PACKAGE_NAME, DecoderConverter.SCHEMA, "float16",
                "SpectroStream conv decoder, FP16 with the FP16-safe rescale: " + fp32.frames()
                + " frames of summed RVQ embeddings to " + fp32.outputFrames() + " STFT frames (channels-last)");
    }

    @Override
    public Loaded load(SafetensorsFile checkpoint) {
        DecoderConverter.Weights w = fp32.load(checkpoint);
        plan = profiler == null ? RescalePlan.none(null, "disabled: built without the FP16 rescale")
                : RescalePlan.fromProfile(measure(checkpoint, w));
        return new Loaded(w, plan);
    }

    /** A checkpoint whose FP32 decoder already overflows on the calibration input is bad input. */
    private DecoderProfile measure(SafetensorsFile checkpoint, DecoderConverter.Weights w) {
        float[][] input = calibration.embeddings(checkpoint, dims);   // a missing codebook names its key itself
        Model fp32Graph = fp32Model(w);
        try {
            return profiler.profile(fp32Graph, input);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(checkpoint.path().getFileName() + ": " + PACKAGE_NAME + ": "
                    + e.getMessage(), e);
        }
    }

    /** The FP32 graph with its constants on the heap, for the profiler. */
    private Model fp32Model(DecoderConverter.Weights w) {
        MilBuilder mb = new MilBuilder(fp32.opset(), new HeapWeights());
        fp32.build(mb, w);
        return mb.build(Metadata.empty());
    }

    @Override
    public void build(MilBuilder mb, Loaded loaded) {
        summary = new DecoderGraph(dims, fp32.frames(), DataType.FLOAT16, loaded.plan()).build(mb, loaded.weights());
    }

    /** The plan chosen by the last {@link #load}. */
    public RescalePlan plan() {
        if (plan == null) {
            throw new IllegalStateException("no plan before load");
        }
        return plan;
    }

    @Override
    public SortedMap<String, Object> extraMetadata() {
        if (summary == null) {
            throw new IllegalStateException("metadata before build");
        }
        SortedMap<String, Object> extra = fp32.extraMetadata();
        SortedMap<String, Object> wrapper = new TreeMap<>();
        wrapper.put("layout_mode", "nchw");
        wrapper.put("compute_precision", "float16");
        wrapper.put("weight_norm", false);
        wrapper.put("fp16_rescale", plan.json(summary.elusSwapped(), summary.biasesScaled(),
                calibration == null ? null : calibration.json(dims)));
        extra.put("wrapper", wrapper);
        return extra;
    }
}
