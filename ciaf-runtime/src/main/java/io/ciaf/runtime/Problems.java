package io.ciaf.runtime;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CIAF's own problems, reported once each to stderr and never thrown into the host application. The
 * stream is replaceable for tests.
 */
final class Problems {

    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
    static volatile PrintStream out = System.err;

    private Problems() {
    }

    /** Prints {@code message} the first time {@code kind} is reported; later reports of that kind are counted only. */
    static void report(String kind, String message) {
        if (REPORTED.add(kind)) {
            try {
                out.println("[ciaf] " + message + " (reported once)");
            } catch (RuntimeException ignored) {
                // stderr itself is broken: nothing left to tell
            }
        }
    }

    static void report(String kind, String message, Throwable cause) {
        report(kind, message + ": " + cause);
    }

    static void resetForTests() {
        REPORTED.clear();
    }
}
