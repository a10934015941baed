package dev.mrt2.convert;

import dev.mrt2.convert.codebooks.CodebookExporter;
import dev.mrt2.mil.pkg.PackageLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A Core ML package as a {@code mrt2 convert} piece: exports it with {@link PackageExporter} and logs one progress
 * line with the bytes written and the time taken.
 */
public final class PackagePiece implements ConversionPiece {
    private final String name;
    private final String description;
    private final Function<ConvertContext, PackageConverter<?>> converter;
    private final Function<ConvertContext, List<CheckpointTensor>> reads;

    private PackagePiece(String name, String description, Function<ConvertContext, PackageConverter<?>> converter) {
        this(name, description, converter,
                ctx -> CheckpointTensor.recording(() -> converter.apply(ctx).load(ctx.checkpoint())));
    }

    /** {@code reads}: for a converter whose {@code load} does more than look keys up (the FP16 decoder profiles). */
    private PackagePiece(String name, String description, Function<ConvertContext, PackageConverter<?>> converter,
                         Function<ConvertContext, List<CheckpointTensor>> reads) {
        this.name = name;
        this.description = description;
        this.converter = converter;
        this.reads = reads;
    }

    /** {@code temporal}: MRT2TemporalBody.mlpackage. */
    public static PackagePiece temporal() {
        return new PackagePiece("temporal", TemporalConverter.PACKAGE_NAME + " (stateful FP16 temporal step)",
                ctx -> new TemporalConverter(ctx.dims()));
    }

    /** {@code depth}: MRT2DepthBody.mlpackage. */
    public static PackagePiece depth() {
        return new PackagePiece("depth", DepthConverter.PACKAGE_NAME + " (FP32 depth logits)",
                ctx -> new DepthConverter(ctx.dims()));
    }

    /** {@code decoder}: SpectroStreamDecoder.mlpackage for {@code --decoder-frames} token frames. */
    public static PackagePiece decoder() {
        return new PackagePiece("decoder", DecoderConverter.PACKAGE_NAME + " (FP32 SpectroStream decoder)",
                ctx -> new DecoderConverter(ctx.dims(), ctx.decoderFrames()));
    }

    /** {@code decoder-f16}: SpectroStreamDecoder.f16.mlpackage, rescale measured by the context's profiler. */
    public static PackagePiece decoderF16() {
        return new PackagePiece("decoder-f16", DecoderF16Converter.PACKAGE_NAME
                + " (FP16 SpectroStream decoder with the measured FP16-safe rescale)",
                ctx -> DecoderF16Converter.profiled(ctx.dims(), ctx.decoderFrames(), ctx.decoderProfiler()),
                // its load runs the FP32 decoder on the calibration input: the decoder's keys plus the codebooks
                ctx -> {
                    List<CheckpointTensor> keys = new ArrayList<>(CheckpointTensor.recording(() ->
                            new DecoderConverter(ctx.dims(), ctx.decoderFrames()).load(ctx.checkpoint())));
                    keys.add(CodebookExporter.table(ctx.checkpoint(), ctx.dims()));
                    return keys;
                });
    }

    /** {@code temporal-carry}: MRT2TemporalBodyCarry.mlpackage (corrected generation). */
    public static PackagePiece temporalCarry() {
        return new PackagePiece("temporal-carry", TemporalCarryConverter.PACKAGE_NAME
                + " (stateless FP16 streaming carry temporal step)", ctx -> new TemporalCarryConverter(ctx.dims()));
    }

    /** {@code temporal-carry-f32}: MRT2TemporalBodyCarry.f32.mlpackage (the FP32 reference chain). */
    public static PackagePiece temporalCarryF32() {
        return new PackagePiece("temporal-carry-f32", TemporalCarryConverter.F32_PACKAGE_NAME
                + " (stateless FP32 carry temporal step, for the FP32 reference chain)",
                ctx -> TemporalCarryConverter.f32(ctx.dims()));
    }

    /** {@code rollout-f16}: MRT2DepthBodyRollout.f16.mlpackage (corrected generation, shipped). */
    public static PackagePiece rolloutF16() {
        return new PackagePiece("rollout-f16", DepthRolloutConverter.F16_PACKAGE + " (FP16 in-graph depth rollout)",
                ctx -> DepthRolloutConverter.f16(ctx.dims()));
    }

    /** {@code rollout-f32}: MRT2DepthBodyRollout.f32.mlpackage (corrected generation, reference). */
    public static PackagePiece rolloutF32() {
        return new PackagePiece("rollout-f32", DepthRolloutConverter.F32_PACKAGE + " (FP32 in-graph depth rollout)",
                ctx -> DepthRolloutConverter.f32(ctx.dims()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<CheckpointTensor> reads(ConvertContext ctx) {
        return reads.apply(ctx);
    }

    @Override
    public List<String> outputs(ConvertContext ctx) {
        String pkg = converter.apply(ctx).packageName();
        return List.of(pkg, ExportMetadata.sidecarName(pkg));
    }

    @Override
    public Result convert(ConvertContext ctx) {
        PackageConverter<?> c = converter.apply(ctx);
        PackageExporter exporter = new PackageExporter(ctx.checkpoint(), ctx::checkpointSha256, ctx.outDir(),
                ctx.sharedConstants());
        PackageExporter.Exported e = exporter.export(c);
        e.digests().forEach(ctx::recordDigest);
        ctx.log(String.format(Locale.ROOT, "%s: %s, %d bytes in %.2f s", name, e.name(), e.bytes(), e.seconds()));
        SortedMap<String, Object> facts = new TreeMap<>();
        facts.put("package", e.name());
        facts.put("bytes", e.bytes());
        facts.put("model_mlmodel_sha256", e.modelSha256());
        facts.put("weight_bin_sha256", e.weightSha256());
        facts.put("seconds", Math.round(e.seconds() * 1000) / 1000.0);
        Path pkg = Path.of(e.name());
        return new Result(name, List.of(pkg.resolve(PackageLayout.MANIFEST), pkg.resolve(PackageLayout.MODEL_FILE),
                pkg.resolve(PackageLayout.WEIGHTS_DIR).resolve(PackageLayout.WEIGHT_FILE),
                Path.of(ExportMetadata.sidecarName(e.name()))), facts);
    }
}
