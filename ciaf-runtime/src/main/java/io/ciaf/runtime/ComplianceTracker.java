package io.ciaf.runtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.ciaf.anchor.LedgerRecords;
import io.ciaf.api.AuditEvent;
import io.ciaf.api.CaptureMode;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.compliance.Assessment;
import io.ciaf.compliance.CheckResult;
import io.ciaf.compliance.ComplianceFramework;
import io.ciaf.compliance.ComplianceReport;
import io.ciaf.compliance.Evidence;
import io.ciaf.compliance.FrameworkScore;
import io.ciaf.compliance.Frameworks;
import io.ciaf.compliance.LedgerFact;
import io.ciaf.ledger.AppendReceipt;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerException;
import io.ciaf.ledger.LedgerTamperedException;
import io.ciaf.storage.MetadataStorage;
import io.ciaf.webhook.AuditEvents;

/**
 * Compliance for one model: the seed's attestation calls (each recorded as a COMPLIANCE record with who declared
 * it and when) and {@link #assess}, which scores the model's recorded evidence against the compliance frameworks,
 * appends the assessment to the ledger (type COMPLIANCE) and saves it as a compliance event.
 *
 * <pre>{@code
 * ComplianceTracker tracker = new ComplianceTracker(Ciaf.model("credit", "1.0")).declaredBy("dpo@bank.example");
 * tracker.trackGdprCompliance(Map.of("encryption", true), Map.of("explicit_consent", true), true);
 * Assessment a = tracker.assess();
 * }</pre>
 */
public final class ComplianceTracker {

    /** The ledger entry type of an assessment. */
    public static final String TYPE = "COMPLIANCE";
    /** The event type of the compliance record an assessment is saved as. */
    public static final String ASSESSED = "compliance_assessed";

    private final ModelMetadataManager manager;
    private final List<ComplianceFramework> registered = new CopyOnWriteArrayList<>();
    private volatile String declaredBy = System.getProperty("user.name");

    public ComplianceTracker(ModelMetadataManager manager) {
        this.manager = manager;
    }

    /** Who makes the following attestations (a person's id); by default the JVM's user name. */
    public ComplianceTracker declaredBy(String who) {
        this.declaredBy = who;
        return this;
    }

    /** Adds a framework to those this tracker assesses (besides the built-in and discovered ones). */
    public ComplianceTracker registerFramework(ComplianceFramework framework) {
        registered.add(java.util.Objects.requireNonNull(framework, "framework"));
        return this;
    }

    /** Records that {@link #declaredBy} declares {@code declarations} for {@code framework} (e.g. {@code gdpr}). */
    public UUID attest(String framework, Map<String, ?> declarations) {
        try (MetadataCapture c = Ciaf.capture(manager.name(), manager.version(), Stage.COMPLIANCE,
                framework + Evidence.ATTESTATION_SUFFIX, CaptureMode.DEFAULT)) {
            c.actor(declaredBy).putAll(declarations).put("declared_by", declaredBy);
            return c.id();
        }
    }

