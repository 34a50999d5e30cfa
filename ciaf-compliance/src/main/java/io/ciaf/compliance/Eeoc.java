package io.ciaf.compliance;

import static io.ciaf.compliance.CheckStatus.FAIL;
import static io.ciaf.compliance.CheckStatus.INSUFFICIENT_EVIDENCE;
import static io.ciaf.compliance.CheckStatus.PARTIAL;
import static io.ciaf.compliance.CheckStatus.PASS;
import static io.ciaf.compliance.Checks.check;
import static io.ciaf.compliance.Checks.ids;
import static io.ciaf.compliance.Checks.result;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Uniform Guidelines on Employee Selection Procedures (29 CFR 1607), with NYC Local Law 144. */
final class Eeoc {

    private Eeoc() {
    }

    static ComplianceFramework framework() {
        return ComplianceFramework.of("eeoc", "EEOC Uniform Guidelines", "29 CFR 1607", List.of(
                check("EEOC-4D", "29 CFR 1607.4(D)", 3, true, e -> Checks.disparateImpact("EEOC-4D", e)),
                check("EEOC-4D-sig", "29 CFR 1607.4(D)", 1, false, Eeoc::significance),
                check("EEOC-4A", "29 CFR 1607.4(A)-(B)", 1, false, Eeoc::applicantFlow),
                check("EEOC-LL144", "NYC Local Law 144, 6 RCNY 5-301", 1, false, Eeoc::intersectional),
                check("EEOC-1602", "29 CFR 1602.14", 1, false, e -> Checks.retention("EEOC-1602", e, 365,
                        "retention.days", "retention.important_days"))));
    }

    /**
     * The two-proportion z statistic of group {@code a} against group {@code b} (pooled variance); 0 when the
     * pooled rate is 0 or 1, where the rates cannot differ.
     */
    static double z(long selectedA, long totalA, long selectedB, long totalB) {
        double pooled = (double) (selectedA + selectedB) / (totalA + totalB);
        double variance = pooled * (1 - pooled) * (1.0 / totalA + 1.0 / totalB);
        if (variance == 0) {
            return 0;
        }
        return ((double) selectedA / totalA - (double) selectedB / totalB) / Math.sqrt(variance);
    }

    static CheckResult significance(Evidence e) {
        if (e.protectedAttributes().isEmpty()) {
            return result("EEOC-4D-sig", INSUFFICIENT_EVIDENCE, List.of(),
                    "no protected attribute is configured (compliance.protected_attributes)");
        }
        double critical = e.threshold("compliance.z_critical", 1.96);
        long minGroup = (long) e.threshold("compliance.min_group_size", 30);
        double ratioThreshold = e.threshold("compliance.four_fifths", 0.8);
        double worstZ = 0;
        List<String> flagged = new ArrayList<>();
        List<String> small = new ArrayList<>();
        boolean measured = false;
        for (String attribute : e.protectedAttributes()) {
            Map<String, long[]> counts = FairnessMetrics.counts(e.outcomes(attribute));
            if (counts.size() < 2) {
                continue;
            }
            measured = true;
            String top = null;
            double topRate = -1;
            for (Map.Entry<String, long[]> c : counts.entrySet()) {
                double rate = (double) c.getValue()[1] / c.getValue()[0];
                if (rate > topRate) {
                    topRate = rate;
                    top = c.getKey();
                }
            }
            long[] t = counts.get(top);
            for (Map.Entry<String, long[]> c : counts.entrySet()) {
                long[] g = c.getValue();
                if (g[0] < minGroup) {
                    small.add(attribute + "=" + c.getKey() + " (n=" + g[0] + ")");
                }
                if (c.getKey().equals(top)) {
                    continue;
                }
                double z = Math.abs(z(t[1], t[0], g[1], g[0]));
                worstZ = Math.max(worstZ, z);
                double ratio = topRate == 0 ? 1 : ((double) g[1] / g[0]) / topRate;
                if (z > critical && ratio >= ratioThreshold) {
                    flagged.add(String.format(Locale.ROOT, "%s=%s vs %s: ratio %.3f, |z| %.2f", attribute, c.getKey(),
                            top, ratio, z));
                }
            }
        }
        List<String> evidence = ids(e.decisions());
        if (!measured) {
            return result("EEOC-4D-sig", INSUFFICIENT_EVIDENCE, evidence, "no attribute has two groups of decisions");
        }
        List<String> notes = new ArrayList<>();
        if (!flagged.isEmpty()) {
            notes.add("significant gaps above the four-fifths line: " + String.join("; ", flagged));
        }
        if (!small.isEmpty()) {
            notes.add("small groups (below " + minGroup + "), ratios unreliable: " + String.join(", ", small));
        }
        return result("EEOC-4D-sig", notes.isEmpty() ? PASS : PARTIAL, worstZ, critical, evidence, notes.isEmpty()
                ? String.format(Locale.ROOT, "no significant gap above the four-fifths line (largest |z| %.2f)", worstZ)
                : String.join("; ", notes));
    }

