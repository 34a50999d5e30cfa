package io.ciaf.retention;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.ciaf.anchor.CommitmentKeys;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;
import io.ciaf.storage.MetadataStorage;

/**
 * Data-subject requests (GDPR articles 15 and 17): everything in the ledger that mentions a subject id, and
 * its erasure. The subject id is matched as a whole JSON string anywhere in a payload (a request id, an
 * argument, a plaintext commitment).
 */
public final class SubjectRequests {

    private final AuditLedger ledger;

    public SubjectRequests(AuditLedger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /** The entries that mention {@code subjectId}, erased ones excluded (nothing of them is left to mention it). */
    public List<LedgerEntry> find(String subjectId) {
        requireId(subjectId);
        return ledger.mentioning(subjectId);
    }

    /**
     * What an erasure did.
     *
     * @param problems what could not be done beside the ledger (e.g. a metadata backend that cannot erase)
     */
    public record Erasure(List<Long> positions, Long erasurePosition, List<String> secretsErased,
            List<String> problems) {
    }

    /**
     * Erases every payload that mentions {@code subjectId}, and the salts of SALTED commitments among them
     * (HMAC keys are shared by a model's receipts and stay).
     *
     * @throws IllegalArgumentException if an active hold covers any of them (the hold is named; nothing is
     *     erased), or one of them may not be erased (a HOLD or ERASURE entry mentioning the subject)
     */
    public Erasure erase(String subjectId, String reason, String by, CommitmentKeys keys) {
        return erase(subjectId, reason, by, keys, null);
    }

    /** {@link #erase(String, String, String, CommitmentKeys)}, also erasing the records' copies in {@code view}. */
    public Erasure erase(String subjectId, String reason, String by, CommitmentKeys keys, MetadataStorage view) {
        List<LedgerEntry> found = find(subjectId);
        Holds.Coverage coverage = new Holds(ledger).coverage();
        List<Long> positions = new ArrayList<>();
        List<String> salts = new ArrayList<>();
        List<java.util.UUID> recordIds = new ArrayList<>();
        for (LedgerEntry e : found) {
            var hold = coverage.holding(e);
            if (hold.isPresent()) {
                throw new IllegalArgumentException("entry " + e.position() + " mentioning subject " + subjectId
                        + " is under " + hold.get() + "; nothing was erased. Release the hold first if the request"
                        + " must be honoured (ciaf hold release " + hold.get().id() + ")");
            }
            if (!Retention.erasable(e)) {
                throw new IllegalArgumentException("entry " + e.position() + " (" + e.type() + ") mentions subject "
                        + subjectId + " but " + e.type() + " entries are never erased; nothing was erased");
            }
            positions.add(e.position());
            java.util.UUID recordId = MetadataView.recordId(e);
            if (recordId != null) {
                recordIds.add(recordId);
            }
            if ("INFERENCE".equals(e.type())) {
                Map<?, ?> p = e.payloadFields();
                for (String side : List.of("input", "output")) {
                    if (p.get(side) instanceof Map<?, ?> c && "SALTED".equals(c.get("kind"))
                            && c.get("key_id") instanceof String id) {
                        salts.add(id);
                    }
                }
            }
        }
        if (positions.isEmpty()) {
            return new Erasure(List.of(), null, List.of(), List.of());
        }
        List<String> erasedSecrets = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason == null || reason.isBlank() ? "data-subject erasure request" : reason);
        details.put("subject_request", true);
        details.put("by", by);
        List<Long> erasures = Retention.eraseInChunks(ledger, positions, details);
        Long at = erasures.get(erasures.size() - 1);
        if (keys != null) {
            for (String id : salts) {
                if (keys.erase(id)) {
                    erasedSecrets.add(id);
                }
            }
        }
        return new Erasure(positions, at, erasedSecrets, MetadataView.erase(view, recordIds));
    }

    private static void requireId(String subjectId) {
        if (subjectId == null || subjectId.length() < 3) {
            throw new IllegalArgumentException("a subject id needs at least 3 characters, so that it cannot match"
                    + " unrelated values by accident");
        }
    }
}
