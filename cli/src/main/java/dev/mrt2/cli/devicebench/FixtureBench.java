package dev.mrt2.cli.devicebench;

import dev.mrt2.cli.devicebench.DeviceBenchException.Kind;
import dev.mrt2.io.BadInputException;
import dev.mrt2.validate.FixtureComparison;
import dev.mrt2.validate.FixtureFiles;
import dev.mrt2.validate.FixtureFolder;
import dev.mrt2.validate.FixtureWriter;
import dev.mrt2.validate.Gate;
import dev.mrt2.validate.ReferenceSet;
import dev.mrt2.validate.StreamCheck;
import dev.mrt2.validate.ValidationOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code device-bench --fixtures}: the fixtures folder's streaming case (read by the same reader as
 * {@code mrt2 validate}), written as a device fixture for the runner, and the runner's outputs judged by the same
 * comparison and gates as {@code validate}'s temporal stream, per model and compute units: the check that Apple's
 * runtime computes what our executor computes.
 */
public final class FixtureBench {
    /** The runner's folder for the fixture, next to models/ inside Documents/mrt2-bench on iOS. */
    public static final String REMOTE_DIR = "fixture";

    private final ReferenceSet.TemporalStream stream;
    private final String source;

    private FixtureBench(ReferenceSet.TemporalStream stream, String source) {
        this.stream = stream;
        this.source = source;
    }

    /** The streaming case of {@code dir}; a folder without one is bad input. */
    public static FixtureBench read(Path dir) {
        ReferenceSet set;
        try {
            set = FixtureFolder.read(dir);
        } catch (BadInputException e) {
            throw new DeviceBenchException(Kind.BAD_INPUT, "--fixtures: " + e.getMessage(), e);
        }
        if (set.stream() == null) {
            throw new DeviceBenchException(Kind.BAD_INPUT, "--fixtures: " + dir + " holds no streaming fixture "
                    + "(temporal_streaming_carry_<N>.npz or its _device_fixture.json), the case the runner feeds");
        }
        return new FixtureBench(set.stream(), set.stream().origin().source());
    }

    public int steps() {
        return stream.steps();
    }

    public String manifestName() {
        return FixtureFiles.deviceFixture(steps());
    }

    /** The files the runner needs, manifest first: they are copied to the phone in this order. */
    public List<String> fileNames() {
        return FixtureWriter.deviceFixtureFiles(steps());
    }

    /** Writes the device fixture (the port's format, byte for byte) into {@code dir}; returns the manifest. */
    public Path write(Path dir) {
        return FixtureWriter.writeDeviceFixture(stream, dir);
    }

    /**
     * Every temporal run of the results against the case: one comparison row and the stream gates per model and
     * compute units. A temporal run without a fixture run, or with rows of the wrong shape, is bad input (a runner
     * that ignored --fixture); a fixture run that stopped on the device fails a gate naming its error.
     */
    public FixtureReport judge(BenchResults results, Path resultsFile) {
        List<FixtureComparison> rows = new ArrayList<>();
        List<Gate> gates = new ArrayList<>();
        String fixture = stream.origin().fixture();
        int d = stream.inputs()[0].length;
        for (int i = 0; i < results.runs().size(); i++) {
            BenchResults.ModelRun run = results.runs().get(i);
            BenchResults.FixtureRun f = run.fixtureRun();
            String artifact = run.model() + " (" + run.computeUnits() + ")";
            if (f == null) {
                if (run.ok() && "temporal".equals(run.kind())) {
                    throw new DeviceBenchException(Kind.BAD_INPUT, resultsFile + ": runs[" + i + "] is a temporal run "
                            + "without fixture_run although the runner was given a fixture");
                }
                continue;
            }
            if (f.error() != null) {
                gates.add(new Gate(artifact, fixture, "stream.fixture_run", 0, "==", 1, false,
                        "the runner could not stream the fixture: " + f.error()));
                continue;
            }
            if (f.steps() != steps() || f.outputs().length != steps() * d) {
                throw new DeviceBenchException(Kind.BAD_INPUT, resultsFile + ": runs[" + i + "].fixture_run has "
                        + f.outputs().length + " values over " + f.steps() + " steps, the fixture " + steps() + " x " + d);
            }
            float[][] outputs = new float[steps()][];
            for (int s = 0; s < steps(); s++) {
                outputs[s] = java.util.Arrays.copyOfRange(f.outputs(), s * d, (s + 1) * d);
            }
            StreamCheck.Judged judged = StreamCheck.judge(artifact, outputs, stream, ValidationOptions.defaults());
            rows.add(judged.row().withPackage(run.model()).withComputeUnits(run.computeUnits()));
            gates.addAll(judged.gates());
        }
        return new FixtureReport(fixture, source, steps(), rows, gates);
    }
}
