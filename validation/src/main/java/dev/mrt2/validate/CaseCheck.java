package dev.mrt2.validate;

/**
 * One kind of comparison: the packages it applies to, the reference case it needs, and how it runs and gates. It
 * never knows which source offered the case; receipts name that from the case's {@link Origin}. {@link Checks}
 * lists them all, so a new kind of check is one class and one line there.
 */
interface CaseCheck {
    /** Short name for coverage lines and receipts, e.g. {@code temporal stream}. */
    String name();

    boolean appliesTo(PackageInfo info);

    /** The case this check needs for {@code info}, so a checkpoint computes only what the run can use. */
    Demand needs(PackageInfo info);

    /** Covered when {@code ref} holds a case this package can run; otherwise which fixture would cover it, and why. */
    Coverage coverage(ReferenceSet ref, PackageInfo info);

    /** Runs the package on the case and writes figures, comparison rows and gates. Only called when covered. */
    void run(PackageRun run, ReferenceSet ref, Findings out);

    /**
     * The runs of temporal package {@code temporal} (one of the folder's {@code temporalPackages}) that this check
     * composes with when it runs, covered, on a package it applies to; the temporal package computes them while it
     * is loaded ({@link TemporalRuns}). None by default.
     */
    default java.util.List<TemporalRuns.Sequence> compositions(ReferenceSet ref, PackageInfo temporal,
                                                               java.util.List<PackageInfo> temporalPackages) {
        return java.util.List.of();
    }
}
