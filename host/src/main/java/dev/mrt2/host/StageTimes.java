package dev.mrt2.host;

import java.util.Map;
import java.util.TreeMap;

/** Wall time per pipeline stage, for the real-time factor and the benchmark. Not thread-safe: one loop, one owner. */
public final class StageTimes {
    public static final String TEMPORAL = "temporal";
    public static final String ROLLOUT = "rollout";
    public static final String GATHER = "gather";
    public static final String DECODER = "decoder";
    public static final String ISTFT = "istft";

    private final Map<String, Long> nanos = new TreeMap<>();
    private final Map<String, Integer> calls = new TreeMap<>();

    /** Adds the time since {@code startNanos} (a {@link System#nanoTime()} reading) to {@code stage}. */
    public void add(String stage, long startNanos) {
        nanos.merge(stage, System.nanoTime() - startNanos, Long::sum);
        calls.merge(stage, 1, Integer::sum);
    }

    /** Adds every stage of {@code other} (kept by another thread, now finished with it) to these. */
    public void addAll(StageTimes other) {
        other.nanos.forEach((k, v) -> nanos.merge(k, v, Long::sum));
        other.calls.forEach((k, v) -> calls.merge(k, v, Integer::sum));
    }

    public double seconds(String stage) {
        return nanos.getOrDefault(stage, 0L) / 1e9;
    }

    public int calls(String stage) {
        return calls.getOrDefault(stage, 0);
    }

    /** Seconds per stage, sorted by name. */
    public Map<String, Double> secondsByStage() {
        Map<String, Double> out = new TreeMap<>();
        nanos.forEach((k, v) -> out.put(k, v / 1e9));
        return out;
    }

    public double totalSeconds() {
        return nanos.values().stream().mapToLong(Long::longValue).sum() / 1e9;
    }
}
