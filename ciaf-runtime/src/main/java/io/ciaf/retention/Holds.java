package io.ciaf.retention;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.ciaf.ledger.AppendReceipt;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;

/**
 * Legal holds, kept as HOLD entries in the ledger: placing one appends {@code action = place} with the model,
 * an optional time range, the reason and who placed it; releasing appends {@code action = release}. While a
 * hold is active, no entry it covers is erased, by retention or by a data-subject request.
 *
 * <p>A hold on a model covers the entries that name it ({@code model_name} or {@code model}) with a timestamp
 * in its range, and the DATASET anchors its MODEL anchors name as authorized datasets.
 */
public final class Holds {

    /** One placed hold. */
    public record Hold(String id, String model, Instant from, Instant to, String reason, String by, long position) {

        boolean covers(String entryModel, long timestampNanos) {
            if (!model.equals(entryModel)) {
                return false;
            }
            Instant t = Instant.ofEpochSecond(0, timestampNanos);
            return (from == null || !t.isBefore(from)) && (to == null || !t.isAfter(to));
        }

        @Override
        public String toString() {
            return "hold " + id + " on model " + model + (from == null && to == null ? "" : " from "
                    + (from == null ? "the start" : from) + " to " + (to == null ? "now" : to)) + " (" + reason
                    + ", placed by " + by + " at position " + position + ")";
        }
    }

    private final AuditLedger ledger;

    public Holds(AuditLedger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /** Places a hold; {@code from} and {@code to} may be null (open range). */
    public Hold place(String model, Instant from, Instant to, String reason, String by) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a hold needs the model it applies to (--model)");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a hold needs a reason (--reason), e.g. the case or request number");
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("the hold's --to " + to + " is before its --from " + from);
        }
        String id = UUID.randomUUID().toString();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("action", "place");
        p.put("hold_id", id);
        p.put("model", model);
        p.put("from", from == null ? null : from.toString());
        p.put("to", to == null ? null : to.toString());
        p.put("reason", reason);
        p.put("by", by);
        AppendReceipt r = ledger.append(AuditLedger.HOLD, p, "hold:" + id);
        return new Hold(id, model, from, to, reason, by, r.position());
    }

    /**
     * Releases an active hold.
     *
     * @throws IllegalArgumentException if no active hold has that id (the active ones are named)
     */
    public void release(String holdId, String by) {
        List<Hold> active = active();
        if (active.stream().noneMatch(h -> h.id().equals(holdId))) {
            throw new IllegalArgumentException("no active hold " + holdId + "; active: " + (active.isEmpty() ? "none"
                    : active.stream().map(Hold::id).toList()));
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("action", "release");
        p.put("hold_id", holdId);
        p.put("by", by);
        ledger.append(AuditLedger.HOLD, p, "hold-release:" + holdId);
    }

    /** The holds placed and not released, oldest first. */
    public List<Hold> active() {
        List<Hold> placed = new ArrayList<>();
        Set<String> released = new HashSet<>();
        for (LedgerEntry e : ledger.findAll(AuditLedger.HOLD, "action", "place")) {
            Map<?, ?> p = e.payloadFields();
            placed.add(new Hold((String) p.get("hold_id"), (String) p.get("model"), instant(p.get("from")),
                    instant(p.get("to")), (String) p.get("reason"), (String) p.get("by"), e.position()));
        }
        for (LedgerEntry e : ledger.findAll(AuditLedger.HOLD, "action", "release")) {
            released.add((String) e.payloadFields().get("hold_id"));
        }
        placed.removeIf(h -> released.contains(h.id()));
        return placed;
    }

    /** What decides whether entries are held, read once: the active holds and the datasets they reach. */
    public Coverage coverage() {
        List<Hold> active = active();
        Map<String, Hold> datasets = new LinkedHashMap<>();
        for (Hold h : active) {
            for (LedgerEntry e : ledger.findAll("MODEL", "model_name", h.model())) {
                Object ds = e.payloadFields().get("authorized_datasets");
                if (ds instanceof List<?> list) {
                    for (Object d : list) {
                        datasets.putIfAbsent(String.valueOf(d), h);
                    }
                }
            }
        }
        return new Coverage(active, datasets);
    }

    /** The active holds, and the dataset anchors their models were trained on. */
    public static final class Coverage {
        private final List<Hold> holds;
        private final Map<String, Hold> datasets;

        Coverage(List<Hold> holds, Map<String, Hold> datasets) {
            this.holds = holds;
            this.datasets = datasets;
        }

        public List<Hold> holds() {
            return holds;
        }

        /** The hold that covers {@code e}, if any (entries whose payload is already erased are not held). */
        public Optional<Hold> holding(LedgerEntry e) {
            if (holds.isEmpty() || e.payload().isEmpty()) {
                return Optional.empty();
            }
            Map<?, ?> p = e.payloadFields();
            if ("DATASET".equals(e.type()) && p.get("dataset_hash") instanceof String d && datasets.containsKey(d)) {
                return Optional.of(datasets.get(d));
            }
            Object model = p.get("model_name") != null ? p.get("model_name") : p.get("model");
            if (!(model instanceof String m)) {
                return Optional.empty();
            }
            for (Hold h : holds) {
                if (h.covers(m, e.timestamp())) {
                    return Optional.of(h);
                }
            }
            return Optional.empty();
        }
    }

    private static Instant instant(Object v) {
        return v instanceof String s ? Instant.parse(s) : null;
    }
}
