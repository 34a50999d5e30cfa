package io.ciaf.compliance;

import static io.ciaf.compliance.CheckStatus.FAIL;
import static io.ciaf.compliance.CheckStatus.INSUFFICIENT_EVIDENCE;
import static io.ciaf.compliance.CheckStatus.NOT_APPLICABLE;
import static io.ciaf.compliance.CheckStatus.PARTIAL;
import static io.ciaf.compliance.CheckStatus.PASS;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;

/** What the built-in checks share: evidence lookups, retention and disparate-impact rules, result helpers. */
final class Checks {

    /** Most evidence ids one result lists; the reason gives the full count. */
    static final int MAX_IDS = 50;

    private Checks() {
    }

    static ComplianceCheck check(String id, String citation, double weight, boolean blocking,
            Function<Evidence, CheckResult> evaluate) {
        return ComplianceCheck.of(id, citation, weight, blocking, evaluate);
    }

    static CheckResult result(String id, CheckStatus status, Double measured, Double threshold,
            Collection<String> ids, String reason) {
        List<String> capped = ids.stream().limit(MAX_IDS).toList();
        return new CheckResult(id, status, measured, threshold, capped, reason);
    }

    static CheckResult result(String id, CheckStatus status, Collection<String> ids, String reason) {
        return result(id, status, null, null, ids, reason);
    }

    static List<String> ids(Collection<MetadataRecord> records) {
        return records.stream().map(r -> r.id().toString()).toList();
    }

    static List<String> factIds(Collection<LedgerFact> facts) {
        return facts.stream().map(LedgerFact::id).toList();
    }

    /** PASS when all {@code ok} of {@code n}, PARTIAL when at least {@code partialFrom} of them, else FAIL. */
    static CheckStatus share(long ok, long n, double partialFrom) {
        if (ok == n) {
            return PASS;
        }
        return n > 0 && (double) ok / n >= partialFrom ? PARTIAL : FAIL;
    }

    static double fraction(long ok, long n) {
        return n == 0 ? 0 : (double) ok / n;
    }

    static boolean hasAny(MetadataRecord r, String... keys) {
        for (String k : keys) {
            Object v = Evidence.at(r.metadata(), k);
            if (v != null && !(v instanceof String s && s.isBlank()) && !Boolean.FALSE.equals(v)) {
                return true;
            }
        }
        return false;
    }

