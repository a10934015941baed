package dev.mrt2.convert;

import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;

/** One artifact family {@code mrt2 convert} can produce, selected by name with {@code --only}. */
public interface ConversionPiece {
    /** The {@code --only} name, lowercase, e.g. {@code codebooks}. */
    String name();

    /** One line for help output. */
    String description();

    /**
     * Every checkpoint tensor this piece will read, keys, shapes and dtypes checked (nothing read yet), so that
     * {@code convert} can check their values before it writes anything. Cheap: no graph is built.
     */
    List<CheckpointTensor> reads(ConvertContext ctx);

    /**
     * The top-level names this piece writes into the output folder (a package directory, a file). No default: a piece
     * that forgot its names would have them reported as strays and escape the replaceability check.
     */
    List<String> outputs(ConvertContext ctx);

    /** Writes this piece's files into {@code ctx.outDir()} (each atomically) and says what it wrote. */
    Result convert(ConvertContext ctx);

    /**
     * What a piece wrote: files relative to the output directory, and facts for the {@code --json} report
     * (sorted map so the report is deterministic).
     */
    record Result(String piece, List<Path> files, SortedMap<String, Object> facts) {
        public Result {
            files = List.copyOf(files);
        }
    }
}
