package io.ciaf.api.spi;

import io.ciaf.api.MetadataRecord;
import java.util.List;

/**
 * Checks the records of one pipeline stage before they are stored, e.g. that a validation record reports an
 * accuracy of at least 0.8. Registered per stage. Implementations must be thread-safe and should not block.
 *
 * <p>A record that fails is still stored with its errors attached, unless the storage is strict, in which
 * case the save is refused with every error listed. A validator that throws counts as a failed validation
 * whose error names the validator and the exception.
 */
@FunctionalInterface
public interface MetadataValidator {

    /**
     * The problems found in {@code record}, each a sentence naming the key it concerns; empty if none.
     */
    List<String> validate(MetadataRecord record);
}
