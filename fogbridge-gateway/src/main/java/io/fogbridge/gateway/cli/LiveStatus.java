package io.fogbridge.gateway.cli;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The status a long-running command keeps up to date ({@code fogbridge demo}).
 *
 * <p>On a terminal it redraws a small block in place, so what was printed above it (the demo's instructions) stays
 * on screen: each update goes back to the block's first line (carriage return, cursor up), clears to the end of the
 * screen and writes the new lines, each cut to the terminal's width (a wrapped line would break the cursor-up count).
 * Anywhere else (a pipe, a file, a CI log) escape codes would be noise, so it prints the lines joined into one plain
 * line, at most one per interval.
 *
 * <p>Thread-safe: {@link #finish} may come from a shutdown hook (Ctrl-C) while the command's thread updates.
 */
public final class LiveStatus {

    private static final String CLEAR_TO_END_OF_SCREEN = "\033[J";

    private final PrintStream out;
    private final boolean terminal;
    private final int width;
    private final long plainIntervalNanos;
    private final LongSupplier nanoTime;
    private int drawnLines;
    private long lastPlainLine;
    private boolean printedPlain;
    private boolean finished;

    /**
     * @param terminal      whether {@code out} is a terminal (see {@link #stdoutIsTerminal()})
     * @param width         the terminal's columns; lines are cut to one less
     * @param plainInterval the least time between two plain lines
     * @param nanoTime      the clock of the interval ({@code System::nanoTime})
     */
    public LiveStatus(PrintStream out, boolean terminal, int width, Duration plainInterval, LongSupplier nanoTime) {
        this.out = out;
        this.terminal = terminal;
        this.width = Math.max(20, width);
        this.plainIntervalNanos = plainInterval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** On {@code System.out}: redraws when it is a terminal, else a plain line every {@code plainInterval}. */
    public static LiveStatus onStdout(Duration plainInterval) {
        return new LiveStatus(System.out, stdoutIsTerminal(), columns(), plainInterval, System::nanoTime);
    }

    /**
     * Whether standard output is an interactive terminal. On Java 21 {@link System#console()} exists only then; from
     * Java 22 it may exist for redirected output too, and {@code Console.isTerminal()} (looked up reflectively, so this
     * still compiles and runs on 21) tells. {@code TERM=dumb} (an editor's shell buffer) cannot redraw.
     */
    public static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // Java 21: no isTerminal(), and a console means a terminal
        }
    }

    /** {@code COLUMNS} when the shell exports it, else 80. */
    private static int columns() {
        try {
            String columns = System.getenv("COLUMNS");
            return columns == null ? 80 : Integer.parseInt(columns.strip());
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    public boolean terminal() {
        return terminal;
    }

    /** Shows {@code lines} as the current status (redrawn now on a terminal; else printed if the interval passed). */
    public synchronized void show(List<String> lines) {
        if (finished || lines.isEmpty()) {
            return;
        }
        if (!terminal) {
            long now = nanoTime.getAsLong();
            if (!printedPlain || now - lastPlainLine >= plainIntervalNanos) {
                out.println(String.join(" | ", lines));
                out.flush();
                printedPlain = true;
                lastPlainLine = now;
            }
            return;
        }
        StringBuilder frame = new StringBuilder("\r");
        if (drawnLines > 1) {
            frame.append("\033[").append(drawnLines - 1).append('A');
        }
        frame.append(CLEAR_TO_END_OF_SCREEN);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            frame.append(i == 0 ? "" : "\n").append(line.length() < width ? line : line.substring(0, width - 1));
        }
        out.print(frame);
        out.flush();
        drawnLines = lines.size();
    }

    /** Ends the status: on a terminal, moves below the block so what follows starts on a line of its own. */
    public synchronized void finish() {
        if (!finished && terminal && drawnLines > 0) {
            out.println();
            out.flush();
        }
        finished = true;
    }
}
