package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import io.ciaf.api.AuditEvent;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.compliance.Assessment;
import io.ciaf.compliance.CheckResult;
import io.ciaf.compliance.CheckStatus;
import io.ciaf.compliance.ComplianceCheck;
import io.ciaf.compliance.ComplianceFramework;
import io.ciaf.compliance.FrameworkScore;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;
import io.ciaf.storage.MetadataStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComplianceTrackerTest {

    @TempDir
    Path home;

    @AfterEach
    void reset() {
        Ciaf.resetForTests();
    }

    private void start(String... env) {
        Map<String, String> vars = new HashMap<>(Map.of("CIAF_HOME", home.toString(),
                "CIAF_CHECKPOINT_INTERVAL_SECONDS", "0", "CIAF_COMPLIANCE_PROTECTED_ATTRIBUTES", "sex"));
        for (int i = 0; i < env.length; i += 2) {
            vars.put(env[i], env[i + 1]);
        }
        assertThat(Ciaf.start(CiafConfig.load(vars, new Properties(), null))).isTrue();
    }

    /** 40 decisions for women, 20 approved; 60 for men, 42 approved; every denial gives two reasons. */
    private static void recordInferences(ModelMetadataManager m) {
        for (int i = 0; i < 100; i++) {
            boolean female = i < 40;
            boolean approved = female ? i < 20 : i < 82;
            Map<String, Object> v = new HashMap<>(Map.of("favourable", approved, "sex", female ? "female" : "male",
                    "input_ref", "application-" + i));
            if (!approved) {
                v.put("adverse_action_reasons", List.of("duration", "credit_amount: too high for income"));
            }
            m.logInference(v);
        }
    }

    private static CheckResult check(Assessment a, String framework, String id) {
        return a.scores().stream().filter(s -> s.frameworkId().equals(framework)).findFirst().orElseThrow()
                .results().stream().filter(r -> r.checkId().equals(id)).findFirst().orElseThrow();
    }

    private static FrameworkScore score(Assessment a, String framework) {
        return a.scores().stream().filter(s -> s.frameworkId().equals(framework)).findFirst().orElseThrow();
    }

    @Test
    void anAssessmentOfRecordedInferencesMatchesTheHandComputationAndIsRecorded() throws Exception {
        start();
        List<AuditEvent> heard = new CopyOnWriteArrayList<>();
        Ciaf.addListener(heard::addAll);
        ModelMetadataManager m = Ciaf.model("credit", "1.0");
        m.logTrainingComplete(Map.of("features", List.of("duration", "credit_amount", "age")));
        recordInferences(m);
        ComplianceTracker tracker = new ComplianceTracker(m).declaredBy("dpo@bank.example");
        tracker.trackGdprCompliance(Map.of("encryption", true), Map.of("explicit_consent", true), true);

        Assessment a = tracker.assess("eeoc", "fcra-ecoa", "gdpr");

        // selection rates 20/40 = 0.5 and 42/60 = 0.7: impact ratio 5/7
        assertThat(a.selectionRates().get("sex")).containsEntry("female", 0.5).containsEntry("male", 0.7);
        assertThat(check(a, "eeoc", "EEOC-4D").measured()).isCloseTo(5.0 / 7, within(1e-12));
        assertThat(check(a, "eeoc", "EEOC-4D").status()).isEqualTo(CheckStatus.FAIL);
        assertThat(check(a, "fcra-ecoa", "FCRA-DI").measured()).isCloseTo(5.0 / 7, within(1e-12));
        // pooled 62/100: z = 0.2 / sqrt(0.62 · 0.38 · (1/40 + 1/60)) = 2.0186…, but the gap is below the line already
        assertThat(check(a, "eeoc", "EEOC-4D-sig").measured())
                .isCloseTo(0.2 / Math.sqrt(0.62 * 0.38 * (1.0 / 40 + 1.0 / 60)), within(1e-12));
        assertThat(check(a, "eeoc", "EEOC-4D-sig").status()).isEqualTo(CheckStatus.PASS);
        // 38 denials, each with reasons the model uses
        assertThat(check(a, "fcra-ecoa", "FCRA-AA").status()).isEqualTo(CheckStatus.PASS);
        assertThat(check(a, "fcra-ecoa", "FCRA-AA").evidenceIds()).hasSize(38);
        assertThat(check(a, "fcra-ecoa", "FCRA-AA-model").status()).isEqualTo(CheckStatus.PASS);
        // EEOC: 4D FAIL (3), 4D-sig PASS (1), 4A PASS (1), LL144 INSUFFICIENT (1), 1602 PASS (1) = 3/7
        assertThat(score(a, "eeoc").score().getAsDouble()).isCloseTo(3.0 / 7, within(1e-12));
        assertThat(check(a, "gdpr", "GDPR-22").reason()).contains("dpo@bank.example");
        assertThat(a.ledgerIntact()).isTrue();
        assertThat(a.records()).isEqualTo(102);

        // the assessment is a COMPLIANCE ledger entry and a compliance record in the backend
        try (AuditLedger ledger = AuditLedger.open(home)) {
            List<LedgerEntry> entries = ledger.findAll(ComplianceTracker.TYPE, "model_name", "credit");
            assertThat(entries).hasSize(1);
            Map<String, Object> p = entries.get(0).payloadFields();
            assertThat(p.get("event_type")).isEqualTo(ComplianceTracker.ASSESSED);
            assertThat(p.get("actor")).isEqualTo("dpo@bank.example");
            assertThat(((Map<?, ?>) p.get("assessment")).get("frameworks")).asList().hasSize(3);
            assertThat(ComplianceTracker.history(ledger, "credit")).singleElement()
                    .satisfies(h -> assertThat(h.scores().get("eeoc")).isCloseTo(3.0 / 7, within(1e-12)));
            ledger.verify();
        }
        List<MetadataRecord> saved = Ciaf.runtime().storage().query("credit", Stage.COMPLIANCE, 100);
        assertThat(saved).anySatisfy(r -> {
            assertThat(r.eventType()).isEqualTo(ComplianceTracker.ASSESSED);
            assertThat(r.metadata().get("failed_checks").toString()).contains("eeoc/EEOC-4D", "fcra-ecoa/FCRA-DI");
        });
        assertThat(heard).extracting(AuditEvent::name).contains("compliance_assessed", "compliance_failed");
        AuditEvent failed = heard.stream().filter(e -> e.name().equals("compliance_failed")).findFirst().orElseThrow();
        assertThat(failed.data().get("ledger_position")).isInstanceOf(Long.class);
        assertThat(failed.data().get("failures").toString()).contains("EEOC-4D");

        // the in-process report is the CLI's HTML: this assessment's scores and failures, scores over time
        String html = tracker.htmlReport(a);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("EEOC-4D", "FCRA-DI", "43%")
                .doesNotContain("http://", "https://");
    }

    @Test
    void aFrameworkRegisteredInCodeIsAssessedAndAThrowingCheckIsAnError() {
        start();
        ModelMetadataManager m = Ciaf.model("credit", "1.0");
        m.logValidation(Map.of("accuracy", 0.91));
        ComplianceTracker tracker = new ComplianceTracker(m).registerFramework(ComplianceFramework.of("bank-policy",
                "Bank model policy", "3", List.of(
                        ComplianceCheck.of("BANK-1", "policy 1", 1, false, e -> CheckResult.of("BANK-1",
                                e.records(Stage.VALIDATION).isEmpty() ? CheckStatus.FAIL : CheckStatus.PASS, "validated")),
                        ComplianceCheck.of("BANK-2", "policy 2", 1, true, e -> {
                            throw new IllegalStateException("policy service down");
                        }))));
        Assessment a = tracker.assess("bank-policy");
        FrameworkScore s = score(a, "bank-policy");
        assertThat(s.results()).extracting(CheckResult::status).containsExactly(CheckStatus.PASS, CheckStatus.ERROR);
        assertThat(s.results().get(1).reason()).contains("policy service down");
        assertThat(s.score().getAsDouble()).isEqualTo(0.5);
        assertThatThrownBy(() -> tracker.assess("eeco")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("did you mean eeoc?");
    }

    @Test
    void validatorsFromConfigCheckEveryRecordOfTheirStage() throws Exception {
        Files.writeString(home.resolve("ciaf.json"), """
                {"validators": [
                  {"stage": "validation", "min": {"accuracy": 0.8}},
                  {"stage": "inference", "required": ["input_ref"]}
                ]}""");
        start();
        List<AuditEvent> heard = new CopyOnWriteArrayList<>();
        Ciaf.addListener(heard::addAll);
        ModelMetadataManager m = Ciaf.model("credit", "1.0");
        m.logValidation(Map.of("accuracy", 0.72));
        m.logValidation(Map.of("accuracy", 0.85));
        m.logInference(Map.of("favourable", true));
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        List<MetadataRecord> validation = Ciaf.runtime().storage().query("credit", Stage.VALIDATION, 10);
        assertThat(validation).filteredOn(r -> r.metadata().get("accuracy").equals(0.72)).singleElement()
                .satisfies(r -> assertThat(r.validationErrors()).containsExactly(
                        "metadata.accuracy = 0.72 is below the minimum 0.8 (validators)"));
        assertThat(validation).filteredOn(r -> r.metadata().get("accuracy").equals(0.85))
                .allSatisfy(r -> assertThat(r.validationErrors()).isEmpty());
        assertThat(Ciaf.runtime().storage().query("credit", Stage.INFERENCE, 10)).singleElement()
                .satisfies(r -> assertThat(r.validationErrors()).containsExactly(
                        "metadata.input_ref is required for inference records (validators)"));
        assertThat(heard).filteredOn(e -> e.name().equals("validation_failed")).hasSize(2);
        assertThat(heard).filteredOn(e -> e.name().equals("metadata_saved")).hasSize(3);
    }

    @Test
    void badValidatorRulesAreReportedWithTheirPlace() throws Exception {
        Files.writeString(home.resolve("ciaf.json"), """
                {"validators": [{"stage": "validaton", "min": {"accuracy": 0.8}},
                                {"stage": "inference", "requird": ["x"]},
                                {"stage": "training", "min": {"accuracy": "high"}}]}""");
        List<String> errors = CiafConfig.load(Map.of("CIAF_HOME", home.toString()), new Properties(), null).validate();
        assertThat(errors).anyMatch(e -> e.startsWith("validators[0].stage"))
                .anyMatch(e -> e.contains("validators[1].requird is not a validator rule field; did you mean required?"))
                .anyMatch(e -> e.contains("validators[2].min.accuracy: must be a number"));
    }

    @Test
    void assessingWithoutCiafRunningSaysSo() {
        Map<String, String> vars = Map.of("CIAF_HOME", home.toString(), "CIAF_STORAGE_BACKEND", "nosuch");
        assertThat(Ciaf.start(CiafConfig.load(vars, new Properties(), null))).isFalse();
        assertThatThrownBy(() -> new ComplianceTracker(Ciaf.model("credit", "1")).assess())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
        assertThatThrownBy(() -> new ComplianceTracker(Ciaf.model("credit", "1")).htmlReport(null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
    }

}