    static CheckResult applicantFlow(Evidence e) {
        if (e.protectedAttributes().isEmpty()) {
            return result("EEOC-4A", INSUFFICIENT_EVIDENCE, List.of(),
                    "no protected attribute is configured (compliance.protected_attributes)");
        }
        List<String> kept = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String attribute : e.protectedAttributes()) {
            Map<String, long[]> counts = FairnessMetrics.counts(e.outcomes(attribute));
            if (counts.isEmpty()) {
                missing.add(attribute);
            } else {
                StringBuilder sb = new StringBuilder(attribute).append(": ");
                counts.forEach((g, c) -> sb.append(g).append(' ').append(c[1]).append('/').append(c[0]).append(' '));
                kept.add(sb.toString().strip());
            }
        }
        List<String> evidence = ids(e.decisions());
        if (kept.isEmpty()) {
            return result("EEOC-4A", INSUFFICIENT_EVIDENCE, evidence, "no decisions carry "
                    + String.join(", ", missing));
        }
        return result("EEOC-4A", missing.isEmpty() ? PASS : PARTIAL, evidence, "selected/applicants by group: "
                + String.join("; ", kept) + (missing.isEmpty() ? "" : "; no counts for " + String.join(", ", missing)));
    }

    static CheckResult intersectional(Evidence e) {
        List<String> attributes = e.protectedAttributes();
        if (attributes.size() < 2) {
            return result("EEOC-LL144", INSUFFICIENT_EVIDENCE, List.of(), "intersectional ratios need two protected"
                    + " attributes (compliance.protected_attributes)");
        }
        List<Outcome> outcomes = e.outcomes(String.join("+", attributes));
        Map<String, long[]> counts = FairnessMetrics.counts(outcomes);
        // LL144 rules let categories under 2% of the data be left out of the impact ratios.
        long total = outcomes.size();
        Map<String, Double> rates = new java.util.TreeMap<>();
        counts.forEach((g, c) -> {
            if (c[0] >= 0.02 * total) {
                rates.put(g, (double) c[1] / c[0]);
            }
        });
        var ratio = FairnessMetrics.disparateImpactRatio(rates);
        List<String> evidence = ids(e.decisions());
        if (rates.size() < 2 || ratio.isEmpty()) {
            return result("EEOC-LL144", INSUFFICIENT_EVIDENCE, evidence, "fewer than two intersectional groups of "
                    + String.join(" × ", attributes) + " with at least 2% of the decisions");
        }
        double threshold = e.threshold("compliance.four_fifths", 0.8);
        return result("EEOC-LL144", ratio.getAsDouble() >= threshold ? PASS : PARTIAL, ratio.getAsDouble(), threshold,
                evidence, String.format(Locale.ROOT, "lowest intersectional impact ratio %.3f over %s (%s)",
                        ratio.getAsDouble(), String.join(" × ", attributes), Checks.describeRates(rates)));
    }
}
