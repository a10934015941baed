package dev.mrt2.convert;

import dev.mrt2.mil.pkg.PackageLayout;
import java.nio.file.Path;
import java.util.List;
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

    private PackagePiece(String name, String description, Function<ConvertContext, PackageConverter<?>> converter) {
        this.name = name;
        this.description = description;
        this.converter = converter;
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

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Result convert(ConvertContext ctx) {
        PackageConverter<?> c = converter.apply(ctx);
        PackageExporter exporter = new PackageExporter(ctx.checkpoint(), ctx::checkpointSha256, ctx.outDir());
        PackageExporter.Exported e = exporter.export(c);
        e.digests().forEach(ctx::recordDigest);
        ctx.log(String.format("%s: %s, %d bytes in %.2f s", name, e.name(), e.bytes(), e.seconds()));
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
