package dev.mrt2.cli.devicebench;

import java.util.List;
import java.util.Map;

/**
 * The runner's results file, schema {@value #SCHEMA} (documented in MODELS.md, "Device benchmark"). Written once
 * per launch by the iOS app or the macOS runner; read by {@link ResultsParser}.
 *
 * @param runner  what ran the measurement
 * @param request the options the runner received, echoed so a stale file from another run is recognised
 * @param runs    one entry per (model, compute units), models outer, compute units inner, in request order
 */
public record BenchResults(Runner runner, Request request, List<ModelRun> runs) {

    public static final String SCHEMA = "mrt2-device-bench-results-v1";

    public BenchResults {
        runs = List.copyOf(runs);
    }

    /**
     * @param appVersion    runner version
     * @param platform      "iOS" or "macOS"
     * @param osVersion     e.g. "18.3.1"
     * @param hardwareModel {@code utsname.machine}, e.g. "iPhone16,2" or "arm64"
     */
    public record Runner(String appVersion, String platform, String osVersion, String hardwareModel) {
    }

    /**
     * The runner's launch options; {@code seed} is unsigned 64-bit decimal text; {@code fixture} the device fixture
     * manifest's file name, or null without {@code --fixture} (also when a runner older than the field wrote none).
     */
    public record Request(List<String> models, List<String> computeUnits, int frames, int warmups, int repeats,
                          String seed, String fixture) {
        public Request {
            models = List.copyOf(models);
            computeUnits = List.copyOf(computeUnits);
        }
    }

    /**
     * One model under one compute-unit setting.
     *
     * @param model        compiled model name (package name without extension)
     * @param kind         "temporal" (stateful, cache_valid_bias protocol) or "seeded" (fixed seeded inputs)
     * @param computeUnits "all", "cpuAndNeuralEngine", "cpuAndGPU" or "cpuOnly"
     * @param status       "ok", or "failed" with {@code error} set
     * @param error        load or prediction error text, null when ok
     * @param loadMs       time to load (compile for the device and initialise) the model, null if it never loaded
     * @param latenciesMs  every timed prediction's wall time in milliseconds, in call order
     * @param computePlan  placement read from MLComputePlan
     * @param outputs      non-finite check over every output of every call, warmups included
     * @param fixtureRun   the device fixture streamed through a temporal model, or null
     */
    public record ModelRun(String model, String kind, String computeUnits, String status, String error, Double loadMs,
                           List<Double> latenciesMs, ComputePlan computePlan, OutputCheck outputs,
                           FixtureRun fixtureRun) {
        public ModelRun {
            latenciesMs = List.copyOf(latenciesMs);
        }

        public boolean ok() {
            return "ok".equals(status);
        }
    }

    /**
     * MLComputePlan summary: operations by preferred compute device and the sum of their estimated cost weights.
     * Keys are "neural_engine", "gpu", "cpu"; {@code ops} also has "none" for operations without a device usage
     * (constants).
     *
     * @param available false when the OS has no MLComputePlan (before iOS 17.4 / macOS 14.4) or it failed
     * @param reason    why it is unavailable, else null
     */
    public record ComputePlan(boolean available, String reason, Map<String, Long> ops, Map<String, Double> cost) {
        public ComputePlan {
            ops = Map.copyOf(ops);
            cost = Map.copyOf(cost);
        }
    }

    /**
     * One temporal model streamed through the device fixture from fresh state (stateful: bias protocol; carry: host
     * ring), after its timed calls.
     *
     * @param steps   steps fed
     * @param error   why the stream stopped, or null
     * @param outputs {@code [steps * D]} temporal outputs, step-major (decoded from little-endian base64); null with an
     *                error
     */
    public record FixtureRun(int steps, String error, float[] outputs) {
    }

    /**
     * @param valuesChecked   output elements inspected
     * @param nonFiniteValues how many of them were NaN or ±infinity
     * @param firstNonFinite  where the first one appeared, else null
     */
    public record OutputCheck(long valuesChecked, long nonFiniteValues, FirstNonFinite firstNonFinite) {
    }

    /**
     * @param call   0-based prediction index within the run (warmups counted first, repeats one after another)
     * @param output output feature name
     * @param warmup whether that call was a warm-up
     */
    public record FirstNonFinite(long call, String output, boolean warmup) {
    }
}
