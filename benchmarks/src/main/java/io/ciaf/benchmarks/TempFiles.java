package io.ciaf.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes what a benchmark trial wrote. */
final class TempFiles {

    private TempFiles() {
    }

    /** Deletes {@code dir} and everything under it; nothing if it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Deletes a CIAF home a benchmark is about to create again, so that no figure depends on the runs before it
     * (a ledger had grown to 7.5 GB over a day of runs). Only a home under {@code target/} is touched: a
     * {@code -Dciaf.home} pointing at real records is refused, not emptied.
     */
    static void emptyHome(Path home) throws IOException {
        if (!home.normalize().startsWith("target") || home.isAbsolute()) {
            throw new IllegalArgumentException("refusing to empty the CIAF home " + home + ": benchmarks only empty"
                    + " homes under target/ (run from the repository root with -Dciaf.home=target/…)");
        }
        deleteTree(home);
    }

    /** {@link #emptyHome} of this JVM's {@code -Dciaf.home}, if it has one. */
    static void emptyCiafHome() throws IOException {
        String home = System.getProperty("ciaf.home");
        if (home != null) {
            emptyHome(Path.of(home));
        }
    }
}
