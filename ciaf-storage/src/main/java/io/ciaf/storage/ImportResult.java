package io.ciaf.storage;

import io.ciaf.api.StorageProblem;
import java.util.List;

/**
 * What {@link MetadataStorage#importFrom} or {@link MetadataStorage#restore} did.
 *
 * @param imported records newly stored
 * @param alreadyPresent records skipped because a record with the same id and hash was already stored
 * @param problems records not imported, each with its place in the file and the reason (bad JSON, hash
 *     mismatch, an id already stored with different content)
 */
public record ImportResult(long imported, long alreadyPresent, List<StorageProblem> problems) {

    /** Copies the problem list. */
    public ImportResult {
        problems = List.copyOf(problems);
    }

    @Override
    public String toString() {
        return "imported " + imported + ", already present " + alreadyPresent + ", problems " + problems.size();
    }
}
