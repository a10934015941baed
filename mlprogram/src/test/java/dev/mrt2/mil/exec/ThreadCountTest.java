package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.OpHarness.s;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/**
 * The JVM kernels split work into fixed blocks, so the result does not depend on how many threads run them: the same
 * program on the kernel team (called from a plain thread) and in fork/join pools of 1, 2, 3 and 7 workers gives the
 * same bits, and the same bits as the oracle; so does {@link KernelThreads#alone}, which keeps every chunk on the
 * calling thread.
 */
class ThreadCountTest {
    @Test
    void resultsDoNotDependOnTheThreadCount() throws Exception {
        SplittableRandom rng = new SplittableRandom(5);
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 1, 24, 9, 70);
        Var row = h.in("row", DataType.FLOAT32, 1, 3, 700);
        Var c = h.b.conv("c", x, h.f32("w", s(40, 24, 3, 3), Arrays2.random(rng, 40 * 24 * 9, 0.3)), null,
                new int[] {1, 1}, new int[] {2, 0, 1, 1}, new int[] {1, 1}, 1);
        Var t = h.b.convTranspose("t", c, h.f32("wt", s(40, 20, 3, 4), Arrays2.random(rng, 40 * 20 * 12, 0.3)), null,
                new int[] {1, 2}, new int[] {0, 2, 1, 1}, 1);
        Var l = h.b.linear("l", row, h.f32("wl", s(1300, 700), Arrays2.random(rng, 1300 * 700, 0.1)), null);
        Model model = h.model(t, l);
        Map<String, NdArray> inputs = Arrays2.inputs(
                "x", NdArray.f32(new int[] {1, 24, 9, 70}, Arrays2.random(rng, 24 * 9 * 70, 1)),
                "row", NdArray.f32(new int[] {1, 3, 700}, Arrays2.random(rng, 3 * 700, 1)));
        Map<String, NdArray> want = run(model, ExecutorBackend.SCALAR, inputs, 1);
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "team", ExecutorBackend.JAVA)) {
            Map<String, NdArray> got = e.predict(inputs);
            for (String name : want.keySet()) {
                FastPathTest.assertBitEqual(want.get(name).floats(), got.get(name).floats(),
                        name + " on JAVA with the kernel team vs SCALAR");
            }
        }
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "alone", ExecutorBackend.JAVA)) {
            Map<String, NdArray> got = KernelThreads.alone(() -> e.predict(inputs));
            for (String name : want.keySet()) {
                FastPathTest.assertBitEqual(want.get(name).floats(), got.get(name).floats(),
                        name + " on JAVA alone on the calling thread vs SCALAR");
            }
        }
        for (int threads : new int[] {1, 2, 3, 7}) {
            Map<String, NdArray> got = run(model, ExecutorBackend.JAVA, inputs, threads);
            for (String name : want.keySet()) {
                FastPathTest.assertBitEqual(want.get(name).floats(), got.get(name).floats(),
                        name + " on JAVA with " + threads + " threads vs SCALAR");
            }
        }
    }

    @Test
    void insideAloneEveryChunkRunsOnTheCallingThreadAndNestingUnwinds() {
        Thread caller = Thread.currentThread();
        java.util.Set<Thread> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
        KernelThreads.alone(() -> {
            KernelThreads.alone(() -> Parallel.range(64, 1, (from, to) -> ran.add(Thread.currentThread())));
            org.junit.jupiter.api.Assertions.assertTrue(KernelThreads.isAlone(), "still alone after the inner block");
            Parallel.range(64, 1, (from, to) -> ran.add(Thread.currentThread()));
        });
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of(caller), ran);
        org.junit.jupiter.api.Assertions.assertFalse(KernelThreads.isAlone());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> KernelThreads.alone(() -> {
            throw new IllegalStateException("body failed");
        }));
        org.junit.jupiter.api.Assertions.assertFalse(KernelThreads.isAlone(), "a failing body unwinds too");
    }

    private static Map<String, NdArray> run(Model model, ExecutorBackend backend, Map<String, NdArray> inputs,
                                            int threads) throws Exception {
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            return pool.submit(() -> {
                try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "threads", backend)) {
                    return e.predict(inputs);
                }
            }).get();
        } finally {
            pool.shutdown();
        }
    }
}
