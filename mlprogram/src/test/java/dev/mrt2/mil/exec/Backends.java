package dev.mrt2.mil.exec;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The backends a test can run here: SCALAR and JAVA always, DJL where the native accelerator is on the class path and
 * loads (these tests run again in djl-accelerator for that) and native code is not switched off.
 */
final class Backends {
    private Backends() {}

    static Stream<ExecutorBackend> available() {
        return Arrays.stream(ExecutorBackend.values()).filter(ExecutorBackend::available);
    }

    /** The backends checked against the oracle. */
    static List<ExecutorBackend> fast() {
        return available().filter(b -> b != ExecutorBackend.SCALAR).toList();
    }
}
