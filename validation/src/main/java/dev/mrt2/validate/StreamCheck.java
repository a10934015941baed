package dev.mrt2.validate;

import dev.mrt2.io.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Temporal packages (stateful with the bias protocol, carry with the host ring) streamed from fresh state through the
 * case's N steps, against {@code reference_outputs} (mrt2-model.md §8.2 "streaming carry"), overall and per step.
 * Gates: every output finite; correlation and max abs error within the port's acceptance for this fixture
 * ({@link ValidationOptions#STREAM_MIN_CORRELATION}, {@link ValidationOptions#STREAM_MAX_ABS_ERROR}).
 */
public final class StreamCheck extends KindCheck {
    static final String NAME = "temporal stream";

    /** Figures, comparison row and gates of one streamed run; {@code device-bench} judges the runner's outputs so. */
    public record Judged(TemporalFigures figures, FixtureComparison row, List<Gate> gates) {}

    StreamCheck() {
        super(NAME, PackageInfo.Kind.TEMPORAL, PackageInfo.Kind.TEMPORAL_CARRY);
    }

    @Override
    public Demand needs(PackageInfo info) {
        return new Demand(true, false, false, false, false, 0, false);
    }

    @Override
    public Coverage coverage(ReferenceSet ref, PackageInfo info) {
        if (ref.stream() == null) {
            return Coverage.missing(NAME, "temporal_streaming_carry_<N>.npz", "the reference has no streaming case");
        }
        return Widths.temporal(ref, NAME, ref.stream().origin().fixture(), info, ref.stream().inputs()[0].length,
                ref.stream().sources()[0].length);
    }

    @Override
    public void run(PackageRun run, ReferenceSet ref, Findings out) {
        ReferenceSet.TemporalStream stream = ref.stream();
        TemporalStepper stepper = TemporalStepper.of(run.exec(), run.info);
        float[][] outputs = new float[stream.steps()][];
        stepper.reset();
        try (Progress.Task task = run.progress.start(run.info.artifact() + ": " + NAME, stream.steps(), "steps")) {
            for (int s = 0; s < stream.steps(); s++) {
                outputs[s] = stepper.step(s, stream.inputs()[s], stream.sources()[s]);
                task.advance(1);
            }
        }
        Judged judged = judge(run.info.artifact(), outputs, stream, run.options);
        Map<String, Object> json = new TreeMap<>(judged.figures().json());
        json.putAll(stepper.facts());
        json.put("host_protocol", stepper.protocol());
        json.put("fixture", stream.origin().fixture());
        json.put("reference", stream.origin().source());
        json.put("inputs", stream.origin().inputs());
        out.results.put("temporal_stream", json);
        out.comparisons.add(judged.row());
        out.gates.addAll(judged.gates());
        if (stepper instanceof CarryStepper carry) {
            out.gates.add(Gate.exactly(run.info.artifact(), null, "stream.cache_updates_all_finite",
                    carry.updatesFinite() ? 1 : 0, 1, "every cache update row the host ring receives must be finite"));
        }
    }

    /** The comparison row and gates of {@code outputs} against the case. */
    public static Judged judge(String artifact, float[][] outputs, ReferenceSet.TemporalStream stream,
                        ValidationOptions options) {
        TemporalFigures figures = TemporalFigures.compare(outputs, stream.outputs());
        String fixture = stream.origin().fixture();
        List<Gate> gates = new ArrayList<>();
        gates.add(Gate.exactly(artifact, fixture, "stream.finite_ratio", figures.overall().finiteRatio(), 1,
                "every output must be finite"));
        String why = "the port's acceptance for its 64-step streaming fixture (mrt2-model.md §8.2: correlation >= "
                + "0.999, max abs error <= 2.5); its Core ML receipt: 0.99931, 2.135 (§9.1)";
        gates.add(Gate.atLeast(artifact, fixture, "stream.correlation", figures.overall().correlationOrNaN(),
                options.minTemporalCorrelation(), why));
        gates.add(Gate.atMost(artifact, fixture, "stream.max_abs_error", figures.overall().maxAbsError(),
                options.maxTemporalAbsError(), why));
        return new Judged(figures, figures.row(fixture, FixtureFiles.STREAM_OUTPUTS, artifact), gates);
    }
}
