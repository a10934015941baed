package dev.mrt2.cli;

import dev.mrt2.io.Progress;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress as plain lines, for a stderr that is a file or a pipe (a CI log): no carriage returns, at most one line
 * every {@link #EVERY_NANOS}, each with the count, the percentage and the time left, and a last line with the time
 * taken. Work shorter than that prints nothing, so quick runs stay quiet.
 */
final class ProgressLines implements Progress {
    static final long EVERY_NANOS = 5_000_000_000L;

    private final Consumer<String> out;
    private final LongSupplier clock;

    ProgressLines(Consumer<String> out, LongSupplier nanoClock) {
        this.out = out;
        this.clock = nanoClock;
    }

    @Override
    public Task start(String name, long total, String unit) {
        return new LineTask(name, total, unit);
    }

    private final class LineTask implements Task {
        private final String name;
        private final long total;
        private final String unit;
        private final long started = clock.getAsLong();
        private long done;
        private long lastLine = started;
        private boolean printed;
        private String note = "";

        LineTask(String name, long total, String unit) {
            this.name = name;
            this.total = total;
            this.unit = unit;
        }

        @Override
        public synchronized void advance(long units) {
            done += units;
            long now = clock.getAsLong();
            if (now - lastLine >= EVERY_NANOS) {
                lastLine = now;
                printed = true;
                out.accept(line(now));
            }
        }

        @Override
        public synchronized void note(String text) {
            note = text == null ? "" : text;
        }

        @Override
        public synchronized void close() {
            if (printed) {
                out.accept(String.format(Locale.ROOT, "%s: %d %s in %s", name, done, unit,
                        duration(clock.getAsLong() - started)));
            }
        }

        private String line(long now) {
            StringBuilder s = new StringBuilder(name).append(": ").append(done);
            if (total > 0) {
                s.append('/').append(total).append(' ').append(unit);
                s.append(String.format(Locale.ROOT, " (%d%%)", Math.min(100, done * 100 / total)));
                if (done > 0 && done < total) {
                    long left = (now - started) * (total - done) / done;
                    s.append(", about ").append(duration(left)).append(" left");
                }
            } else {
                s.append(' ').append(unit);
            }
            if (!note.isEmpty()) {
                s.append(", ").append(note);
            }
            return s.toString();
        }
    }

    /** "7 s", "2 min 05 s". */
    static String duration(long nanos) {
        long seconds = Math.round(nanos / 1e9);
        return seconds < 60 ? seconds + " s" : String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }
}