    static boolean eventLike(MetadataRecord r, String... words) {
        String e = r.eventType().toLowerCase(Locale.ROOT);
        for (String w : words) {
            if (e.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** The records whose event type contains one of {@code words}. */
    static List<MetadataRecord> events(Evidence e, String... words) {
        return e.records().stream().filter(r -> eventLike(r, words)).toList();
    }

    /** The features the model was trained on: the newest TRAINING record's {@code features} list. */
    static Optional<List<String>> features(Evidence e) {
        List<MetadataRecord> training = e.records(Stage.TRAINING);
        for (int i = training.size() - 1; i >= 0; i--) {
            if (training.get(i).metadata().get("features") instanceof List<?> l) {
                return Optional.of(l.stream().map(String::valueOf).toList());
            }
        }
        return Optional.empty();
    }

    /** The version a record is about: its own, or a {@code model_version} value. */
    static Optional<String> version(MetadataRecord r) {
        if (r.version().isPresent()) {
            return r.version();
        }
        Object v = r.metadata().get("model_version");
        return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
    }

    /** The first record of {@code stage} for {@code version} (any version when null) before {@code before}. */
    static Optional<MetadataRecord> before(Evidence e, Stage stage, String version, Instant before) {
        return e.records(stage).stream()
                .filter(r -> version == null || version.equals(version(r).orElse(null)))
                .filter(r -> !r.timestamp().isAfter(before))
                .findFirst();
    }

    /** Evidence that a person attested {@code path}: the newest attestation holding a yes there. */
    static Optional<MetadataRecord> attested(Evidence e, String path) {
        List<MetadataRecord> a = e.attestations();
        for (int i = a.size() - 1; i >= 0; i--) {
            if (Evidence.yes(Evidence.at(a.get(i).metadata(), path))) {
                return Optional.of(a.get(i));
            }
        }
        return Optional.empty();
    }

    /** PASS for an attestation that names who declared it, PARTIAL for an anonymous one. */
    static CheckResult fromAttestation(String id, MetadataRecord a, String what) {
        if (a.actor().isPresent()) {
            return result(id, PASS, List.of(a.id().toString()),
                    what + " attested by " + a.actor().get() + " at " + a.timestamp());
        }
        return result(id, PARTIAL, List.of(a.id().toString()),
                what + " attested at " + a.timestamp() + " but by nobody named");
    }

    /**
     * Whether the retention periods of {@code classes} (config keys like {@code retention.days}) are all at
     * least {@code minDays}.
     */
    static CheckResult retention(String id, Evidence e, double minDays, String... keys) {
        double least = Double.MAX_VALUE;
        String leastKey = null;
        for (String k : keys) {
            double d = e.threshold(k, Double.NaN);
            if (Double.isNaN(d)) {
                return result(id, INSUFFICIENT_EVIDENCE, List.of(), "the retention period " + k + " is not known");
            }
            if (d < least) {
                least = d;
                leastKey = k;
            }
        }
        if (least >= minDays) {
            return result(id, PASS, least, minDays, List.of(), "records are kept at least " + (long) least
                    + " days (" + String.join(", ", keys) + "); " + (long) minDays + " required");
        }
        return result(id, FAIL, least, minDays, List.of(), leastKey + " keeps records " + (long) least
                + " days; at least " + (long) minDays + " are required: raise " + leastKey);
    }

    /** The four-fifths rule over every protected attribute: the lowest min/max selection-rate ratio. */
    static CheckResult disparateImpact(String id, Evidence e) {
        List<String> attributes = e.protectedAttributes();
        if (attributes.isEmpty()) {
            return result(id, INSUFFICIENT_EVIDENCE, List.of(),
                    "no protected attribute is configured (compliance.protected_attributes)");
        }
        double threshold = e.threshold("compliance.four_fifths", 0.8);
        double worst = Double.MAX_VALUE;
        String worstWhere = null;
        List<String> without = new ArrayList<>();
        for (String a : attributes) {
            Map<String, Double> rates = FairnessMetrics.selectionRates(e.outcomes(a));
            OptionalDouble ratio = FairnessMetrics.disparateImpactRatio(rates);
            if (rates.size() < 2 || ratio.isEmpty()) {
                without.add(a);
                continue;
            }
            if (ratio.getAsDouble() < worst) {
                worst = ratio.getAsDouble();
                worstWhere = a + " " + describeRates(rates);
            }
        }
        List<String> evidence = ids(e.decisions());
        if (worstWhere == null) {
            return result(id, INSUFFICIENT_EVIDENCE, evidence, "no decisions with two or more groups of "
                    + String.join(", ", without) + " are recorded (INFERENCE records with favourable and the attribute)");
        }
        String note = without.isEmpty() ? "" : "; not measurable for " + String.join(", ", without);
        return result(id, worst >= threshold ? PASS : FAIL, worst, threshold, evidence,
                String.format(Locale.ROOT, "lowest impact ratio %.3f (%s)%s", worst, worstWhere, note));
    }

    static String describeRates(Map<String, Double> rates) {
        StringBuilder sb = new StringBuilder();
        rates.forEach((g, r) -> sb.append(sb.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %.3f", g, r)));
        return sb.toString();
    }

    static String days(Duration d) {
        return String.format(Locale.ROOT, "%.1f", d.toSeconds() / 86_400.0);
    }

    /** A NOT_APPLICABLE or INSUFFICIENT_EVIDENCE result with its reason. */
    static CheckResult none(String id, boolean applies, String reason) {
        return result(id, applies ? INSUFFICIENT_EVIDENCE : NOT_APPLICABLE, List.of(), reason);
    }

    /**
     * Each deployed version (oldest first) with the first VALIDATION record of that version made before its
     * first deployment, if any: what P11-10a, ISO-416 and ISO-739 decide from.
     */
    static Map<String, Optional<MetadataRecord>> validationsBeforeDeployment(Evidence e) {
        Map<String, Optional<MetadataRecord>> out = new LinkedHashMap<>();
        deployments(e).forEach((version, d) -> out.put(version,
                before(e, Stage.VALIDATION, version.equals(NO_VERSION) ? null : version, d.timestamp())));
        return out;
    }

    /** How {@link #deployments} names a deployment that gives no version. */
    static final String NO_VERSION = "(no version)";

    /** Deployed versions, oldest first, each with its first DEPLOYMENT record. */
    static Map<String, MetadataRecord> deployments(Evidence e) {
        Map<String, MetadataRecord> out = new LinkedHashMap<>();
        for (MetadataRecord r : e.records(Stage.DEPLOYMENT)) {
            out.putIfAbsent(version(r).orElse(NO_VERSION), r);
        }
        return out;
    }
}