    public UUID trackGdprCompliance(Map<String, ?> dataProtectionMeasures, Map<String, ?> consentManagement,
            boolean rightToExplanation) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data_protection", dataProtectionMeasures);
        m.put("consent", consentManagement);
        m.put("right_to_explanation", rightToExplanation);
        return attest("gdpr", m);
    }

    public UUID trackFdaCompliance(Map<String, ?> clinicalValidation, Map<String, ?> safetyMeasures,
            Map<String, ?> qualityManagement) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clinical_validation", clinicalValidation);
        m.put("safety_measures", safetyMeasures);
        m.put("quality_management", qualityManagement);
        return attest("fda", m);
    }

    public UUID trackEeocCompliance(Map<String, ?> biasAssessment, Map<String, ?> fairnessMetrics,
            List<String> protectedClasses) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bias_assessment", biasAssessment);
        m.put("fairness_metrics", fairnessMetrics);
        m.put("protected_classes", protectedClasses);
        return attest("eeoc", m);
    }

    public UUID trackFcraCompliance(Map<String, ?> permissiblePurpose, Map<String, ?> adverseActionProcess,
            Map<String, ?> dataAccuracy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("permissible_purpose", permissiblePurpose);
        m.put("adverse_action_process", adverseActionProcess);
        m.put("data_accuracy", dataAccuracy);
        return attest("fcra", m);
    }

    /**
     * Scores the model against the frameworks ({@code frameworkIds}, or {@code compliance.frameworks}, or all),
     * after everything captured so far is durable; records the assessment and tells the listeners
     * ({@code compliance_assessed}, and {@code compliance_failed} when a check failed).
     *
     * @throws IllegalStateException when CIAF is not running
     * @throws IllegalArgumentException for an unknown framework id
     */
    public Assessment assess(String... frameworkIds) {
        CiafRuntime r = Ciaf.runtime();
        if (r == null || r.storage() == null || r.ledger() == null) {
            throw new IllegalStateException("CIAF is not running in this JVM (see its stderr report); nothing to"
                    + " assess");
        }
        r.flush(30_000, true);
        List<ComplianceFramework> frameworks = frameworks(registered, frameworkIds.length > 0
                ? List.of(frameworkIds) : r.config.complianceFrameworks());
        Evidence evidence = evidence(r.ledger(), r.config, manager.name(), Instant.now());
        Assessment a = Assessment.run(manager.name(), frameworks, evidence, r.config.blockingCap());
        Recorded recorded = record(r.ledger(), r.storage(), a, declaredBy);
        r.listeners.fire(events(r.ledger(), evidence, a, recorded));
        return a;
    }

    /**
     * The self-contained HTML report of {@code a} (as {@code ciaf compliance report --format html} writes it):
     * scores, scores over time from this model's recorded assessments, selection rates against the four-fifths
     * line, failed checks with reasons and evidence ids.
     *
     * @throws IllegalStateException when CIAF is not running
     */
    public String htmlReport(Assessment a) {
        CiafRuntime r = Ciaf.runtime();
        if (r == null || r.storage() == null || r.ledger() == null) {
            throw new IllegalStateException("CIAF is not running in this JVM (see its stderr report); no report");
        }
        return ComplianceReport.html(a, history(r.ledger(), a.model()), r.config.fourFifths());
    }

    /**
     * The frameworks to assess: the built-in and discovered ones plus {@code extra}, narrowed to {@code ids}
     * when not empty.
     *
     * @throws IllegalArgumentException naming an unknown id and the known ones
     */
    public static List<ComplianceFramework> frameworks(List<ComplianceFramework> extra, List<String> ids) {
        Frameworks.Found found = Frameworks.discover(ComplianceTracker.class.getClassLoader());
        found.problems().forEach(p -> Problems.report("framework:" + p, p));
        Map<String, ComplianceFramework> byId = new LinkedHashMap<>();
        found.frameworks().forEach(f -> byId.put(f.id(), f));
        extra.forEach(f -> byId.putIfAbsent(f.id(), f));
        if (ids.isEmpty()) {
            return new ArrayList<>(byId.values());
        }
        List<ComplianceFramework> out = new ArrayList<>();
        for (String id : ids) {
            ComplianceFramework f = byId.get(id);
            if (f == null) {
                String closest = io.ciaf.storage.internal.Suggestions.closest(id, byId.keySet());
                throw new IllegalArgumentException("unknown compliance framework '" + id + "'"
                        + (closest == null ? "" : "; did you mean " + closest + "?") + " Known: "
                        + String.join(", ", byId.keySet()));
            }
            out.add(f);
        }
        return out;
    }

    /**
     * The evidence about {@code model} in the ledger: its records (rebuilt from the ledger, the source of
     * truth), the anchors, receipts, erasures, holds and checkpoints, whether the whole ledger verifies, and
     * the compliance settings of {@code config}.
     */
    public static Evidence evidence(AuditLedger ledger, CiafConfig config, String model, Instant asOf) {
        Evidence.Builder b = Evidence.builder(model).asOf(asOf).settings(config.complianceSettings());
        List<LedgerFact> facts = new ArrayList<>();
        b.records(LedgerRecords.read(ledger, model, -1, null, e -> {
            switch (e.type()) {
                case "SESSION_START", "SESSION_END", "GENESIS" -> {
                    return;
                }
                case "INFERENCE", "MODEL" -> {
                    if (e.payload().isEmpty() || !LedgerRecords.about(e.payload().get(), model)) {
                        return;
                    }
                }
                default -> {
                }
            }
            facts.add(new LedgerFact(e.position(), e.type(), Instant.EPOCH.plusNanos(e.timestamp()),
                    e.payload().isPresent() ? e.payloadFields() : Map.of()));
        }).records());
        b.facts(facts);
        try {
            ledger.verify();
        } catch (LedgerTamperedException t) {
            b.ledgerBroken(t.getMessage());
        } catch (LedgerException t) {
            b.ledgerBroken("verification could not run: " + t.getMessage());
        }
        return b.build();
    }

    /** Where an assessment was recorded: its ledger position and its compliance record. */
    public record Recorded(long position, MetadataRecord record) {
    }

    /**
     * Appends {@code a} to the ledger as a COMPLIANCE entry (the compliance record's fields plus the full
     * assessment under {@code assessment}) and saves the compliance record to {@code storage}.
     */
    public static Recorded record(AuditLedger ledger, MetadataStorage storage, Assessment a, String actor) {
        MetadataRecord.Builder rb = MetadataRecord.builder(a.model(), Stage.COMPLIANCE, ASSESSED).timestamp(a.at())
                .putAll(summary(a));
        if (actor != null && !actor.isBlank()) {
            rb.actor(actor);
        }
        MetadataRecord record = rb.build();
        Map<String, Object> payload = LedgerRecords.toPayload(record);
        payload.put("assessment", a.toMap());
        AppendReceipt receipt = ledger.append(TYPE, payload, record.id().toString());
        storage.saveAll(List.of(record));
        return new Recorded(receipt.position(), record);
    }

    /** Scores per framework and failed check ids: what the compliance record holds. */
    public static Map<String, Object> summary(Assessment a) {
        Map<String, Object> scores = new LinkedHashMap<>();
        for (FrameworkScore s : a.scores()) {
            scores.put(s.frameworkId(), s.score().isPresent() ? s.score().getAsDouble() : null);
        }
        List<String> failed = new ArrayList<>();
        a.failed().forEach((f, results) -> results.forEach(r -> failed.add(f + "/" + r.checkId())));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scores", scores);
        m.put("failed_checks", failed);
        m.put("ledger_intact", a.ledgerIntact());
        m.put("records_assessed", a.records());
        return m;
    }

    /**
     * {@code compliance_assessed}; {@code compliance_failed} when a check failed; {@code integrity_violation}
     * when the ledger did not verify.
     */
    public static List<AuditEvent> events(AuditLedger ledger, Evidence evidence, Assessment a, Recorded recorded) {
        Map<String, Object> data = new LinkedHashMap<>(summary(a));
        data.put("ledger_position", recorded.position());
        data.put("record_id", recorded.record().id().toString());
        List<AuditEvent> out = new ArrayList<>();
        out.add(AuditEvents.compliance(AuditEvents.COMPLIANCE_ASSESSED, a.model(), data));
        if (!a.failed().isEmpty()) {
            Map<String, Object> failed = new LinkedHashMap<>(data);
            List<Object> reasons = new ArrayList<>();
            a.failed().forEach((f, results) -> {
                for (CheckResult r : results) {
                    reasons.add(Map.of("framework", f, "check", r.checkId(), "reason", r.reason()));
                }
            });
            failed.put("failures", reasons);
            out.add(AuditEvents.compliance(AuditEvents.COMPLIANCE_FAILED, a.model(), failed));
        }
        if (!evidence.ledgerIntact()) {
            out.add(AuditEvents.integrityViolation(ledger.home().toString(), evidence.ledgerProblem(), null));
        }
        return out;
    }

    /** The model's earlier assessments' scores, oldest first, from its COMPLIANCE entries. */
    public static List<ComplianceReport.ScorePoint> history(AuditLedger ledger, String model) {
        List<ComplianceReport.ScorePoint> out = new ArrayList<>();
        for (io.ciaf.ledger.LedgerEntry e : ledger.findAll(TYPE, "model_name", model)) {
            Map<String, Object> p = e.payloadFields();
            if (p.get("metadata") instanceof Map<?, ?> m && m.get("scores") instanceof Map<?, ?> scores
                    && p.get("timestamp") instanceof String t) {
                Map<String, Double> s = new LinkedHashMap<>();
                scores.forEach((k, v) -> {
                    if (v instanceof Number n) {
                        s.put(String.valueOf(k), n.doubleValue());
                    }
                });
                out.add(new ComplianceReport.ScorePoint(Instant.parse(t), s));
            }
        }
        return out;
    }
}
