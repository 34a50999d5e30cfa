package io.ciaf.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;

class BuiltInChecksTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static ComplianceFramework framework(String id) {
        return Frameworks.builtIn().stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow();
    }

    private static CheckResult result(FrameworkScore s, String check) {
        return s.results().stream().filter(r -> r.checkId().equals(check)).findFirst().orElseThrow();
    }

    private static MetadataRecord at(int minute, Stage stage, String event, Map<String, ?> metadata) {
        return MetadataRecord.builder("credit", stage, event).version("1.0").timestamp(T0.plusSeconds(60L * minute))
                .putAll(metadata).build();
    }

    /** Group a: 40 of 50 approved (0.8); group b: 18 of 30 (0.6); every denial with reasons. */
    private static List<MetadataRecord> decisions() {
        List<MetadataRecord> out = new ArrayList<>();
        int minute = 100;
        for (int i = 0; i < 50; i++) {
            out.add(decision(minute++, "a", i < 40));
        }
        for (int i = 0; i < 30; i++) {
            out.add(decision(minute++, "b", i < 18));
        }
        return out;
    }

    private static MetadataRecord decision(int minute, String group, boolean favourable) {
        return at(minute, Stage.INFERENCE, "predict", favourable
                ? Map.of("favourable", true, "sex", group, "input_ref", "r" + minute)
                : Map.of("favourable", false, "sex", group, "input_ref", "r" + minute,
                        "adverse_action_reasons", List.of("duration", "credit_amount: too high")));
    }

    private static Evidence.Builder evidence() {
        return Evidence.builder("credit").records(decisions()).asOf(T0.plusSeconds(86_400))
                .setting("compliance.protected_attributes", List.of("sex"))
                .setting("retention.days", 365).setting("retention.important_days", 1095)
                .setting("retention.critical_days", 2555);
    }

    @Test
    void eeocScoresTheFourFifthsRuleAsComputedByHand() {
        FrameworkScore s = FrameworkScore.assess(framework("eeoc"), evidence().build(), 0.5);
        // 0.6 / 0.8 = 0.75 < 0.8
        CheckResult di = result(s, "EEOC-4D");
        assertThat(di.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(di.measured()).isCloseTo(0.75, within(1e-12));
        assertThat(di.threshold()).isEqualTo(0.8);
        assertThat(di.evidenceIds()).hasSize(Checks.MAX_IDS);
        // pooled 58/80 = 0.725; z = 0.2 / sqrt(0.725 · 0.275 · (1/50 + 1/30)) = 1.93952...
        CheckResult sig = result(s, "EEOC-4D-sig");
        assertThat(sig.measured()).isCloseTo(0.2 / Math.sqrt(0.725 * 0.275 * (1.0 / 50 + 1.0 / 30)), within(1e-12));
        assertThat(sig.measured()).isCloseTo(1.9395, within(1e-4));
        assertThat(sig.status()).isEqualTo(CheckStatus.PASS);
        assertThat(result(s, "EEOC-4A").reason()).contains("a 40/50").contains("b 18/30");
        assertThat(result(s, "EEOC-LL144").status()).isEqualTo(CheckStatus.INSUFFICIENT_EVIDENCE);
        assertThat(result(s, "EEOC-1602").status()).isEqualTo(CheckStatus.PASS);
        // (3·0 + 1·1 + 1·1 + 1·0 + 1·1) / 7, below the 0.5 cap
        assertThat(s.score().getAsDouble()).isCloseTo(3.0 / 7, within(1e-12));
        assertThat(s.capped()).isFalse();
    }

    @Test
    void aGapAboveTheFourFifthsLineIsFlaggedWhenSignificant() {
        // a: 900 of 1000 (0.9); b: 750 of 1000 (0.75): ratio 0.833 passes, yet |z| is far above 1.96
        List<MetadataRecord> records = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            records.add(decision(i, i < 1000 ? "a" : "b", i < 1000 ? i < 900 : i < 1750));
        }
        Evidence e = Evidence.builder("credit").records(records).setting("compliance.protected_attributes", "sex").build();
        FrameworkScore s = FrameworkScore.assess(framework("eeoc"), e, 0.5);
        assertThat(result(s, "EEOC-4D").status()).isEqualTo(CheckStatus.PASS);
        CheckResult sig = result(s, "EEOC-4D-sig");
        assertThat(sig.status()).isEqualTo(CheckStatus.PARTIAL);
        double pooled = 1650.0 / 2000;
        assertThat(sig.measured()).isCloseTo(0.15 / Math.sqrt(pooled * (1 - pooled) * (2.0 / 1000)), within(1e-9));
        assertThat(sig.reason()).contains("sex=b vs a");
    }

    @Test
    void intersectionalRatiosLeaveOutGroupsUnderTwoPercent() {
        List<MetadataRecord> records = new ArrayList<>();
        int m = 0;
        // f|young 10/20, f|old 30/40, m|young 15/20, m|old 30/40, and one m|child decision (under 2%)
        int[][] spec = {{10, 20}, {30, 40}, {15, 20}, {30, 40}};
        String[][] groups = {{"f", "young"}, {"f", "old"}, {"m", "young"}, {"m", "old"}};
        for (int g = 0; g < 4; g++) {
            for (int i = 0; i < spec[g][1]; i++) {
                records.add(at(m++, Stage.INFERENCE, "predict", Map.of("favourable", i < spec[g][0],
                        "sex", groups[g][0], "age", groups[g][1])));
            }
        }
        records.add(at(m, Stage.INFERENCE, "predict", Map.of("favourable", false, "sex", "m", "age", "child")));
        Evidence e = Evidence.builder("credit").records(records)
                .setting("compliance.protected_attributes", List.of("sex", "age")).build();
        CheckResult r = result(FrameworkScore.assess(framework("eeoc"), e, 0.5), "EEOC-LL144");
        assertThat(r.measured()).isCloseTo(0.5 / 0.75, within(1e-12));
        assertThat(r.status()).isEqualTo(CheckStatus.PARTIAL);
        assertThat(r.reason()).doesNotContain("child");
    }

    @Test
    void fcraNeedsReasonsForEveryDenialAndReasonsTheModelUses() {
        List<MetadataRecord> records = new ArrayList<>(decisions());
        records.add(at(1, Stage.TRAINING, "trained", Map.of("features", List.of("duration", "credit_amount", "age"))));
        FrameworkScore s = FrameworkScore.assess(framework("fcra-ecoa"), evidence().records(records.subList(80, 81))
                .build(), 0.5);
        assertThat(result(s, "FCRA-AA").status()).isEqualTo(CheckStatus.PASS);
        assertThat(result(s, "FCRA-AA-model").status()).isEqualTo(CheckStatus.PASS);
        assertThat(result(s, "FCRA-RET").status()).isEqualTo(CheckStatus.FAIL);
        assertThat(result(s, "FCRA-RET").reason()).contains("retention.days keeps records 365 days").contains("761");
        assertThat(result(s, "FCRA-DI").measured()).isCloseTo(0.75, within(1e-12));
        assertThat(s.capped()).isFalse(); // already below the cap

        List<MetadataRecord> bad = new ArrayList<>(records);
        bad.add(at(500, Stage.INFERENCE, "predict", Map.of("favourable", false, "sex", "a")));
        bad.add(at(501, Stage.INFERENCE, "predict", Map.of("favourable", false, "sex", "b",
                "adverse_action_reasons", List.of("zip_code"))));
        FrameworkScore s2 = FrameworkScore.assess(framework("fcra-ecoa"), Evidence.builder("credit").records(bad)
                .setting("compliance.protected_attributes", "sex").build(), 0.5);
        CheckResult aa = result(s2, "FCRA-AA");
        assertThat(aa.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(aa.measured()).isCloseTo(23.0 / 24, within(1e-12)); // 22 denials from decisions() + 2 more
        assertThat(result(s2, "FCRA-AA-model").reason()).contains("zip_code");
    }

    @Test
    void deploymentWithoutPriorValidationFailsPart11AndCapsTheScore() {
        Evidence e = Evidence.builder("credit").records(List.of(
                at(1, Stage.TRAINING, "trained", Map.of()),
                at(2, Stage.DEPLOYMENT, "deployed", Map.of()),
                at(3, Stage.VALIDATION, "validated", Map.of("accuracy", 0.9)))).build();
        FrameworkScore s = FrameworkScore.assess(framework("fda-21-cfr-11"), e, 0.5);
        assertThat(result(s, "P11-10a").status()).isEqualTo(CheckStatus.FAIL);
        assertThat(result(s, "P11-10a").reason()).contains("1.0");
        Evidence ok = Evidence.builder("credit").records(List.of(
                at(1, Stage.VALIDATION, "validated", Map.of("accuracy", 0.9)),
                at(2, Stage.DEPLOYMENT, "deployed", Map.of()))).build();
        assertThat(result(FrameworkScore.assess(framework("fda-21-cfr-11"), ok, 0.5), "P11-10a").status())
                .isEqualTo(CheckStatus.PASS);
        Evidence broken = Evidence.builder("credit").records(ok.records()).ledgerBroken("entry 7: hash mismatch").build();
        FrameworkScore b = FrameworkScore.assess(framework("fda-21-cfr-11"), broken, 0.5);
        assertThat(result(b, "P11-10e").status()).isEqualTo(CheckStatus.FAIL);
        assertThat(result(b, "P11-10e").reason()).contains("entry 7: hash mismatch");
        assertThat(b.score().getAsDouble()).isLessThanOrEqualTo(0.5);
    }

    @Test
    void biasMustBeExaminedBeforeDeployment() {
        MetadataRecord exam = at(5, Stage.VALIDATION, "fairness", Map.of("disparate_impact", 0.85));
        MetadataRecord deploy = at(4, Stage.DEPLOYMENT, "deployed", Map.of());
        CheckResult late = result(FrameworkScore.assess(framework("eu-ai-act"),
                Evidence.builder("credit").records(List.of(exam, deploy)).build(), 0.5), "AIA-10.2f");
        assertThat(late.status()).isEqualTo(CheckStatus.FAIL);
        MetadataRecord later = at(6, Stage.DEPLOYMENT, "deployed", Map.of());
        CheckResult inTime = result(FrameworkScore.assess(framework("eu-ai-act"),
                Evidence.builder("credit").records(List.of(exam, later)).build(), 0.5), "AIA-10.2f");
        assertThat(inTime.status()).isEqualTo(CheckStatus.PASS);
        assertThat(inTime.evidenceIds()).containsExactly(exam.id().toString());
    }

    @Test
    void driftAboveTheMajorThresholdFailsAccuracyAndRobustness() {
        Evidence e = Evidence.builder("credit").records(List.of(
                at(1, Stage.VALIDATION, "validated", Map.of("accuracy", 0.76)),
                at(2, Stage.DEPLOYMENT, "deployed", Map.of()),
                at(3, Stage.MONITORING, "drift", Map.of("psi", 0.31, "accuracy", 0.75)))).build();
        CheckResult r = result(FrameworkScore.assess(framework("eu-ai-act"), e, 0.5), "AIA-15");
        assertThat(r.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(r.measured()).isEqualTo(0.31);
        assertThat(r.reason()).contains("major drift");
    }

    @Test
    void plaintextReceiptsFailPseudonymisationAndKeyedOnesPass() {
        LedgerFact keyed = new LedgerFact(5, "INFERENCE", T0, Map.of("input", Map.of("kind", "HMAC_SHA256")));
        LedgerFact plain = new LedgerFact(6, "INFERENCE", T0, Map.of("input", Map.of("kind", "PLAINTEXT")));
        CheckResult pass = result(FrameworkScore.assess(framework("gdpr"),
                Evidence.builder("credit").facts(List.of(keyed)).build(), 0.5), "GDPR-32");
        assertThat(pass.status()).isEqualTo(CheckStatus.PASS);
        CheckResult fail = result(FrameworkScore.assess(framework("gdpr"),
                Evidence.builder("credit").facts(List.of(keyed, plain)).build(), 0.5), "GDPR-32");
        assertThat(fail.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(fail.evidenceIds()).containsExactly("ledger:6");
    }

    @Test
    void hipaaAppliesOnlyToPhiAndFindsSafeHarborIdentifiers() {
        FrameworkScore none = FrameworkScore.assess(framework("hipaa"), evidence().build(), 0.5);
        assertThat(none.results()).allMatch(r -> r.status() == CheckStatus.NOT_APPLICABLE);
        assertThat(none.score()).isEmpty();
        LedgerFact dataset = new LedgerFact(3, "DATASET", T0, Map.of("dataset_id", "patients",
                "features", List.of("age", "zip_code", "diagnosis"),
                "metadata", Map.of("phi", true, "deidentified", true)));
        FrameworkScore s = FrameworkScore.assess(framework("hipaa"), evidence().facts(List.of(dataset)).build(), 0.5);
        CheckResult r = result(s, "HIPAA-514");
        assertThat(r.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(r.reason()).contains("patients.zip_code").doesNotContain("diagnosis");
        // 312b FAIL (2: no actor on the accesses), 308D FAIL (1), 312a INSUFFICIENT (1), 312c PASS (1),
        // 316 PASS (1), 514 FAIL (2): 2 / 8, below the cap
        assertThat(s.score().getAsDouble()).isCloseTo(2.0 / 8, within(1e-12));
        assertThat(result(s, "HIPAA-312c").status()).isEqualTo(CheckStatus.PASS);
    }

    @Test
    void attestationsCountOnlyWithWhoDeclaredThem() {
        MetadataRecord named = MetadataRecord.builder("credit", Stage.COMPLIANCE, "gdpr_attestation")
                .timestamp(T0).actor("dpo@bank.example").put("right_to_explanation", true).build();
        MetadataRecord anonymous = MetadataRecord.builder("credit", Stage.COMPLIANCE, "gdpr_attestation")
                .timestamp(T0).put("right_to_explanation", true).build();
        CheckResult pass = result(FrameworkScore.assess(framework("gdpr"),
                evidence().records(List.of(named)).build(), 0.5), "GDPR-22");
        assertThat(pass.status()).isEqualTo(CheckStatus.PASS);
        assertThat(pass.reason()).contains("dpo@bank.example");
        CheckResult partial = result(FrameworkScore.assess(framework("gdpr"),
                evidence().records(List.of(anonymous)).build(), 0.5), "GDPR-22");
        assertThat(partial.status()).isEqualTo(CheckStatus.PARTIAL);
    }

    @Test
    void everyBuiltInCheckDecidesEmptyEvidenceWithoutAnError() {
        Evidence empty = Evidence.builder("nothing").build();
        for (ComplianceFramework f : Frameworks.builtIn()) {
            FrameworkScore s = FrameworkScore.assess(f, empty, 0.5);
            assertThat(s.results()).as(f.id()).noneMatch(r -> r.status() == CheckStatus.ERROR);
            assertThat(s.results()).as(f.id()).allMatch(r -> !r.reason().isBlank());
        }
    }

    @Test
    void theHtmlReportIsSelfContainedAndShowsTheFourFifthsLine() {
        Assessment a = Assessment.run("credit", Frameworks.builtIn(), evidence().build(), 0.5);
        String html = ComplianceReport.html(a, List.of(new ComplianceReport.ScorePoint(T0, Map.of("eeoc", 0.9))), 0.8);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("four-fifths rule")
                .contains("EEOC-4D").contains("0.750").doesNotContain("src=").doesNotContain("href=")
                .doesNotContain("<script");
        // the four-fifths line sits at 0.8 × 0.8 of the 400-pixel scale, from x = 160
        assertThat(html).contains("x1=\"416.0\" x2=\"416.0\"");
        assertThat(ComplianceReport.esc("<b a=\"x\">&'")).isEqualTo("&lt;b a=&quot;x&quot;&gt;&amp;&#39;");
        assertThat(ComplianceReport.markdown(a, 0.8)).contains("| b | 0.600 | **no** |");
    }
}
