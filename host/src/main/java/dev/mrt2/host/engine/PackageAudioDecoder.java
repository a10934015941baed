package dev.mrt2.host.engine;

import dev.mrt2.convert.DecoderConverter;
import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.host.decode.CodebookTable;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import java.util.Map;

/**
 * The decoder package (MODELS.md section 5, 10.3) with the exported codebooks: {@code decoder_embeddings [1, T, E]}
 * to {@code decoder_stft [1, 4T - 4, 480, 4]}, T fixed by the package.
 */
public final class PackageAudioDecoder implements AudioDecoder {
    private final MlProgramExecutor exec;
    private final CodebookTable codebooks;
    private final FeatureDescription input;
    private final String artifact;

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
        float[] flat = new float[frames() * codebooks.dim()];
        for (int t = 0; t < embeddings.length; t++) {
            System.arraycopy(embeddings[t], 0, flat, t * codebooks.dim(), codebooks.dim());
        }
        Map<String, NdArray> out = exec.predict(Map.of(input.name(), PackageInputs.floats(input, flat)));
        return PackageInputs.output(out, DecoderConverter.OUTPUT, artifact);
    }

    @Override
    public String describe() {
        return artifact + " (executor, " + exec.convBackendName() + ")";
    }

    @Override
    public void close() {
        exec.close();
    }
}
