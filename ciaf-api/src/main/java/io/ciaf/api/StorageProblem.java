package io.ciaf.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Something wrong found in stored data that did not stop the rest from loading: a torn last line left by a
 * crash mid-write, a line that is not valid JSON, a record whose metadata no longer matches its hash.
 *
 * @param file the file it is in
 * @param line the 1-based line (or frame) number in that file, or 0 when it concerns the whole file
 * @param problem what is wrong, in a sentence
 */
public record StorageProblem(Path file, long line, String problem) {

    /** Checks that file and problem are given. */
    public StorageProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(problem, "problem");
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + problem;
    }
}
