package dev.mrt2.cli;

import dev.mrt2.io.Outputs;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.exec.ExecutorBackend;
import dev.mrt2.mil.exec.ExecutorException;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.mil.exec.NonFiniteOp;
import dev.mrt2.mil.exec.SteppedPredict;
import dev.mrt2.tensor.TensorFileException;
import dev.mrt2.tensor.Npz;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true,
        header = "Run any .mlpackage on inputs from an .npz and write every output to an .npz.",
        description = {
            "Each .npz member named like a model input feeds that input. With --steps N a stateful model is called N "
                    + "times (states persist); member shapes [N, *S], [N*S0, S1, ...] or S (same every step) are cut per "
                    + "step, and each output is written stacked as [N, *shape].",
            "FP16 ops are rounded to binary16 as on a device; the first op that went non-finite is reported."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Parameters(index = "0", paramLabel = "PKG", description = "The .mlpackage to run.")
    Path pkg;

    @Option(names = "--inputs", required = true, paramLabel = "IN.npz", description = "Input arrays, one member per input.")
    Path inputs;

    @Option(names = "--out", required = true, paramLabel = "OUT.npz", description = "Where to write the outputs (atomically).")
    Path out;

    @Option(names = "--steps", paramLabel = "N", description = "Call a stateful model N times, slicing the inputs per step.")
    Integer steps;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "Heavy-op kernels: auto (default: DJL PyTorch if it loads, else java), djl, java or scalar.")
    String backend;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        ExecutorBackend chosen = backend();
        if (steps != null && steps < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--steps " + steps
                    + ": must be 1 or more");
        }
        OutputFiles.requireDistinct(spec, List.of(new OutputFiles.Named("PKG", pkg),
                new OutputFiles.Named("--inputs", inputs)), List.of(new OutputFiles.Named("--out", out)), List.of());
        Outputs.requireWritableFile(out);   // before loading and running anything
        Map<String, NdArray> in;
        try {
            in = Npz.read(inputs);
        } catch (TensorFileException e) {
            throw new ExitException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        Map<String, NdArray> results;
        Optional<NonFiniteOp> nonFinite;
        long started = System.nanoTime();
        long loaded;
        try (MlProgramExecutor exec = MlProgramExecutor.load(pkg, chosen)) {
            loaded = System.nanoTime();
            console.detail(String.format(java.util.Locale.ROOT, "predict: %s loaded in %.0f ms, backend %s (conv: %s)",
                    pkg, (loaded - started) / 1e6, exec.backend(), exec.convBackendName()));
            results = steps == null
                    ? SteppedPredict.once(exec, in, inputs.toString(), console::progress)
                    : SteppedPredict.steps(exec, in, steps, inputs.toString(), console::progress);
            nonFinite = exec.firstNonFinite();
        } catch (MilException | ExecutorException e) {
            throw new ExitException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        int calls = steps == null ? 1 : steps;
        console.detail(String.format(java.util.Locale.ROOT, "predict: %d call(s), %.1f ms per call (the first decodes "
                + "the weights)", calls, (System.nanoTime() - loaded) / 1e6 / calls));
        Npz.write(out, results);
        nonFinite.ifPresent(op -> console.progress("warning: first non-finite output: " + op
                + (steps == null ? "" : " (step " + op.callIndex() + ")")));
        if (output.json) {
            console.json(json(results, nonFinite, calls));
        } else {
            for (Map.Entry<String, NdArray> e : results.entrySet()) {
                console.result(e.getKey() + " " + describe(e.getValue()));
            }
            console.result(out + ": " + results.size() + " output(s)");
        }
        return ExitCodes.OK;
    }

    private ExecutorBackend backend() {
        return switch (backend) {
            case "auto" -> ExecutorBackend.auto();
            case "djl" -> ExecutorBackend.DJL;
            case "java" -> ExecutorBackend.JAVA;
            case "scalar" -> ExecutorBackend.SCALAR;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--backend must be auto, djl, java or scalar, got '" + backend + "'");
        };
    }

    private static String describe(NdArray a) {
        StringBuilder s = new StringBuilder(a.toString());
        if (a.isFloat()) {
            Stats st = Stats.of(a.floats());
            s.append(" min ").append(st.min).append(" max ").append(st.max).append(" finite ").append(st.finite)
                    .append('/').append(a.size());
        }
        return s.toString();
    }

    private Map<String, Object> json(Map<String, NdArray> results, Optional<NonFiniteOp> nonFinite, int calls) {
        Map<String, Object> doc = new TreeMap<>();
        doc.put("package", pkg.toString());
        doc.put("inputs", inputs.toString());
        doc.put("out", out.toString());
        doc.put("calls", calls);
        List<Map<String, Object>> outs = new ArrayList<>();
        for (Map.Entry<String, NdArray> e : results.entrySet()) {
            Map<String, Object> o = new LinkedHashMap<>();
            NdArray a = e.getValue();
            o.put("name", e.getKey());
            o.put("dtype", a.kind().name().toLowerCase(java.util.Locale.ROOT));
            o.put("shape", Arrays.stream(a.shape()).boxed().toList());
            if (a.isFloat()) {
                Stats st = Stats.of(a.floats());
                o.put("min", Double.isNaN(st.min) ? null : st.min);
                o.put("max", Double.isNaN(st.max) ? null : st.max);
                o.put("finite_count", st.finite);
            }
            outs.add(o);
        }
        doc.put("outputs", outs);
        Map<String, Object> nf = null;
        if (nonFinite.isPresent()) {
            nf = new TreeMap<>();
            nf.put("op", nonFinite.get().opName());
            nf.put("op_type", nonFinite.get().opType());
            nf.put("call", nonFinite.get().callIndex());
        }
        doc.put("first_non_finite", nf);
        return doc;
    }

    /** Range over the finite values, and how many there are. */
    private record Stats(double min, double max, long finite) {
        static Stats of(float[] v) {
            double min = Double.NaN;
            double max = Double.NaN;
            long finite = 0;
            for (float f : v) {
                if (!Float.isFinite(f)) continue;
                finite++;
                min = Double.isNaN(min) ? f : Math.min(min, f);
                max = Double.isNaN(max) ? f : Math.max(max, f);
            }
            return new Stats(min, max, finite);
        }
    }
}
