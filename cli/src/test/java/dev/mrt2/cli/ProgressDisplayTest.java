package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Long work on stderr: a bar with an ETA on a terminal, a plain line every few seconds in a log, nothing when short. */
class ProgressDisplayTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void plainLinesCarryCountPercentAndTimeLeftAtMostEveryFiveSeconds() {
        AtomicLong clock = new AtomicLong();
        List<String> lines = new ArrayList<>();
        try (Progress.Task task = new ProgressLines(lines::add, clock::get).start("convert", 100, "MB")) {
            task.advance(10);
            clock.set(3 * SECOND);
            task.advance(10);
            assertEquals(List.of(), lines, "nothing before five seconds");
            clock.set(6 * SECOND);
            task.note("depth");
            task.advance(10);
            clock.set(7 * SECOND);
            task.advance(10);
            clock.set(12 * SECOND);
            task.advance(60);
        }
        assertEquals(List.of("convert: 30/100 MB (30%), about 14 s left, depth", "convert: 100/100 MB (100%), depth",
                "convert: 100 MB in 12 s"), lines);
    }

    @Test
    void shortWorkPrintsNoLineAtAll() {
        AtomicLong clock = new AtomicLong();
        List<String> lines = new ArrayList<>();
        try (Progress.Task task = new ProgressLines(lines::add, clock::get).start("check", 3, "MB")) {
            clock.set(SECOND);
            task.advance(3);
        }
        assertEquals(List.of(), lines);
    }

    @Test
    void durationsReadAsMinutesAndSeconds() {
        assertEquals("7 s", ProgressLines.duration(7 * SECOND));
        assertEquals("2 min 05 s", ProgressLines.duration(125 * SECOND));
    }

    /** The library draws the bar on its own thread; we give it a line to draw on and check what it drew. */
    @Test
    void aTerminalGetsABarWithPercentCountAndEtaWithoutEscapeCodes() throws InterruptedException {
        StringWriter text = new StringWriter();
        ProgressBars bars = new ProgressBars(new PrintWriter(text, true), 100);
        try (Progress.Task task = bars.start("convert", 10, "MB")) {
            task.advance(4);
            task.note("depth");
            Thread.sleep(600);   // a few redraws
        }
        String drawn = text.toString();
        assertTrue(drawn.contains("\r"), "redrawn in place: " + drawn);
        String last = drawn.substring(drawn.lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("convert"), last);
        assertTrue(last.contains("40%") && last.contains("4/10 MB") && last.contains("depth"), last);
        assertTrue(last.matches("(?s).*\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\).*"), "elapsed / ETA: " + last);
        assertFalse(drawn.contains("\u001b"), "no escape codes");
        assertTrue(drawn.endsWith(System.lineSeparator()), "the finished bar keeps its line");
    }

    @Test
    void aLogLineClearsTheBarFirst() {
        StringWriter text = new StringWriter();
        ProgressBars bars = new ProgressBars(new PrintWriter(text, true), 60);
        try (Progress.Task task = bars.start("check", 5, "MB")) {
            bars.println("reference: hashing");
            // the bar redraws on its own thread, so only the blanking right before the line is certain
            assertTrue(text.toString().contains("\r" + " ".repeat(59) + "\r" + "reference: hashing"
                    + System.lineSeparator()), text.toString());
        }
    }
}
