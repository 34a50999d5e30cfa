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
 * Puts back into the metadata backend the records of an earlier session that the ledger has and the backend
 * lacks (see {@link Sessions.CatchUp}). Two cases:
 * <ul>
 * <li>The session noted the oldest record its backend refused and had not saved since: the ledger is read
 *     forwards from that record, and the session's records from there on that the backend lacks are saved,
 *     a chunk at a time. This covers the refused records, which may be older than others that were saved,
 *     and the killed session's last ones too.</li>
 * <li>Otherwise the session was killed while its backend thread gathered records (up to 200 ms of them).
 *     The backend is written in ledger order, so the missing ones are the session's last records: the ledger
 *     is read backwards, a chunk at a time, from its end down to the first of the session's records the
 *     backend has, or to the session's start.</li>
 * </ul>
 * Either way only the records the backend does not hold are saved, so running it twice does no harm. The
 * listeners (webhooks) hear of them too, as they would have after the save.
 */
final class BackendCatchUp {

    private static final int CHUNK = 4096;
    /**
     * At most this many records are put back at a start: it runs before the new session's first commit, and
     * an application whose queue fills meanwhile would wait. More missing means the backend failed for long
     * (a full disk, say): that is said, and {@code ciaf rebuild} is the remedy.
     */
    static final int MAX_RESTORED = 50_000;
    /** And at most this many ledger entries are read forwards from a refused record, for the same reason. */
    static final long MAX_SCANNED = 2_000_000;

    private BackendCatchUp() {
    }

    /**
     * Never throws: a problem is reported, and {@code ciaf rebuild} remains the remedy. Returns how many records
     * were put back, or -1 when that failed (the backend still refuses them, say) and is worth trying again.
     */
    static int restore(AuditLedger ledger, MetadataStorage storage, Sessions.CatchUp c, Listeners listeners) {
        return restore(ledger, storage, c, listeners, MAX_RESTORED, MAX_SCANNED);
    }

    static int restore(AuditLedger ledger, MetadataStorage storage, Sessions.CatchUp c, Listeners listeners,
            int limit, long maxScanned) {
        String which = (c.killed() ? "the lost session " : "the session ") + c.session();
        try {
            String member = "\"session\":" + CanonicalJson.quote(c.session());
            long first = Math.max(0, c.startPosition());
            long from = c.firstUnsaved() == null ? -1 : ledger.findByIdempotencyKey(c.firstUnsaved().toString())
                    .map(LedgerEntry::position).orElse(first);
            Restored r = from >= 0
                    ? forwards(ledger, storage, member, from, listeners, limit, maxScanned)
                    : backwards(ledger, storage, member, first, listeners, limit);
            if (r.count() > 0 || r.more()) {
                Problems.report("backend-catch-up:" + c.session(), "restored " + r.count() + " records of "
                        + which + " to the metadata backend from the ledger (" + (c.killed() && c.firstUnsaved()
                        == null ? "it had committed them but was killed before saving them there"
                        : "the backend had refused them, or the session was killed before saving them there")
                        + ")" + (r.more() ? "; it is missing older ones too, more than are put back at a start: run"
                        + " ciaf rebuild to rebuild the backend from the ledger" : ""));
            }
            return r.count();
        } catch (Exception e) {
            Problems.report("backend-catch-up-failed:" + c.session(), "cannot restore the records of " + which + " that"
                    + " the metadata backend lacks; this is tried again at the next start, and ciaf rebuild"
                    + " rebuilds the backend from the ledger", e);
            return -1;
        }
    }

    /** How many records were put back, and whether more were left for {@code ciaf rebuild} (a limit stopped it). */
    private record Restored(int count, boolean more) {
    }

    /** Saves the missing ones among the session's records from {@code from} on. */
    private static Restored forwards(AuditLedger ledger, MetadataStorage storage, String member, long from,
            Listeners listeners, int limit, long maxScanned) {
        long end = ledger.size() - 1;
        int restored = 0;
        for (long at = from; at <= end; at += CHUNK) {
            if (restored >= limit || at - from >= maxScanned) {
                return new Restored(restored, true);
            }
            List<MetadataRecord> chunk = sessionRecords(ledger, member, at, Math.min(end, at + CHUNK - 1));
            if (!chunk.isEmpty()) {
                restored += saveMissing(storage, chunk, listeners);
            }
        }
        return new Restored(restored, false);
    }

    /** Saves the session's last records the backend lacks, found reading backwards. */
    private static Restored backwards(AuditLedger ledger, MetadataStorage storage, String member, long first,
            Listeners listeners, int limit) {
        List<List<MetadataRecord>> newestFirst = new ArrayList<>();
        int found = 0;
        boolean more = false;
        for (long to = ledger.size() - 1; to >= first; to -= CHUNK) {
            if (found >= limit) {
                more = true;
                break;
            }
            List<MetadataRecord> chunk = sessionRecords(ledger, member, Math.max(first, to - CHUNK + 1), to);
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
        List<MetadataRecord> missing = new ArrayList<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            missing.addAll(newestFirst.get(i));
        }
        // only those it lacks: a chunk whose oldest is missing may hold some it has
        return new Restored(missing.isEmpty() ? 0 : saveMissing(storage, missing, listeners), more);
    }

    /** Saves those of {@code records} the backend lacks; the listeners hear of them. Returns how many. */
    private static int saveMissing(MetadataStorage storage, List<MetadataRecord> records, Listeners listeners) {
        List<MetadataRecord> saved = storage.saveValidatedMissing(records);
        // their metadata_saved events were never queued either (that happens after the backend save)
        listeners.saved(saved);
        return saved.size();
    }

    private static List<MetadataRecord> sessionRecords(AuditLedger ledger, String member, long from, long to) {
        List<MetadataRecord> records = new ArrayList<>();
        ledger.scan(from, to, e -> {
            if ("METADATA".equals(e.type()) && e.payload().filter(t -> t.contains(member)).isPresent()) {
                records.add(record(e));
            }
        });
        return records;
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
