package dev.mrt2.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.mrt2.mil.exec.Accelerators;
import dev.mrt2.mil.exec.ExecutorBackend;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The accelerator is found by name, honours the off switch, and keeps native chatter off stderr. */
class DjlAcceleratorTest {
    private static boolean linuxX64() {
        return System.getProperty("os.name").toLowerCase().contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    }

    @Test
    void loadsOnLinuxX64UnlessNativeCodeIsOff() {
        if (Accelerators.disabled()) {
            assertNull(Accelerators.find());
            assertTrue(Accelerators.unavailableReason().contains("off"), Accelerators.unavailableReason());
            assertEquals(ExecutorBackend.JAVA, ExecutorBackend.auto());
            assertFalse(ExecutorBackend.DJL.available());
        } else if (linuxX64() && Accelerators.find() == null) {
            // loaded, but its convolutions disagreed with the JVM kernels on this CPU (NativeSelfCheck): refused
            assertTrue(Accelerators.unavailableReason().contains("djl-pytorch: its convolutions disagree with the JVM"
                    + " kernels on this CPU"), () -> "accelerator did not load: " + Accelerators.unavailableReason());
            assertEquals(ExecutorBackend.JAVA, ExecutorBackend.auto());
        } else if (linuxX64()) {
            assertEquals("djl-pytorch", Accelerators.find().name());
            assertEquals(ExecutorBackend.DJL, ExecutorBackend.auto());
        }
    }

    /** PyTorch's own conv path (which asks NNPACK first) is never taken: those sizes stay on the JVM. */
    @Test
    void onlyConvolutionsPyTorchGivesToOneDnnRunNatively() {
        assertFalse(DjlKernels.onednn(1, 1_000_000, 1, new int[] {1, 1}), "1x1 kernel");
        assertFalse(DjlKernels.onednn(1, 20480, 1, new int[] {3, 3}), "small batch-1 input, 3x3");
        assertFalse(DjlKernels.onednn(1, 6400, 1, new int[] {3}), "small conv1d");
        assertTrue(DjlKernels.onednn(1, 20481, 1, new int[] {3, 3}), "large input");
        assertTrue(DjlKernels.onednn(1, 100, 2, new int[] {3, 3}), "groups");
        assertTrue(DjlKernels.onednn(2, 100, 1, new int[] {3, 3}), "batch 2");
        assertTrue(DjlKernels.onednn(1, 100, 1, new int[] {4, 4}), "kernel over 3x3");
        assertTrue(DjlKernels.onednn(1, 100, 1, new int[] {1, 1, 1}), "3-D");
    }

    /**
     * A separate JVM runs small and large convolutions, transposed ones and linears on the native backend: its stderr
     * (native writes included, which no Java stream redirection catches) must stay empty.
     */
    @Test
    void nativeRunsWriteNothingOnStderr() throws IOException, InterruptedException {
        assumeFalse(Accelerators.disabled(), "native code is off");
        assumeFalse(!linuxX64(), "no native library for this platform");
        assumeFalse(Accelerators.find() == null, "the accelerator is refused here: " + Accelerators.unavailableReason());
        File err = File.createTempFile("djl-stderr", ".txt");
        err.deleteOnExit();
        Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), QuietRun.class.getName())
                .redirectError(err).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        String stderr = java.nio.file.Files.readString(err.toPath(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stderr);
        assertEquals("", stderr, "stderr of a native run");
    }
}
