package dev.mrt2.cli;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * stdout's writer, remembering whether a command printed anything on it: with {@code --json} a failure then adds an
 * error document only when stdout is still empty, so stdout always carries exactly one JSON document.
 */
final class StdoutTracker extends PrintWriter {
    private volatile boolean used;

    StdoutTracker(Writer out) {
        super(out, true);
    }

    boolean used() {
        return used;
    }

    @Override
    public void write(int c) {
        used = true;
        super.write(c);
    }

    @Override
    public void write(char[] buf, int off, int len) {
        used = true;
        super.write(buf, off, len);
    }

    @Override
    public void write(String s, int off, int len) {
        used = true;
        super.write(s, off, len);
    }
}
