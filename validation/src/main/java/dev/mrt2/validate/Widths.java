package dev.mrt2.validate;

/**
 * Whether a case's rows fit a package's inputs: a fixture made for another model size covers nothing, and says so
 * instead of failing inside the executor.
 */
final class Widths {
    private Widths() {}

    /** A temporal package against a case with D-wide temporal inputs and S-wide sources. */
    static Coverage temporal(String check, String fixture, PackageInfo info, int d, int s) {
        int pd = info.inputWidth(StatefulStepper.INPUT);
        int ps = info.inputWidth(StatefulStepper.SOURCE);
        if (pd != d || ps != s) {
            return Coverage.missing(check, fixture, fixture + " has temporal_inputs of width " + d + " and "
                    + "source_encoded of width " + s + "; the package takes " + pd + " and " + ps
                    + " (fixtures for another model size)");
        }
        return Coverage.covered(check, fixture);
    }

    /** One input against a row width. */
    static Coverage input(String check, String fixture, PackageInfo info, String input, int width) {
        int w = info.inputWidth(input);
        if (w != width) {
            return Coverage.missing(check, fixture, fixture + " has rows of width " + width + "; the package's "
                    + input + " takes " + w + " (fixtures for another model size)");
        }
        return Coverage.covered(check, fixture);
    }
}
