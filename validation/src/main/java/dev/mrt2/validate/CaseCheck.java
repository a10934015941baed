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
}
