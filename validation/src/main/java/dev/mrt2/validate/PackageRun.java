package dev.mrt2.validate;

import dev.mrt2.io.Progress;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.mil.exec.NonFiniteOp;
import dev.mrt2.validate.headroom.HeadroomRecorder;
import dev.mrt2.validate.headroom.HeadroomReport;
import java.util.List;

/**
 * One package being validated: its executor (loaded on first use, with an FP16 headroom recorder when the package
 * computes in FP16), the run's options, and the folder's temporal packages for the composed depth comparisons.
 */
final class PackageRun implements AutoCloseable {
    final PackageInfo info;
    final ValidationOptions options;
    final List<PackageInfo> temporalPackages;
    /** The temporal packages' runs kept for composed checks. */
    final TemporalRuns temporalRuns;
    final Progress progress;
    private MlProgramExecutor exec;
    private HeadroomRecorder headroom;

    PackageRun(PackageInfo info, ValidationOptions options, List<PackageInfo> temporalPackages,
               TemporalRuns temporalRuns, Progress progress) {
        this.info = info;
        this.options = options;
        this.temporalPackages = List.copyOf(temporalPackages);
        this.temporalRuns = temporalRuns;
        this.progress = progress;
    }

    MlProgramExecutor exec() {
        if (exec == null) {
            exec = MlProgramExecutor.load(info.path());
            // Only this package's executor is watched: a temporal package composed into a depth check is not.
            if (info.fp16()) {
                headroom = new HeadroomRecorder();
                exec.addObserver(headroom);
            }
        }
        return exec;
    }

    /** Stops the FP16 headroom recorder: what runs after this (runs kept for other checks) is not this package's. */
    void stopWatching() {
        if (headroom != null) {
            exec.removeObserver(headroom);
        }
    }

    boolean executed() {
        return exec != null;
    }

    NonFiniteOp firstNonFinite() {
        return exec == null ? null : exec.firstNonFinite().orElse(null);
    }

    HeadroomReport headroom() {
        return headroom == null ? null : headroom.report();
    }

    @Override
    public void close() {
        if (exec != null) {
            exec.close();
        }
    }
}
