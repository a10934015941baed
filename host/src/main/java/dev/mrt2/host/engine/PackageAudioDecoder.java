package dev.mrt2.host.engine;

import dev.mrt2.convert.DecoderConverter;
import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.host.decode.CodebookTable;
import dev.mrt2.host.decode.WindowPlan;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.mil.exec.TimeCrop;
import dev.mrt2.mil.exec.TimeStream;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decoder package (MODELS.md section 5, 10.3) with the exported codebooks: {@code decoder_embeddings [1, T, E]}
 * to {@code decoder_stft [1, 4T - 4, 480, 4]}, T fixed by the package. A window's emitted rows run the package's
 * program cropped to them ({@link TimeCrop}, sharing the package's weights): at 25 tokens, hop 11, 0.6 of a whole
 * call's arithmetic. At an exact hop, windows in sequence are streamed instead ({@link TimeStream}): each carries the
 * rows the next one reads again, and a steady window computes only its new rows, 0.44 of a whole call. Both give the
 * whole call's values, bit for bit on the JVM kernels.
 */
public final class PackageAudioDecoder implements AudioDecoder {
    private final MlProgramExecutor exec;
    private final CodebookTable codebooks;
    private final FeatureDescription input;
    private final String artifact;
    /** The program cropped to each row range asked for; empty when the program cannot be cropped. */
    private final Map<Long, Optional<MlProgramExecutor>> cropped = new HashMap<>();
    /** The streamed windows at each hop; empty when the program cannot be streamed. */
    private final Map<Integer, Optional<Streamed>> streams = new HashMap<>();
    /** What the last streamed window carries into the next, and which window of which plan that was. */
    private Map<String, NdArray> carries;
    private WindowPlan carriedPlan;
    private int carriedFrom = -1;
    private double flops;

    /** The two programs of a {@link TimeStream} at one hop, and the rows a steady window emits. */
    private record Streamed(MlProgramExecutor first, MlProgramExecutor steady, List<String> carried, int firstRow,
                            int rows) {}

    private PackageAudioDecoder(MlProgramExecutor exec, CodebookTable codebooks, String artifact) {
        this.exec = exec;
        this.codebooks = codebooks;
        this.artifact = artifact;
        this.input = PackageInputs.input(exec, DecoderConverter.INPUT, artifact);
        int[] shape = input.type().intDims();
        if (shape.length != 3 || shape[2] != codebooks.dim()) {
            throw new BadInputException(artifact + ": takes " + java.util.Arrays.toString(shape)
                    + ", the codebooks give embeddings of width " + codebooks.dim());
        }
    }

    public static PackageAudioDecoder open(Path models, Precision precision) {
        CodebookTable codebooks = CodebookTable.read(models);
        MlProgramExecutor exec = PackageChain.load(models, precision.decoderPackage(), precision);
        try {
            return new PackageAudioDecoder(exec, codebooks, precision.decoderPackage());
        } catch (RuntimeException e) {
            exec.close();
            throw e;
        }
    }

    @Override
    public int frames() {
        return input.type().intDims()[1];
    }

    @Override
    public int levels() {
        return codebooks.levels();
    }

    @Override
    public int codebookSize() {
        return codebooks.codebookSize();
    }

    @Override
    public float[] embed(int[] codes) {
        return codebooks.embedding(codes);
    }

    @Override
    public float[] decode(float[][] embeddings) {
        return run(exec, embeddings);
    }

    private float[] run(MlProgramExecutor program, float[][] embeddings) {
        Map<String, NdArray> out = program.predict(Map.of(input.name(), PackageInputs.floats(input, flat(embeddings))));
        flops += program.flopsPerCall();
        return PackageInputs.output(out, DecoderConverter.OUTPUT, artifact);
    }

    @Override
    public double flops() {
        return flops;
    }

    private float[] flat(float[][] embeddings) {
        float[] flat = new float[frames() * codebooks.dim()];
        for (int t = 0; t < embeddings.length; t++) {
            System.arraycopy(embeddings[t], 0, flat, t * codebooks.dim(), codebooks.dim());
        }
        return flat;
    }

    @Override
    public float[] decodeWindow(float[][] embeddings, WindowPlan plan, int index) {
        WindowPlan.Window w = plan.windows().get(index);
        Optional<Streamed> stream = plan.exact() && plan.windows().size() > 1
                ? streams.computeIfAbsent(plan.hop(), this::stream) : Optional.empty();
        Map<String, NdArray> in = new HashMap<>(Map.of(input.name(), PackageInputs.floats(input, flat(embeddings))));
        MlProgramExecutor program = null;
        if (stream.isPresent() && index == 0 && w.firstRow() == 0 && w.rows() == outputRows()) {
            program = stream.get().first();
        } else if (stream.isPresent() && index > 0 && carriedPlan == plan && carriedFrom == index - 1
                && w.start() - plan.windows().get(index - 1).start() == plan.hop()
                && w.firstRow() == stream.get().firstRow() && w.rows() == stream.get().rows()) {
            program = stream.get().steady();
            for (String v : stream.get().carried()) {
                in.put(v + TimeStream.PREVIOUS, carries.get(v + TimeStream.NEXT));
            }
        }
        if (program == null) {
            carries = null;
            carriedPlan = null;
            return decodeRows(embeddings, w.firstRow(), w.rows());
        }
        carries = program.predict(in);
        carriedPlan = plan;
        carriedFrom = index;
        flops += program.flopsPerCall();
        return PackageInputs.output(carries, DecoderConverter.OUTPUT, artifact);
    }

    private Optional<Streamed> stream(int hop) {
        int firstRow = Mrt2Constants.CODEC_TIME_STRIDE * (frames() - 1 - hop);
        int rows = Mrt2Constants.CODEC_TIME_STRIDE * hop;
        try {
            TimeStream s = TimeStream.of(exec.model(), input.name(), 1, DecoderConverter.OUTPUT, 1, firstRow,
                    firstRow + rows, hop);
            MlProgramExecutor first = exec.sharing(s.first(), artifact + " streamed, first window");
            return Optional.of(new Streamed(first, exec.sharing(s.steady(), artifact + " streamed, hop " + hop),
                    s.carried(), firstRow, rows));
        } catch (RuntimeException e) {
            // a program from elsewhere that the rewrite does not follow (TimeCrop.Unsupported, or a spelling it
            // does not read): cropped windows
            return Optional.empty();
        }
    }

    private int outputRows() {
        return Mrt2Constants.CODEC_TIME_STRIDE * frames() - Mrt2Constants.CODEC_LOOKAHEAD_FRAMES;
    }

    @Override
    public float[] decodeRows(float[][] embeddings, int firstRow, int rows) {
        Optional<MlProgramExecutor> crop = cropped.computeIfAbsent((long) firstRow << 32 | rows,
                k -> crop(firstRow, rows));
        if (crop.isEmpty()) {
            return AudioDecoder.super.decodeRows(embeddings, firstRow, rows);
        }
        return run(crop.get(), embeddings);
    }

    private Optional<MlProgramExecutor> crop(int firstRow, int rows) {
        if (firstRow == 0 && rows == outputRows()) {
            return Optional.of(exec);
        }
        try {
            return Optional.of(exec.sharing(TimeCrop.crop(exec.model(), input.name(), 1, DecoderConverter.OUTPUT, 1,
                    firstRow, firstRow + rows), artifact + " rows " + firstRow + ".." + (firstRow + rows - 1)));
        } catch (RuntimeException e) {
            return Optional.empty();   // a program from elsewhere that the rewrite does not follow: whole calls
        }
    }

    @Override
    public String describe() {
        return artifact + " (executor, " + exec.convBackendName() + ")";
    }

    @Override
    public void close() {
        cropped.values().forEach(c -> c.filter(e -> e != exec).ifPresent(MlProgramExecutor::close));
        streams.values().forEach(s -> s.ifPresent(t -> {
            t.first().close();
            t.steady().close();
        }));
        exec.close();
    }
}
