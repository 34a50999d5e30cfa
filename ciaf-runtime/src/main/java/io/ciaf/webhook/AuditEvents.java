package io.ciaf.webhook;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ciaf.api.AuditEvent;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;

/** The events of FORMATS.md and how each is made. */
public final class AuditEvents {

    public static final String METADATA_SAVED = "metadata_saved";
    public static final String COMPLIANCE_ASSESSED = "compliance_assessed";
    public static final String COMPLIANCE_FAILED = "compliance_failed";
    public static final String VALIDATION_FAILED = "validation_failed";
    public static final String INTEGRITY_VIOLATION = "integrity_violation";
    public static final String CHECKPOINT_SEALED = "checkpoint_sealed";
    public static final String RECORDS_DROPPED = "records_dropped";

    public static final List<String> NAMES = List.of(METADATA_SAVED, COMPLIANCE_ASSESSED, COMPLIANCE_FAILED,
            VALIDATION_FAILED, INTEGRITY_VIOLATION, CHECKPOINT_SEALED, RECORDS_DROPPED);

    private AuditEvents() {
    }

    private static Map<String, Object> about(MetadataRecord r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("record_id", r.id().toString());
        d.put("model_version", r.version().orElse(null));
        d.put("event_type", r.eventType());
        d.put("timestamp", r.timestamp().toString());
        d.put("metadata_hash", r.metadataHash());
        return d;
    }

    /** A record was committed to the ledger and saved to the metadata backend (its values are not sent). */
    public static AuditEvent metadataSaved(MetadataRecord r) {
        return new AuditEvent(METADATA_SAVED, r.model(), r.stage(), Instant.now(), about(r));
    }

    /** A record failed its stage validators; the errors name the keys. */
    public static AuditEvent validationFailed(MetadataRecord r) {
        Map<String, Object> d = about(r);
        d.put("errors", r.validationErrors());
        return new AuditEvent(VALIDATION_FAILED, r.model(), r.stage(), Instant.now(), d);
    }

    public static AuditEvent recordsDropped(long dropped, long total, String session) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dropped", dropped);
        d.put("dropped_total", total);
        d.put("session", session);
        return new AuditEvent(RECORDS_DROPPED, null, null, Instant.now(), d);
    }

    public static AuditEvent checkpointSealed(String origin, long size, String rootBase64) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("origin", origin);
        d.put("tree_size", size);
        d.put("root_hash", rootBase64);
        return new AuditEvent(CHECKPOINT_SEALED, null, null, Instant.now(), d);
    }

    /** Verification of the ledger at {@code home} failed. */
    public static AuditEvent integrityViolation(String home, String problem, Long firstBadPosition) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("home", home);
        d.put("problem", problem);
        d.put("first_bad_position", firstBadPosition);
        return new AuditEvent(INTEGRITY_VIOLATION, null, null, Instant.now(), d);
    }

    /** A compliance assessment: its scores, failed checks and ledger position. */
    public static AuditEvent compliance(String name, String model, Map<String, Object> summary) {
        return new AuditEvent(name, model, Stage.COMPLIANCE, Instant.now(), summary);
    }
}
