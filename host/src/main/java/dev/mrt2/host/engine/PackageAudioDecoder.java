package dev.mrt2.host.engine;

import dev.mrt2.convert.DecoderConverter;
import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.host.decode.CodebookTable;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.mil.exec.TimeCrop;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The decoder package (MODELS.md section 5, 10.3) with the exported codebooks: {@code decoder_embeddings [1, T, E]}
 * to {@code decoder_stft [1, 4T - 4, 480, 4]}, T fixed by the package. A window's emitted rows run the package's
 * program cropped to them ({@link TimeCrop}, sharing the package's weights): at 25 tokens, hop 11, 0.6 of a whole
 * call's time on the JVM kernels, the same values bit for bit.
 */
public final class PackageAudioDecoder implements AudioDecoder {
    private final MlProgramExecutor exec;
    private final CodebookTable codebooks;
    private final FeatureDescription input;
    private final String artifact;
    /** The program cropped to each row range asked for; empty when the program cannot be cropped. */
    private final Map<Long, Optional<MlProgramExecutor>> cropped = new HashMap<>();
    private double flops;

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
    public float[] decodeRows(float[][] embeddings, int firstRow, int rows) {
        Optional<MlProgramExecutor> crop = cropped.computeIfAbsent((long) firstRow << 32 | rows,
                k -> crop(firstRow, rows));
        if (crop.isEmpty()) {
            return AudioDecoder.super.decodeRows(embeddings, firstRow, rows);
        }
        return run(crop.get(), embeddings);
    }

    private Optional<MlProgramExecutor> crop(int firstRow, int rows) {
        if (firstRow == 0 && rows == Mrt2Constants.CODEC_TIME_STRIDE * frames() - Mrt2Constants.CODEC_LOOKAHEAD_FRAMES) {
            return Optional.of(exec);
        }
        try {
            return Optional.of(exec.sharing(TimeCrop.crop(exec.model(), input.name(), 1, DecoderConverter.OUTPUT, 1,
                    firstRow, firstRow + rows), artifact + " rows " + firstRow + ".." + (firstRow + rows - 1)));
        } catch (TimeCrop.Unsupported e) {
            return Optional.empty();   // a program from elsewhere: whole calls
        }
    }

    @Override
    public String describe() {
        return artifact + " (executor, " + exec.convBackendName() + ")";
    }

    @Override
    public void close() {
        cropped.values().forEach(c -> c.filter(e -> e != exec).ifPresent(MlProgramExecutor::close));
        exec.close();
    }
}
