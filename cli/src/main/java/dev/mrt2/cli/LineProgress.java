package dev.mrt2.cli;

import dev.mrt2.io.Progress;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@link Progress} as plain stderr lines: one when a task starts, then at most one every few seconds with the count
 * and the task's note, and one when it ends. A stand-in until the terminal progress bar replaces it.
 */
final class LineProgress implements Progress {
    private static final long INTERVAL_NANOS = 5_000_000_000L;

    private final Consumer<String> lines;

    LineProgress(Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    public Task start(String name, long total, String unit) {
        lines.accept(name + ": " + (total > 0 ? total + " " : "") + unit);
        return new Task() {
            private long done;
            private String note = "";
            private long last = System.nanoTime();

            @Override
            public synchronized void advance(long units) {
                done += units;
                long now = System.nanoTime();
                if (now - last >= INTERVAL_NANOS) {
                    last = now;
                    lines.accept(line());
                }
            }

            @Override
            public synchronized void note(String text) {
                note = text;
            }

            @Override
            public synchronized void close() {
                lines.accept(line());
            }

            private String line() {
                String count = total > 0 ? String.format(Locale.ROOT, "%d/%d %s", done, total, unit)
                        : done + " " + unit;
                return name + ": " + count + (note.isEmpty() ? "" : " (" + note + ")");
            }
        };
    }
}
