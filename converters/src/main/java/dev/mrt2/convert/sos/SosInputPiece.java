package dev.mrt2.convert.sos;

import dev.mrt2.convert.CheckpointTensor;
import dev.mrt2.convert.ConversionPiece;
import dev.mrt2.convert.ConvertContext;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** {@code --only sos-input}: the first frame's temporal input for hosts of the corrected generation. */
public final class SosInputPiece implements ConversionPiece {
    @Override
    public String name() {
        return "sos-input";
    }

    @Override
    public String description() {
        return "first frame's temporal input sqrt(D) Emb[0] (" + SosInputExporter.BIN + " + .json)";
    }

    @Override
    public List<CheckpointTensor> reads(ConvertContext ctx) {
        return List.of(SosInputExporter.embedding(ctx.checkpoint(), ctx.dims()));
    }

    @Override
    public List<String> outputs(ConvertContext ctx) {
        return List.of(SosInputExporter.BIN, SosInputExporter.SIDECAR);
    }

    @Override
    public Result convert(ConvertContext ctx) {
        SosInputExporter.Export e = SosInputExporter.export(ctx.checkpoint(), ctx.dims(), ctx.checkpointSha256(),
                ctx.outDir());
        ctx.log("sos-input: " + e.shape() + " float32, " + e.byteCount() + " bytes, sha256 " + e.sha256());
        SortedMap<String, Object> facts = new TreeMap<>();
        facts.put("byte_count", e.byteCount());
        facts.put("sha256", e.sha256());
        facts.put("shape", e.shape());
        return new Result(name(), List.of(Path.of(SosInputExporter.BIN), Path.of(SosInputExporter.SIDECAR)), facts);
    }
}
