package io.ciaf.compliance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One compliance assessment of a model: every framework's score with its check results, the selection rates
 * per protected attribute the fairness checks used, and whether the ledger verified.
 */
public record Assessment(String model, Instant at, List<FrameworkScore> scores,
        Map<String, Map<String, Double>> selectionRates, boolean ledgerIntact, int records) {

    public Assessment {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(at, "at");
        scores = List.copyOf(scores);
        selectionRates = Map.copyOf(selectionRates);
    }

    /**
     * Scores {@code evidence} against every framework. A check that throws becomes an ERROR result; a framework
     * whose {@code checks()} throws is scored as one ERROR result.
     */
    public static Assessment run(String model, List<ComplianceFramework> frameworks, Evidence evidence,
            double blockingCap) {
        List<FrameworkScore> scores = new ArrayList<>();
        for (ComplianceFramework f : frameworks) {
            scores.add(FrameworkScore.assess(f, evidence, blockingCap));
        }
        Map<String, Map<String, Double>> rates = new LinkedHashMap<>();
        for (String attribute : evidence.protectedAttributes()) {
            rates.put(attribute, FairnessMetrics.selectionRates(evidence.outcomes(attribute)));
        }
        return new Assessment(model, evidence.asOf(), scores, rates, evidence.ledgerIntact(), evidence.records().size());
    }

    /** The checks that failed (FAIL or ERROR), by framework id. */
    public Map<String, List<CheckResult>> failed() {
        Map<String, List<CheckResult>> out = new LinkedHashMap<>();
        for (FrameworkScore s : scores) {
            List<CheckResult> f = s.results().stream()
                    .filter(r -> r.status() == CheckStatus.FAIL || r.status() == CheckStatus.ERROR).toList();
            if (!f.isEmpty()) {
                out.put(s.frameworkId(), f);
            }
        }
        return out;
    }

    /** The assessment as JSON-compatible values (what the COMPLIANCE ledger entry and the json report hold). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("assessed_at", at.toString());
        m.put("ledger_intact", ledgerIntact);
        m.put("records", records);
        List<Object> frameworks = new ArrayList<>();
        for (FrameworkScore s : scores) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("id", s.frameworkId());
            f.put("name", s.name());
            f.put("version", s.version());
            f.put("score", s.score().isPresent() ? s.score().getAsDouble() : null);
            f.put("capped", s.capped());
            List<Object> checks = new ArrayList<>();
            for (CheckResult r : s.results()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("id", r.checkId());
                c.put("status", r.status().name());
                c.put("measured", r.measured());
                c.put("threshold", r.threshold());
                c.put("evidence", r.evidenceIds());
                c.put("reason", r.reason());
                checks.add(c);
            }
            f.put("checks", checks);
            frameworks.add(f);
        }
        m.put("frameworks", frameworks);
        m.put("selection_rates", selectionRates);
        return m;
    }
}
