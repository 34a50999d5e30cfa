package io.ciaf.compliance;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One audit-ledger entry as a check sees it: its position, type (DATASET, MODEL, INFERENCE, ERASURE, HOLD,
 * CHECKPOINT …), when it was appended, and its payload's members (empty when the payload was erased).
 */
public record LedgerFact(long position, String type, Instant time, Map<String, Object> fields) {

    public LedgerFact {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }

    /** How check results name it as evidence: {@code ledger:<position>}. */
    public String id() {
        return "ledger:" + position;
    }
}
