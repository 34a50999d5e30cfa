package io.ciaf.compliance;

import static io.ciaf.compliance.CheckStatus.FAIL;
import static io.ciaf.compliance.CheckStatus.INSUFFICIENT_EVIDENCE;
import static io.ciaf.compliance.CheckStatus.NOT_APPLICABLE;
import static io.ciaf.compliance.CheckStatus.PARTIAL;
import static io.ciaf.compliance.CheckStatus.PASS;
import static io.ciaf.compliance.Checks.check;
import static io.ciaf.compliance.Checks.ids;
import static io.ciaf.compliance.Checks.result;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;

/** The Fair Credit Reporting Act and the Equal Credit Opportunity Act with Regulation B. */
final class FcraEcoa {

    /** The INFERENCE metadata key holding a denial's principal reasons (a list of feature names or texts). */
    static final String REASONS = "adverse_action_reasons";
    /** The INFERENCE metadata key holding when the adverse-action notice went out (ISO-8601 instant). */
    static final String NOTICE_AT = "adverse_action_notice_at";

    private FcraEcoa() {
    }

    static ComplianceFramework framework() {
        return ComplianceFramework.of("fcra-ecoa", "FCRA / ECOA (Regulation B)", "12 CFR 1002", List.of(
                check("FCRA-AA", "12 CFR 1002.9(a)(2)", 3, true, FcraEcoa::adverseAction),
                check("FCRA-AA-time", "12 CFR 1002.9(a)(1)", 1, false, FcraEcoa::noticeInTime),
                check("FCRA-AA-model", "CFPB Circulars 2022-03, 2023-03", 2, false, FcraEcoa::reasonsFromModel),
                check("FCRA-RET", "12 CFR 1002.12(b)", 1, false, e -> Checks.retention("FCRA-RET", e, 761,
                        "retention.days", "retention.important_days")),
                check("FCRA-ACC", "15 USC 1681e(b)", 1, false, FcraEcoa::accuracyProcedures),
                check("FCRA-DI", "ECOA, 15 USC 1691", 3, true, e -> Checks.disparateImpact("FCRA-DI", e))));
    }

    static List<MetadataRecord> denials(Evidence e) {
        return e.decisions().stream().filter(r -> Boolean.FALSE.equals(r.metadata().get(Evidence.FAVOURABLE))).toList();
    }

