package io.ciaf.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;
import io.ciaf.storage.MetadataStorage;

/**
 * Retention classes and their application. Each entry type belongs to one class; once an entry is older than
 * its class's days, {@link #apply} erases its payload (the entry and its payload hash stay, so the ledger still
 * verifies) unless a legal hold covers it, and records ERASURE entries saying what, why and by whom.
 *
 * <p>Classes (days configurable): critical — MODEL, DATASET, COMPLIANCE, RECOVERY and anything not listed;
 * important — INFERENCE; operational — METADATA; transient — SESSION_START, SESSION_END, DROPPED. GENESIS,
 * CHECKPOINT, ERASURE and HOLD entries are never erased.
 */
public final class Retention {

    /** Defaults from the retention policy: 7 years, 3 years, 1 year, 30 days. */
    public static final Map<String, Integer> DEFAULT_DAYS = Map.of("critical", 2555, "important", 1095,
            "operational", 365, "transient", 30);

    private final AuditLedger ledger;
    private final Map<String, Integer> days;
    private final MetadataStorage view;

    /** @param days days per class name (see {@link #DEFAULT_DAYS}); a missing class keeps its default */
    public Retention(AuditLedger ledger, Map<String, Integer> days) {
        this(ledger, days, null);
    }

    /**
     * @param view the metadata backend holding copies of METADATA records, erased there too (may be null)
     */
    public Retention(AuditLedger ledger, Map<String, Integer> days, MetadataStorage view) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.days = new LinkedHashMap<>(DEFAULT_DAYS);
        this.days.putAll(days);
        this.view = view;
    }

    /** The class of an entry type. */
    public static String classOf(String type) {
        switch (type) {
            case "INFERENCE":
                return "important";
            case "METADATA":
                return "operational";
            case "SESSION_START":
            case "SESSION_END":
            case "DROPPED":
                return "transient";
            default:
                return "critical";
        }
    }

    /**
     * What {@link #apply} found or did.
     *
     * @param problems what could not be done beside the ledger (e.g. a metadata backend that cannot erase)
     */
    public record Result(long examined, List<Long> expired, Map<String, Long> expiredByClass, long held,
            List<String> holdsApplied, List<Long> erasures, List<String> problems) {
    }

    /**
     * Finds the entries expired at {@code now}, skips the held ones and, unless {@code dryRun}, erases the rest
     * in ERASURE entries of at most {@link AuditLedger#MAX_ERASED_PER_ENTRY} positions.
     */
    public Result apply(Instant now, String by, boolean dryRun) {
        Holds.Coverage coverage = new Holds(ledger).coverage();
        List<Long> expired = new ArrayList<>();
        Map<String, Long> byClass = new LinkedHashMap<>();
        long[] examined = {0};
        long[] held = {0};
        List<String> holdsApplied = new ArrayList<>();
        List<UUID> recordIds = new ArrayList<>();
        long size = ledger.size();
        ledger.scan(0, size - 1, e -> {
            examined[0]++;
            if (!erasable(e)) {
                return;
            }
            String cls = classOf(e.type());
            Instant written = Instant.ofEpochSecond(0, e.timestamp());
            if (!written.plus(Duration.ofDays(days.get(cls))).isBefore(now)) {
                return;
            }
            var hold = coverage.holding(e);
            if (hold.isPresent()) {
                held[0]++;
                if (!holdsApplied.contains(hold.get().id())) {
                    holdsApplied.add(hold.get().id());
                }
                return;
            }
            expired.add(e.position());
            byClass.merge(cls, 1L, Long::sum);
            UUID id = MetadataView.recordId(e);
            if (id != null) {
                recordIds.add(id);
            }
        });
        List<Long> erasures = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!dryRun) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("reason", "retention: expired under the retention classes");
            details.put("policy", days);
            details.put("by", by);
            details.put("at", now.toString());
            erasures = eraseInChunks(ledger, expired, details);
            problems.addAll(MetadataView.erase(view, recordIds));
        }
        return new Result(examined[0], expired, byClass, held[0], holdsApplied, erasures, problems);
    }

    /** Whether an entry still has a payload that may be erased. */
    static boolean erasable(LedgerEntry e) {
        return e.payload().isPresent() && AuditLedger.erasable(e.position(), e.type());
    }

    /**
     * Erases {@code positions} in ERASURE entries of at most {@link AuditLedger#MAX_ERASED_PER_ENTRY} each, all
     * with {@code details}; returns their positions.
     */
    static List<Long> eraseInChunks(AuditLedger ledger, List<Long> positions, Map<String, Object> details) {
        List<Long> erasures = new ArrayList<>();
        for (int from = 0; from < positions.size(); from += AuditLedger.MAX_ERASED_PER_ENTRY) {
            List<Long> chunk = positions.subList(from, Math.min(positions.size(), from + AuditLedger.MAX_ERASED_PER_ENTRY));
            erasures.add(ledger.erase(chunk, details).position());
        }
        return erasures;
    }
}
