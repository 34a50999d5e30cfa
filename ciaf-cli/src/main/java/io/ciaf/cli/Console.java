package io.ciaf.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command talks to: its streams, its environment, and whether stderr is a terminal (for progress
 * bars). Tests pass their own.
 */
record Console(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean stderrTerminal) {

    /** Exit codes, documented in docs/cli.md. */
    static final int OK = 0;
    static final int TAMPERED = 1;
    static final int BAD_INPUT = 2;
    static final int FAILED = 3;

    /**
     * The {@code ./ciaf} launcher tells us with {@code -Dciaf.stderr.tty} (bash can test stderr; Java
     * cannot); run directly, a console on stdin and stdout is the best guess.
     */
    static boolean stderrIsTerminal() {
        String told = System.getProperty("ciaf.stderr.tty");
        return told != null ? Boolean.parseBoolean(told) : System.console() != null;
    }

    /** {@code --home}, else {@code $CIAF_HOME}, else {@code ./ciaf-data}. */
    Path home(Path option) {
        if (option != null) {
            return option;
        }
        String fromEnv = env.get("CIAF_HOME");
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : Path.of("ciaf-data");
    }
}
