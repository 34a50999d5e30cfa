package io.ciaf.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.ciaf.anchor.LedgerRecords;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;
import io.ciaf.storage.MetadataStorage;
import io.ciaf.storage.internal.RecordJson;

/**
 * Puts back into the metadata backend the records a killed session had committed to the ledger but not yet
 * saved there (the backend thread gathers up to 200 ms of them). The backend is written in ledger order, so
 * the missing ones are the session's last records: the ledger is read backwards, a chunk at a time, from its
 * end down to the first of the session's records the backend has, or to the session's start. The listeners
 * (webhooks) hear of them too, as they would have after the save.
 */
final class BackendCatchUp {

    private static final int CHUNK = 4096;
    /**
     * At most this many records are put back at a start: it runs before the new session's first commit, and
     * an application whose queue fills meanwhile would wait. More missing means the backend failed for long
     * (a full disk, say): that is said, and {@code ciaf rebuild} is the remedy.
     */
    static final int MAX_RESTORED = 50_000;

    private BackendCatchUp() {
    }

    /** Never throws: a problem is reported, and {@code ciaf rebuild} remains the remedy. */
    static int restore(AuditLedger ledger, MetadataStorage storage, String lostSession, long sessionStart,
            Listeners listeners) {
        return restore(ledger, storage, lostSession, sessionStart, listeners, MAX_RESTORED);
    }

    static int restore(AuditLedger ledger, MetadataStorage storage, String lostSession, long sessionStart,
            Listeners listeners, int limit) {
        try {
            String member = "\"session\":" + CanonicalJson.quote(lostSession);
            long first = Math.max(0, sessionStart);
            List<List<MetadataRecord>> newestFirst = new ArrayList<>();
            int found = 0;
            boolean more = false;
            for (long to = ledger.size() - 1; to >= first; to -= CHUNK) {
                if (found >= limit) {
                    more = true;
                    break;
                }
                long from = Math.max(first, to - CHUNK + 1);
                List<MetadataRecord> chunk = new ArrayList<>();
                ledger.scan(from, to, e -> {
                    if ("METADATA".equals(e.type()) && e.payload().filter(t -> t.contains(member)).isPresent()) {
                        chunk.add(record(e));
                    }
                });
                if (chunk.isEmpty()) {
                    continue;
                }
                if (!has(storage, chunk.get(0))) {
                    newestFirst.add(chunk);
                    found += chunk.size();
                    continue;
                }
                // The backend has this chunk's oldest: the first missing one is found by halving, a few
                // lookups rather than one per record (the file backends read a day file per lookup).
                int present = 0;
                int missing = chunk.size();
                while (missing - present > 1) {
                    int mid = (present + missing) >>> 1;
                    if (has(storage, chunk.get(mid))) {
                        present = mid;
                    } else {
                        missing = mid;
                    }
                }
                newestFirst.add(chunk.subList(missing, chunk.size()));
                break;
            }
            List<MetadataRecord> restored = new ArrayList<>();
            for (int i = newestFirst.size() - 1; i >= 0; i--) {
                restored.addAll(newestFirst.get(i));
            }
            if (restored.isEmpty()) {
                return 0;
            }
            storage.saveValidated(restored);
            // their metadata_saved events were never queued either (that happens after the backend save)
            listeners.saved(restored);
            Problems.report("backend-catch-up:" + lostSession, "restored " + restored.size() + " records of the"
                    + " lost session " + lostSession + " to the metadata backend from the ledger (it had committed"
                    + " them but was killed before saving them there)" + (more ? "; it is missing older ones too,"
                    + " more than are put back at a start: run ciaf rebuild to rebuild the backend from the ledger"
                    : ""));
            return restored.size();
        } catch (Exception e) {
            Problems.report("backend-catch-up:" + lostSession, "cannot restore the lost session " + lostSession
                    + "'s last records to the metadata backend; run ciaf rebuild to rebuild it from the ledger", e);
            return -1;
        }
    }

    private static MetadataRecord record(LedgerEntry e) {
        try {
            return LedgerRecords.fromPayload(RecordJson.MAPPER.readValue(e.payload().orElseThrow(), Map.class));
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException("ledger position " + e.position() + " is not a record", ex);
        }
    }

    private static boolean has(MetadataStorage storage, MetadataRecord r) {
        return storage.get(r.id()).isPresent();
    }
}
