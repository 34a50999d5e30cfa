package io.ciaf.cli;

import java.io.PrintStream;
import java.util.function.LongConsumer;

/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
final class Progress implements LongConsumer, AutoCloseable {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final boolean enabled;
    private boolean drawn;

    Progress(Console console, String label, long total) {
        this.err = console.err();
        this.label = label;
        this.total = Math.max(1, total);
        this.enabled = console.stderrTerminal();
    }

    @Override
    public void accept(long done) {
        if (!enabled) {
            return;
        }
        int filled = (int) Math.min(WIDTH, done * WIDTH / total);
        err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + Math.min(100, done * 100 / total) + "% " + done + "/" + total);
        err.flush();
        drawn = true;
    }

    /** Clears the bar so the result line starts clean. */
    @Override
    public void close() {
        if (drawn) {
            err.print("\r" + " ".repeat(label.length() + WIDTH + 40) + "\r");
            err.flush();
        }
    }
}
