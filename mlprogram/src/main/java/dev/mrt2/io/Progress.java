package dev.mrt2.io;

/**
 * How far long work has got (steps of a validation, frames of a render, packages of a conversion). The CLI draws a
 * bar with an ETA when stderr is a terminal and prints plain lines otherwise; library code only reports.
 * Implementations are thread-safe: pieces that run side by side may report into one task.
 */
public interface Progress {
    /** Reports nothing: for tests and for callers that do not show progress. */
    Progress NONE = (name, total, unit) -> Task.NONE;

    /**
     * Starts a task of {@code total} units ({@code unit} names them for people: "steps", "frames", "MB");
     * {@code total} may be 0 when unknown. Close the task when it ends, failed or not.
     */
    Task start(String name, long total, String unit);

    /** One task's counter. */
    interface Task extends AutoCloseable {
        Task NONE = new Task() {
            @Override
            public void advance(long units) {}

            @Override
            public void note(String text) {}

            @Override
            public void close() {}
        };

        /** Adds {@code units} done. */
        void advance(long units);

        /** A short status shown beside the bar (e.g. "x0.52 real time"); replaces the previous note. */
        void note(String text);

        @Override
        void close();
    }
}