    static List<String> reasons(MetadataRecord r) {
        Object v = r.metadata().get(REASONS);
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).filter(s -> !s.isBlank()).toList();
        }
        return v instanceof String s && !s.isBlank() ? List.of(s) : List.of();
    }

    static CheckResult adverseAction(Evidence e) {
        if (e.decisions().isEmpty()) {
            return result("FCRA-AA", INSUFFICIENT_EVIDENCE, List.of(), "no credit decisions are recorded (INFERENCE"
                    + " records with favourable)");
        }
        List<MetadataRecord> denials = denials(e);
        if (denials.isEmpty()) {
            return result("FCRA-AA", NOT_APPLICABLE, List.of(), "no denials among " + e.decisions().size()
                    + " decisions");
        }
        long maxReasons = (long) e.threshold("compliance.max_adverse_reasons", 4);
        List<MetadataRecord> bad = denials.stream().filter(r -> reasons(r).isEmpty() || reasons(r).size() > maxReasons)
                .toList();
        long ok = denials.size() - bad.size();
        return result("FCRA-AA", bad.isEmpty() ? PASS : FAIL, Checks.fraction(ok, denials.size()), 1.0,
                bad.isEmpty() ? ids(denials) : ids(bad), bad.isEmpty() ? "all " + denials.size()
                        + " denials carry 1 to " + maxReasons + " principal reasons" : bad.size() + " of "
                        + denials.size() + " denials have no principal reasons or more than " + maxReasons
                        + " (" + REASONS + ")");
    }

    static Optional<Instant> noticeAt(MetadataRecord r) {
        if (r.metadata().get(NOTICE_AT) instanceof String s) {
            try {
                return Optional.of(Instant.parse(s));
            } catch (DateTimeParseException ignored) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    static CheckResult noticeInTime(Evidence e) {
        List<MetadataRecord> denials = denials(e);
        if (denials.isEmpty()) {
            return Checks.none("FCRA-AA-time", e.decisions().isEmpty(), "no denials are recorded");
        }
        long days = (long) e.threshold("compliance.adverse_notice_days", 30);
        List<MetadataRecord> late = new ArrayList<>();
        List<MetadataRecord> unknown = new ArrayList<>();
        for (MetadataRecord r : denials) {
            Optional<Instant> at = noticeAt(r);
            if (at.isEmpty()) {
                if (Duration.between(r.timestamp(), e.asOf()).toDays() > days) {
                    late.add(r); // no notice recorded and the period is over
                } else {
                    unknown.add(r);
                }
            } else if (Duration.between(r.timestamp(), at.get()).toSeconds() > days * 86_400) {
                late.add(r);
            }
        }
        long ok = denials.size() - late.size() - unknown.size();
        if (!late.isEmpty()) {
            return result("FCRA-AA-time", FAIL, Checks.fraction(ok, denials.size()), 1.0, ids(late), late.size()
                    + " denials had no notice within " + days + " days (" + NOTICE_AT + ")");
        }
        if (!unknown.isEmpty()) {
            return result("FCRA-AA-time", ok > 0 ? PARTIAL : INSUFFICIENT_EVIDENCE, Checks.fraction(ok, denials.size()),
                    1.0, ids(unknown), unknown.size() + " denials record no notice time yet (" + NOTICE_AT
                            + "); their " + days + " days are not over");
        }
        return result("FCRA-AA-time", PASS, 1.0, 1.0, ids(denials), "every notice went out within " + days + " days");
    }

    /** The feature a reason names: the text before a colon, e.g. {@code "duration: too long"} → {@code duration}. */
    static String feature(String reason) {
        int colon = reason.indexOf(':');
        return (colon < 0 ? reason : reason.substring(0, colon)).strip();
    }

    static CheckResult reasonsFromModel(Evidence e) {
        List<MetadataRecord> denials = denials(e).stream().filter(r -> !reasons(r).isEmpty()).toList();
        if (denials.isEmpty()) {
            return Checks.none("FCRA-AA-model", !denials(e).isEmpty(), "no denial with reasons is recorded");
        }
        Optional<List<String>> features = Checks.features(e);
        if (features.isEmpty()) {
            return result("FCRA-AA-model", INSUFFICIENT_EVIDENCE, List.of(), "the model's features are not recorded"
                    + " (a TRAINING record with features)");
        }
        Set<String> unknown = new TreeSet<>();
        List<MetadataRecord> bad = new ArrayList<>();
        for (MetadataRecord r : denials) {
            List<String> foreign = reasons(r).stream().map(FcraEcoa::feature)
                    .filter(f -> !features.get().contains(f)).toList();
            if (!foreign.isEmpty()) {
                unknown.addAll(foreign);
                bad.add(r);
            }
        }
        long ok = denials.size() - bad.size();
        List<String> evidence = new ArrayList<>(ids(e.records(Stage.TRAINING)));
        evidence.addAll(ids(bad.isEmpty() ? denials : bad));
        return result("FCRA-AA-model", bad.isEmpty() ? PASS : FAIL, Checks.fraction(ok, denials.size()), 1.0, evidence,
                bad.isEmpty() ? "every reason names a feature the model uses" : bad.size()
                        + " denials give reasons the model does not use: " + String.join(", ", unknown));
    }

    static CheckResult accuracyProcedures(Evidence e) {
        List<MetadataRecord> quality = e.records(Stage.DATA_INGESTION).stream()
                .filter(r -> Checks.hasAny(r, "quality", "missing_values", "completeness", "duplicates",
                        "data_quality", "schema_valid")).toList();
        List<LedgerFact> anchors = e.facts("DATASET").stream()
                .filter(f -> f.fields().containsKey("missing_values") || f.fields().containsKey("duplicates")).toList();
        List<MetadataRecord> disputes = Checks.events(e, "dispute");
        List<String> evidence = new ArrayList<>(ids(quality));
        evidence.addAll(Checks.factIds(anchors));
        evidence.addAll(ids(disputes));
        if (quality.isEmpty() && anchors.isEmpty()) {
            return result("FCRA-ACC", e.records(Stage.DATA_INGESTION).isEmpty() ? INSUFFICIENT_EVIDENCE : FAIL,
                    evidence, "no data-quality checks are recorded (missing values, duplicates, completeness)");
        }
        return result("FCRA-ACC", PASS, evidence, (quality.size() + anchors.size()) + " data-quality checks and "
                + disputes.size() + " disputes are logged");
    }
}
