package io.ciaf.anchor;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.storage.internal.RecordJson;

/**
 * The metadata records held in the ledger's METADATA entries, read back from the ledger alone: for rebuilding
 * the metadata backend, for the pipeline trace as it stood at a past point, and for audit exports. Each record
 * is rebuilt from its payload and its {@code metadata_hash} recomputed; a mismatch is counted, never hidden.
 */
public final class LedgerRecords {

    /** What reading found. */
    public record Result(List<MetadataRecord> records, long erased, long unreadable, long hashMismatches,
            List<String> problems) {
    }

    private LedgerRecords() {
    }

    /**
     * The records of {@code model} ({@code null}: every model) in entries up to position {@code lastPosition}
     * (inclusive; negative: the end) whose record timestamp is not before {@code from} (null: any), in ledger
     * order.
     */
    public static Result read(AuditLedger ledger, String model, long lastPosition, Instant from) {
        return read(ledger, model, lastPosition, from, null);
    }

    /**
     * As {@link #read(AuditLedger, String, long, Instant)}, and hands every other entry (anchors, receipts,
     * erasures, sessions …) to {@code others} in the same pass, when it is not null.
     */
    public static Result read(AuditLedger ledger, String model, long lastPosition, Instant from,
            java.util.function.Consumer<io.ciaf.ledger.LedgerEntry> others) {
        long size = ledger.size();
        long last = lastPosition < 0 || lastPosition >= size ? size - 1 : lastPosition;
        List<MetadataRecord> records = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long[] counts = new long[3];
        String member = model == null ? null : Payloads.modelMember(model);
        ledger.scan(0, last, e -> {
            if (!"METADATA".equals(e.type()) && !"COMPLIANCE".equals(e.type())) {
                if (others != null) {
                    others.accept(e);
                }
                return; // COMPLIANCE entries carry the assessment's compliance record
            }
            if (e.payload().isEmpty()) {
                counts[0]++;
                return;
            }
            String text = e.payload().get();
            if (member != null && !text.contains(member)) {
                return;
            }
            MetadataRecord r;
            try {
                Map<?, ?> p = RecordJson.MAPPER.readValue(text, Map.class);
                r = fromPayload(p);
                if (!r.metadataHash().equals(p.get("metadata_hash"))) {
                    counts[2]++;
                    if (problems.size() < 20) {
                        problems.add("position " + e.position() + ": metadata_hash does not match the metadata");
                    }
                }
            } catch (IOException | RuntimeException ex) {
                counts[1]++;
                if (problems.size() < 20) {
                    problems.add("position " + e.position() + ": not a metadata record (" + ex.getMessage() + ")");
                }
                return;
            }
            if ((model == null || model.equals(r.model())) && (from == null || !r.timestamp().isBefore(from))) {
                records.add(r);
            }
        });
        return new Result(records, counts[0], counts[1], counts[2], problems);
    }

    /**
     * Whether a payload is about {@code model}: records and anchors name it as {@code model_name}, inference
     * receipts as {@code model}. A text test, so a scan can skip parsing the others.
     */
    public static boolean about(String payload, String model) {
        return payload.contains(Payloads.modelMember(model))
                || payload.contains("\"model\":" + CanonicalJson.quote(model));
    }

    /**
     * The payload members of {@code r} as the capture pipeline writes them (id, timestamp, model_name, stage,
     * event_type, metadata, metadata_hash and the optional ones), in a map the caller may add to.
     */
    public static Map<String, Object> toPayload(MetadataRecord r) {
        Map<String, Object> p = new java.util.TreeMap<>();
        p.put("id", r.id().toString());
        p.put("timestamp", r.timestamp().toString());
        p.put("model_name", r.model());
        r.version().ifPresent(v -> p.put("model_version", v));
        p.put("stage", r.stage().wireName());
        p.put("event_type", r.eventType());
        r.details().ifPresent(d -> p.put("details", d));
        p.put("metadata", r.metadata());
        p.put("metadata_hash", r.metadataHash());
        r.parentId().ifPresent(id -> p.put("parent_id", id.toString()));
        r.actor().ifPresent(a -> p.put("actor", a));
        if (!r.validationErrors().isEmpty()) {
            p.put("validation_errors", r.validationErrors());
        }
        return p;
    }

    /**
     * {@link #toPayload} as canonical JSON members, what {@link io.ciaf.ledger.NewEntry#ofCanonicalMembers} takes:
     * the record's metadata JSON is reused, not written again.
     *
     * @param quote quotes the names that repeat from record to record (model, version, stage, event), so that a
     *     caller writing many may cache them; {@link CanonicalJson#quote} otherwise
     */
    public static Map<String, String> canonicalMembers(MetadataRecord r, UnaryOperator<String> quote) {
        Map<String, String> p = new java.util.TreeMap<>();
        p.put("id", CanonicalJson.quote(r.id().toString()));
        p.put("timestamp", CanonicalJson.quote(io.ciaf.api.internal.IsoInstant.format(r.timestamp())));
        p.put("model_name", quote.apply(r.model()));
        r.version().ifPresent(v -> p.put("model_version", quote.apply(v)));
        p.put("stage", quote.apply(r.stage().wireName()));
        p.put("event_type", quote.apply(r.eventType()));
        r.details().ifPresent(d -> p.put("details", CanonicalJson.quote(d)));
        p.put("metadata", r.metadataJson());
        p.put("metadata_hash", CanonicalJson.quote(r.metadataHash()));
        r.parentId().ifPresent(id -> p.put("parent_id", CanonicalJson.quote(id.toString())));
        r.actor().ifPresent(a -> p.put("actor", CanonicalJson.quote(a)));
        if (!r.validationErrors().isEmpty()) {
            p.put("validation_errors", CanonicalJson.write(r.validationErrors()));
        }
        return p;
    }

    /** A record from a METADATA payload as the capture pipeline writes it. */
    public static MetadataRecord fromPayload(Map<?, ?> p) {
        MetadataRecord.Builder b = MetadataRecord.builder(string(p, "model_name"), Stage.parse(string(p, "stage")),
                string(p, "event_type"));
        b.id(UUID.fromString(string(p, "id"))).timestamp(Instant.parse(string(p, "timestamp")));
        if (p.get("model_version") instanceof String v) {
            b.version(v);
        }
        if (p.get("details") instanceof String d) {
            b.details(d);
        }
        if (p.get("actor") instanceof String actor) {
            b.actor(actor);
        }
        if (p.get("parent_id") instanceof String parent) {
            b.parentId(UUID.fromString(parent));
        }
        if (p.get("metadata") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> b.put(String.valueOf(k), v));
        }
        if (p.get("validation_errors") instanceof List<?> errors) {
            b.validationErrors(errors.stream().map(String::valueOf).toList());
        }
        return b.build();
    }

    private static String string(Map<?, ?> p, String key) {
        Object v = p.get(key);
        if (!(v instanceof String)) {
            throw new IllegalArgumentException("no string '" + key + "'");
        }
        return (String) v;
    }
}
