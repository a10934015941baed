package dev.mrt2.cli;

import dev.mrt2.io.Progress;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress drawn as a bar on a terminal, by me.tongfei:progressbar (bar, percent, done/total, elapsed and ETA, rate;
 * redrawn on its own thread). ASCII style and a plain carriage return: no escape codes, so it also reads right in a
 * terminal without ANSI support. A log line printed meanwhile first clears the bar's line ({@link #println}); the
 * bar redraws below it on its next tick.
 */
final class ProgressBars implements Progress {
    private static final int REDRAW_MILLIS = 200;

    private final PrintWriter err;
    private final int width;
    private final Set<ProgressBar> active = ConcurrentHashMap.newKeySet();

    ProgressBars(PrintWriter err, int width) {
        this.err = err;
        this.width = Math.max(40, width - 1);   // the last column would wrap on some terminals
    }

    @Override
    public Task start(String name, long total, String unit) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(total > 0 ? total : -1)   // -1: indefinite, no ETA
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(REDRAW_MILLIS)
                .continuousUpdate()
                .setConsumer(new Line())
                .build();
        active.add(bar);
        return new Task() {
            @Override
            public void advance(long units) {
                bar.stepBy(units);
            }

            @Override
            public void note(String text) {
                bar.setExtraMessage(text);
            }

            @Override
            public void close() {
                if (active.remove(bar)) {
                    bar.close();
                }
            }
        };
    }

    /**
     * Prints a log line, first blanking the bar's line if a bar is drawn; both under the lock the bars draw with, so a
     * redraw can never land between the blanking and the line (the line would then follow the bar's text).
     */
    void println(String line) {
        synchronized (err) {
            if (!active.isEmpty()) {
                err.print("\r" + " ".repeat(width) + "\r");
            }
            err.println(line);
            err.flush();
        }
    }

    /** Where the library's rendered bar goes: back to the start of the line, then the bar, cut to the width. */
    private final class Line implements ProgressBarConsumer {
        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public void accept(String rendered) {
            String text = rendered.length() > width ? rendered.substring(0, width) : rendered;
            synchronized (err) {
                err.print("\r" + text);
                err.flush();
            }
        }

        @Override
        public void close() {
            synchronized (err) {
                err.println();
                err.flush();
            }
        }
    }
}
