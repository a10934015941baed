package dev.mrt2.convert.codebooks;

import dev.mrt2.convert.CheckpointTensor;
import dev.mrt2.convert.ConversionPiece;
import dev.mrt2.convert.ConvertContext;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** {@code --only codebooks}: the RVQ codebook gather table and its sidecar. */
public final class CodebookPiece implements ConversionPiece {
    @Override
    public String name() {
        return "codebooks";
    }

    @Override
    public String description() {
        return "RVQ codebooks for the host lookup (" + CodebookExporter.BIN + " + .json)";
    }

    @Override
    public List<CheckpointTensor> reads(ConvertContext ctx) {
        return List.of(CodebookExporter.table(ctx.checkpoint(), ctx.dims()));
    }

    @Override
    public List<String> outputs(ConvertContext ctx) {
        return List.of(CodebookExporter.BIN, CodebookExporter.SIDECAR);
    }

    @Override
    public Result convert(ConvertContext ctx) {
        CodebookExporter.Export e = CodebookExporter.export(ctx.checkpoint(), ctx.dims(), ctx.checkpointSha256(),
                ctx.outDir());
        ctx.log("codebooks: " + e.shape() + " float32, " + e.byteCount() + " bytes, sha256 " + e.sha256());
        SortedMap<String, Object> facts = new TreeMap<>();
        facts.put("byte_count", e.byteCount());
        facts.put("sha256", e.sha256());
        facts.put("shape", e.shape());
        return new Result(name(), List.of(Path.of(CodebookExporter.BIN), Path.of(CodebookExporter.SIDECAR)), facts);
    }
}
