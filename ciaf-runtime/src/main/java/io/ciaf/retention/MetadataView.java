package io.ciaf.retention;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.ciaf.ledger.LedgerEntry;
import io.ciaf.storage.MetadataStorage;

/** Takes erased METADATA records out of the metadata backend too, which otherwise still holds a copy. */
final class MetadataView {

    private MetadataView() {
    }

    /** The record id a METADATA entry carries, or null. */
    static UUID recordId(LedgerEntry e) {
        if (!"METADATA".equals(e.type())) {
            return null;
        }
        Map<?, ?> p = e.payloadFields();
        try {
            return p.get("id") instanceof String s ? UUID.fromString(s) : null;
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /**
     * Erases {@code ids} from {@code storage}.
     *
     * @return problems to report (empty when the view holds no copy any more)
     */
    static List<String> erase(MetadataStorage storage, Collection<UUID> ids) {
        List<String> problems = new ArrayList<>();
        if (storage == null || ids.isEmpty()) {
            return problems;
        }
        try {
            storage.erase(ids);
        } catch (UnsupportedOperationException e) {
            problems.add(e.getMessage() + ": " + ids.size() + " erased records still have a copy in "
                    + storage.directory() + " (use the sqlite backend, or remove that store and rebuild it)");
        }
        return problems;
    }
}
