package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;

/**
 * Whether a case's rows fit a package's inputs: a fixture made for another model size covers nothing, and says so
 * instead of failing inside the executor. But when the reference names the checkpoint the package was converted from,
 * the two describe one model, so a width that differs is a damaged file: that stops the run (a bad input) rather
 * than passing as "another model size".
 */
final class Widths {
    private Widths() {}

    /** A temporal package against a case with D-wide temporal inputs and S-wide sources. */
    static Coverage temporal(ReferenceSet ref, String check, String fixture, PackageInfo info, int d, int s) {
        int pd = info.inputWidth(StatefulStepper.INPUT);
        int ps = info.inputWidth(StatefulStepper.SOURCE);
        if (pd != d || ps != s) {
            requireOtherModel(ref, info, fixture, pd != d ? "temporal_inputs" : "source_encoded", pd != d ? d : s,
                    pd != d ? StatefulStepper.INPUT : StatefulStepper.SOURCE, pd != d ? pd : ps);
            return Coverage.missing(check, fixture, fixture + " has temporal_inputs of width " + d + " and "
                    + "source_encoded of width " + s + "; the package takes " + pd + " and " + ps
                    + " (fixtures for another model size)");
        }
        return Coverage.covered(check, fixture);
    }

    /** One input against the rows of {@code member}, {@code width} wide. */
    static Coverage input(ReferenceSet ref, String check, String fixture, String member, PackageInfo info,
                          String input, int width) {
        int w = info.inputWidth(input);
        if (w != width) {
            requireOtherModel(ref, info, fixture, member, width, input, w);
            return Coverage.missing(check, fixture, fixture + " has rows of width " + width + "; the package's "
                    + input + " takes " + w + " (fixtures for another model size)");
        }
        return Coverage.covered(check, fixture);
    }

    /**
     * Fails when the reference and the package name the same checkpoint: then {@code member} of {@code fixture},
     * {@code width} wide where the package's {@code input} takes {@code packageWidth}, cannot be another model's.
     */
    static void requireOtherModel(ReferenceSet ref, PackageInfo info, String fixture, String member, int width,
                                  String input, int packageWidth) {
        String sha = ref.checkpointSha256();
        if (sha != null && sha.equals(info.sourceSha256())) {
            throw new BadInputException(fixture + ": member '" + member + "' is " + width + " wide, but "
                    + info.artifact() + "'s " + input + " takes " + packageWidth + " and both were made from "
                    + "checkpoint sha256 " + sha + ": the fixture file (or the package) is damaged");
        }
    }
}
