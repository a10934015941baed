package dev.mrt2.validate;

import dev.mrt2.convert.DecoderConverter;
import dev.mrt2.convert.DepthConverter;
import dev.mrt2.convert.TemporalConverter;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.mil.exec.BenchSamples;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Metrics;
import dev.mrt2.validate.reference.Codebooks;
import dev.mrt2.validate.reference.DecoderReference;
import dev.mrt2.validate.reference.DepthReference;
import dev.mrt2.validate.reference.TemporalReference;
import dev.mrt2.validate.reference.TokenEmbedding;
import dev.mrt2.validate.reference.FastConv2d;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The work {@code mrt2 validate} repeats, executor next to reference, in one JVM, for {@code scripts/bench-validate}
 * (timings never live in unit tests):
 * <ul>
 *   <li>temporal step: {@code --steps} streaming steps of the temporal package from fresh states with the
 *       {@code cache_valid_bias} protocol of {@link StatefulStepper}, and {@link TemporalReference#step} on the same
 *       rows;</li>
 *   <li>depth pass: one {@code [1, 12, D]} call of the depth package, and {@link DepthReference#logits} for the same
 *       12 positions;</li>
 *   <li>decoder: one call of the FP32 decoder package ({@code T} = its frames), and {@link DecoderReference#decode}
 *       on the same embeddings.</li>
 * </ul>
 * Each series runs its warm-up calls first (excluded), then the timed ones; the table gives median and fastest call
 * per side, their ratio, and how closely the two sides agree (proof that they did the same work).
 * <pre>java -cp mrt2.jar dev.mrt2.validate.ValidateBench [--steps N] [--warmup N] [--repeats N]
 *     [--decoder-warmup N] [--decoder-repeats N] [--seed N] MODELS CHECKPOINT</pre>
 * The executor's backend is {@code mrt2 validate}'s: {@code -Dmrt2.executor.backend}, default auto.
 */
public final class ValidateBench {
    /** One line of the table: the same work timed on both sides. */
    record Row(String work, BenchSamples executor, BenchSamples reference, Comparison agreement) {
        String line() {
            return String.format(Locale.ROOT, "%-30s %10.1f %10.1f %10.1f %10.1f %7.2f  corr %.6f, max |d| %.3g, "
                            + "SNR %.1f dB", work, executor.median(), executor.min(), reference.median(),
                    reference.min(), executor.median() / reference.median(), agreement.correlationOrNaN(),
                    agreement.maxAbsError(), agreement.snrDb());
        }

        static String header() {
            return String.format(Locale.ROOT, "%-30s %10s %10s %10s %10s %7s  %s", "work item (ms per call)",
                    "exec med", "exec min", "ref med", "ref min", "ratio", "exec vs ref (proof of the same work)");
        }
    }

    /** What to run: counts per series and where the packages and checkpoint are. */
    record Plan(Path models, Path checkpoint, int steps, int warmup, int repeats, int decoderWarmup,
                int decoderRepeats, long seed) {
        static Plan parse(String[] args) {
            int steps = ValidationOptions.defaults().steps();
            int warmup = 3;
            int repeats = 10;
            int decoderWarmup = 1;
            int decoderRepeats = 3;
            long seed = ValidationOptions.DEFAULT_SEED;
            List<Path> paths = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--steps" -> steps = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                    case "--decoder-warmup" -> decoderWarmup = Integer.parseInt(args[++i]);
                    case "--decoder-repeats" -> decoderRepeats = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    default -> paths.add(Path.of(args[i]));
                }
            }
            if (paths.size() != 2 || steps < 1 || repeats < 1 || decoderRepeats < 1 || warmup < 0
                    || decoderWarmup < 0) {
                throw new IllegalArgumentException("usage: ValidateBench [--steps N>=1] [--warmup N] [--repeats N>=1] "
                        + "[--decoder-warmup N] [--decoder-repeats N>=1] [--seed N] MODELS CHECKPOINT");
            }
            return new Plan(paths.get(0), paths.get(1), steps, warmup, repeats, decoderWarmup, decoderRepeats, seed);
        }
    }

    private final Plan plan;
    private final SafetensorsFile checkpoint;
    private final Mrt2Dims dims;
    private final InputFactory inputs;
    /** The reference's last temporal output: row 0 of the depth pass, as in a real frame. */
    private float[] lastTemporalOutput;

    ValidateBench(Plan plan, SafetensorsFile checkpoint) {
        this.plan = plan;
        this.checkpoint = checkpoint;
        this.dims = Mrt2Dims.fromCheckpoint(checkpoint);
        // No seed fixtures: generated rows only, so the figures do not depend on a shared folder being present.
        this.inputs = new InputFactory(dims, plan.seed(), null);
    }

    public static void main(String[] args) {
        List<Row> rows = run(Plan.parse(args));
        System.out.println(Row.header());
        rows.forEach(r -> System.out.println(r.line()));
    }

    /** Temporal, depth and decoder rows, in that order. */
    static List<Row> run(Plan plan) {
        try (SafetensorsFile file = SafetensorsFile.open(plan.checkpoint())) {
            ValidateBench bench = new ValidateBench(plan, file);
            return List.of(bench.temporal(), bench.depth(), bench.decoder());
        }
    }

    /** Streaming steps from fresh states on both sides; warm-up steps run on a stream that is then reset. */
    Row temporal() {
        Path pkg = plan.models().resolve(TemporalConverter.PACKAGE_NAME);
        InputFactory.Stream stream = inputs.temporalStream(Math.max(plan.steps(), plan.warmup()));
        long t0 = System.nanoTime();
        try (MlProgramExecutor exec = MlProgramExecutor.load(pkg)) {
            double execLoad = msSince(t0);
            StatefulStepper check = new StatefulStepper(exec, pkg.getFileName().toString());
            long t1 = System.nanoTime();
            TemporalReference ref = TemporalReference.load(checkpoint, dims, TemporalReference.Options.DEFAULT);
            log("temporal", exec, execLoad, msSince(t1));
            float[][] execOut = new float[plan.steps()][];
            float[][] refOut = new float[plan.steps()][];
            BenchSamples.time(plan.warmup(), s -> check.step(s, stream.inputs()[s], stream.sources()[s]));
            check.reset();
            BenchSamples execTimes = BenchSamples.time(plan.steps(),
                    s -> execOut[s] = check.step(s, stream.inputs()[s], stream.sources()[s]));
            BenchSamples.time(plan.warmup(), s -> ref.step(stream.inputs()[s], stream.sources()[s]));
            ref.reset();
            BenchSamples refTimes = BenchSamples.time(plan.steps(),
                    s -> refOut[s] = ref.step(stream.inputs()[s], stream.sources()[s]));
            lastTemporalOutput = refOut[plan.steps() - 1];
            return new Row("temporal step (" + plan.steps() + " steps)", execTimes, refTimes,
                    compare(execOut, refOut));
        }
    }

    /** One pass over all positions: the package's single call against the reference's 12 incremental positions. */
    Row depth() {
        Path pkg = plan.models().resolve(DepthConverter.PACKAGE_NAME);
        long t0 = System.nanoTime();
        try (MlProgramExecutor exec = MlProgramExecutor.load(pkg)) {
            double execLoad = msSince(t0);
            int[] shape = PackageIo.requireInput(exec, DepthLogits.INPUT, pkg.getFileName().toString());
            long t1 = System.nanoTime();
            DepthReference ref = DepthReference.load(checkpoint, dims, false);
            double refLoad = msSince(t1);
            log("depth", exec, execLoad, refLoad);
            float[][] positions = depthPositions(shape[1]);
            Map<String, NdArray> in = new TreeMap<>();
            in.put(DepthLogits.INPUT, NdArray.f32(shape, PackageIo.flatten(positions)));
            float[][] execOut = new float[1][];
            float[][] refOut = new float[1][];
            BenchSamples.time(plan.warmup(), i -> exec.predict(in));
            BenchSamples execTimes = BenchSamples.time(plan.repeats(),
                    i -> execOut[0] = PackageIo.floats(exec.predict(in), DepthLogits.OUTPUT, pkg.toString()));
            BenchSamples.time(plan.warmup(), i -> ref.logits(positions));
            BenchSamples refTimes = BenchSamples.time(plan.repeats(),
                    i -> refOut[0] = PackageIo.flatten(ref.logits(positions)));
            return new Row("depth pass ([1, " + shape[1] + ", " + shape[2] + "])", execTimes, refTimes,
                    compare(execOut, refOut));
        }
    }

    /** Row 0 the last temporal output, row j the scaled embedding of a seeded code at level j - 1 (§3.6). */
    private float[][] depthPositions(int count) {
        TokenEmbedding embedding = TokenEmbedding.load(checkpoint, dims);
        int[] codes = inputs.decoderCodes(1).codes()[0];
        float[][] rows = new float[count][];
        rows[0] = lastTemporalOutput != null ? lastTemporalOutput : embedding.sos();
        for (int j = 1; j < count; j++) {
            int level = (j - 1) % codes.length;
            rows[j] = embedding.scaledRow(embedding.uniqueId(level, codes[level]));
        }
        return rows;
    }

    /** One decoder chunk of the package's T frames on both sides (the reference convolves on DJL's PyTorch). */
    Row decoder() {
        Path pkg = plan.models().resolve(DecoderConverter.PACKAGE_NAME);
        long t0 = System.nanoTime();
        try (MlProgramExecutor exec = MlProgramExecutor.load(pkg); FastConv2d torch = FastConv2d.fastest()) {
            double execLoad = msSince(t0);
            int frames = PackageIo.requireInput(exec, DecoderCheck.INPUT, pkg.getFileName().toString())[1];
            long t1 = System.nanoTime();
            DecoderReference ref = DecoderReference.load(checkpoint, dims, torch);
            double refLoad = msSince(t1);
            log("decoder", exec, execLoad, refLoad);
            float[][] embeddings = Codebooks.load(checkpoint, dims)
                    .embeddingsFromCodes(inputs.decoderCodes(frames).codes());
            Map<String, NdArray> in = new TreeMap<>();
            in.put(DecoderCheck.INPUT, NdArray.f32(new int[] {1, frames, embeddings[0].length},
                    PackageIo.flatten(embeddings)));
            NdArray[] execOut = new NdArray[1];
            NdArray[] refOut = new NdArray[1];
            BenchSamples.time(plan.decoderWarmup(), i -> exec.predict(in));
            BenchSamples execTimes = BenchSamples.time(plan.decoderRepeats(),
                    i -> execOut[0] = exec.predict(in).get(DecoderCheck.OUTPUT));
            BenchSamples.time(plan.decoderWarmup(), i -> ref.decode(embeddings));
            BenchSamples refTimes = BenchSamples.time(plan.decoderRepeats(), i -> refOut[0] = ref.decode(embeddings));
            NdArray actual = NdArray.f32(execOut[0].shape(), execOut[0].floats());
            return new Row("decoder call (T = " + frames + ")", execTimes, refTimes,
                    Metrics.compare(actual, refOut[0]));
        }
    }

    private void log(String section, MlProgramExecutor exec, double execLoadMs, double refLoadMs) {
        System.err.printf(Locale.ROOT, "%s: package (%s, backend %s, conv %s) loaded in %.0f ms, reference in %.0f ms"
                + "%n", section, PackageInfo.precision(exec.model()), exec.backend(), exec.convBackendName(),
                execLoadMs, refLoadMs);
    }

    private static Comparison compare(float[][] actual, float[][] expected) {
        int[] shape = {actual.length, actual[0].length};
        return Metrics.compare(NdArray.f32(shape, PackageIo.flatten(actual)),
                NdArray.f32(shape, PackageIo.flatten(expected)));
    }

    private static double msSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e6;
    }
}
