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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;

/** Regulation (EU) 2016/679, the GDPR, as it applies to profiling and automated decisions. */
final class Gdpr {

    /** Art 9(1) special categories, as feature-name fragments; {@code compliance.special_categories} overrides. */
    static final List<String> SPECIAL_CATEGORIES = List.of("race", "ethnic", "religio", "belief", "political",
            "trade_union", "union_member", "genetic", "biometric", "health", "disability", "sex_life",
            "sexual_orientation");

    private Gdpr() {
    }

    static ComplianceFramework framework() {
        return ComplianceFramework.of("gdpr", "GDPR", "2016/679", List.of(
                check("GDPR-6", "Art 13(1)(c), 30(1)(b)", 1, false, Gdpr::lawfulBasis),
                check("GDPR-5c", "Art 5(1)(c)", 1, false, Gdpr::minimisation),
                check("GDPR-5e", "Art 5(1)(e)", 1, false, Gdpr::storageLimitation),
                check("GDPR-22", "Art 22(3)", 2, true, Gdpr::humanReview),
                check("GDPR-22.4", "Art 22(4), Art 9", 2, true, Gdpr::specialCategories),
                check("GDPR-13f", "Art 13(2)(f), 15(1)(h)", 1, false, Gdpr::explanations),
                check("GDPR-30", "Art 30(1)", 1, false, Gdpr::processingRecord),
                check("GDPR-32", "Art 32(1)(a)", 1, false, Gdpr::pseudonymised),
                check("GDPR-35", "Art 35(3)(a)", 1, false, Gdpr::dpia),
                check("GDPR-17", "Art 17", 1, false, Gdpr::erasures)));
    }

    /** Each dataset, by id: its ingestion records' and anchors' declared values merged. */
    static Map<String, Map<String, Object>> datasets(Evidence e) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (MetadataRecord r : e.records(Stage.DATA_INGESTION)) {
            Object id = r.metadata().getOrDefault("dataset_id", r.metadata().getOrDefault("source", "(unnamed)"));
            out.computeIfAbsent(String.valueOf(id), k -> new LinkedHashMap<>()).putAll(r.metadata());
        }
        for (LedgerFact f : e.facts("DATASET")) {
            Map<String, Object> m = out.computeIfAbsent(String.valueOf(f.fields().get("dataset_id")),
                    k -> new LinkedHashMap<>());
            if (f.fields().get("metadata") instanceof Map<?, ?> declared) {
                declared.forEach((k, v) -> m.put(String.valueOf(k), v));
            }
        }
        return out;
    }

    static CheckResult lawfulBasis(Evidence e) {
        Map<String, Map<String, Object>> datasets = datasets(e);
        if (datasets.isEmpty()) {
            return result("GDPR-6", INSUFFICIENT_EVIDENCE, List.of(), "no dataset is recorded");
        }
        List<String> lacking = new ArrayList<>();
        datasets.forEach((id, m) -> {
            if (m.get("lawful_basis") == null || m.get("purpose") == null) {
                lacking.add(id);
            }
        });
        long ok = datasets.size() - lacking.size();
        List<String> evidence = new ArrayList<>(ids(e.records(Stage.DATA_INGESTION)));
        evidence.addAll(Checks.factIds(e.facts("DATASET")));
        return result("GDPR-6", Checks.share(ok, datasets.size(), 0.5), Checks.fraction(ok, datasets.size()), 1.0,
                evidence, lacking.isEmpty() ? "every dataset (" + datasets.size() + ") declares a lawful_basis and a"
                        + " purpose" : "no lawful_basis or purpose declared for " + String.join(", ", lacking));
    }

    static CheckResult minimisation(Evidence e) {
        List<String> approved = e.list("compliance.approved_features");
        Optional<List<String>> features = Checks.features(e);
        if (features.isEmpty()) {
            return result("GDPR-5c", INSUFFICIENT_EVIDENCE, List.of(), "the model's features are not recorded (a"
                    + " TRAINING record with features)");
        }
        if (approved.isEmpty()) {
            return result("GDPR-5c", INSUFFICIENT_EVIDENCE, List.of(), "no approved feature list is configured"
                    + " (compliance.approved_features)");
        }
        List<String> extra = features.get().stream().filter(f -> !approved.contains(f)).toList();
        List<String> evidence = ids(e.records(Stage.TRAINING));
        return result("GDPR-5c", extra.isEmpty() ? PASS : FAIL, (double) extra.size(), 0.0, evidence, extra.isEmpty()
                ? "all " + features.get().size() + " features are approved" : "features not on the approved list: "
                        + String.join(", ", extra));
    }

    static CheckResult storageLimitation(Evidence e) {
        double days = e.threshold("retention.days", Double.NaN);
        if (Double.isNaN(days)) {
            return result("GDPR-5e", INSUFFICIENT_EVIDENCE, List.of(), "no retention period is known");
        }
        Optional<MetadataRecord> oldest = e.records().stream().findFirst();
        boolean held = !e.facts("HOLD").isEmpty();
        if (oldest.isEmpty()) {
            return result("GDPR-5e", PASS, days, days, List.of(), "retention set to " + (long) days + " days;"
                    + " nothing recorded yet");
        }
        Duration age = Duration.between(oldest.get().timestamp(), e.asOf());
        boolean expired = age.toSeconds() > days * 86_400;
        if (expired && !held) {
            return result("GDPR-5e", FAIL, age.toSeconds() / 86_400.0, days, List.of(oldest.get().id().toString()),
                    "a record " + Checks.days(age) + " days old is kept beyond the " + (long) days
                            + "-day retention period: run ciaf retention apply");
        }
        List<LedgerFact> erasures = e.facts("ERASURE").stream()
                .filter(f -> String.valueOf(f.fields().get("reason")).startsWith("retention")).toList();
        return result("GDPR-5e", PASS, age.toSeconds() / 86_400.0, days, Checks.factIds(erasures),
                "retention set to " + (long) days + " days; oldest record " + Checks.days(age) + " days old"
                        + (expired ? " (kept under a legal hold)" : "")
                        + (erasures.isEmpty() ? "" : "; " + erasures.size() + " retention erasures recorded"));
    }

    static CheckResult humanReview(Evidence e) {
        if (e.decisions().isEmpty() && e.records(Stage.INFERENCE).isEmpty()) {
            return result("GDPR-22", NOT_APPLICABLE, List.of(), "no decisions are recorded");
        }
        List<MetadataRecord> reviews = Checks.events(e, "human_review", "contest", "appeal");
        if (!reviews.isEmpty()) {
            return result("GDPR-22", PASS, ids(reviews), reviews.size() + " human review or contest events are"
                    + " recorded");
        }
        Optional<MetadataRecord> attested = Checks.attested(e, "right_to_explanation")
                .or(() -> Checks.attested(e, "human_review_route"));
        if (attested.isPresent()) {
            return Checks.fromAttestation("GDPR-22", attested.get(), "a human review and contest route");
        }
        return result("GDPR-22", INSUFFICIENT_EVIDENCE, List.of(), "automated decisions are recorded but no human"
                + " review route (human_review events or an attestation)");
    }

    static CheckResult specialCategories(Evidence e) {
        Optional<List<String>> features = Checks.features(e);
        if (features.isEmpty()) {
            return result("GDPR-22.4", INSUFFICIENT_EVIDENCE, List.of(), "the model's features are not recorded (a"
                    + " TRAINING record with features)");
        }
        List<String> fragments = e.list("compliance.special_categories", SPECIAL_CATEGORIES);
        List<String> special = features.get().stream().filter(f -> fragments.stream()
                .anyMatch(c -> f.toLowerCase(Locale.ROOT).contains(c))).toList();
        List<String> evidence = ids(e.records(Stage.TRAINING));
        if (special.isEmpty()) {
            return result("GDPR-22.4", PASS, 0.0, 0.0, evidence, "no special-category feature among "
                    + features.get().size());
        }
        Optional<MetadataRecord> basis = Checks.attested(e, "special_category_basis");
        if (basis.isPresent()) {
            return Checks.fromAttestation("GDPR-22.4", basis.get(), "an Art 9(2) basis for " + special);
        }
        return result("GDPR-22.4", FAIL, (double) special.size(), 0.0, evidence,
                "special-category features without a recorded basis: " + String.join(", ", special));
    }

    static CheckResult explanations(Evidence e) {
        List<MetadataRecord> decisions = e.decisions().isEmpty() ? e.records(Stage.INFERENCE) : e.decisions();
        if (decisions.isEmpty()) {
            return result("GDPR-13f", NOT_APPLICABLE, List.of(), "no decisions are recorded");
        }
        List<MetadataRecord> without = decisions.stream()
                .filter(r -> !Checks.hasAny(r, "explanation", "reasons", "adverse_action_reasons", "top_features"))
                .toList();
        long ok = decisions.size() - without.size();
        return result("GDPR-13f", Checks.share(ok, decisions.size(), 0.5), Checks.fraction(ok, decisions.size()), 1.0,
                without.isEmpty() ? ids(decisions) : ids(without), ok + " of " + decisions.size()
                        + " decisions carry an explanation (explanation, reasons or top_features)");
    }

    static CheckResult processingRecord(Evidence e) {
        List<String> parts = List.of("purpose", "data_categories", "recipients", "security_measures");
        List<String> missing = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        for (String p : parts) {
            Optional<Map.Entry<MetadataRecord, Object>> v = e.latest(p);
            if (v.isEmpty() && p.equals("security_measures")) {
                v = e.latest("data_protection");
            }
            if (v.isEmpty() && p.equals("purpose")) {
                v = e.latest("intended_purpose");
            }
            v.ifPresentOrElse(x -> evidence.add(x.getKey().id().toString()), () -> missing.add(p));
        }
        int met = parts.size() - missing.size() + 1; // the retention period is always set (retention.*)
        int of = parts.size() + 1;
        return result("GDPR-30", met == of ? PASS : met >= 3 ? PARTIAL : FAIL, (double) met, (double) of, evidence,
                missing.isEmpty() ? "purpose, data categories, recipients, retention and security measures recorded"
                        : "the processing record lacks " + String.join(", ", missing));
    }

    static CheckResult pseudonymised(Evidence e) {
        List<LedgerFact> receipts = e.facts("INFERENCE");
        if (!receipts.isEmpty()) {
            List<LedgerFact> plain = receipts.stream().filter(f -> f.fields().get("input") instanceof Map<?, ?> in
                    && "plaintext".equalsIgnoreCase(String.valueOf(in.get("kind")))).toList();
            if (plain.isEmpty()) {
                return result("GDPR-32", PASS, 0.0, 0.0, Checks.factIds(receipts), "all " + receipts.size()
                        + " inference receipts commit to their inputs (salted or keyed), none holds them in plaintext");
            }
            return result("GDPR-32", FAIL, (double) plain.size(), 0.0, Checks.factIds(plain), plain.size() + " of "
                    + receipts.size() + " inference receipts commit to their inputs in plaintext:"
                    + " set capture.inference_receipts to hmac or salted");
        }
        Optional<MetadataRecord> attested = Checks.attested(e, "data_protection.encryption")
                .or(() -> Checks.attested(e, "data_protection.anonymization"))
                .or(() -> Checks.attested(e, "data_protection.pseudonymisation"));
        if (attested.isPresent()) {
            return Checks.fromAttestation("GDPR-32", attested.get(), "encryption or pseudonymisation");
        }
        return result("GDPR-32", INSUFFICIENT_EVIDENCE, List.of(), "no inference receipts and no attested"
                + " encryption or pseudonymisation");
    }

    static CheckResult dpia(Evidence e) {
        Optional<MetadataRecord> firstDecision = e.records(Stage.INFERENCE).stream().findFirst();
        Optional<MetadataRecord> dpia = e.records().stream()
                .filter(r -> Checks.eventLike(r, "dpia") || Evidence.yes(r.metadata().get("dpia"))).findFirst();
        if (firstDecision.isEmpty()) {
            return dpia.map(d -> result("GDPR-35", PASS, List.of(d.id().toString()), "DPIA recorded at "
                    + d.timestamp())).orElse(result("GDPR-35", NOT_APPLICABLE, List.of(), "no decisions are recorded"));
        }
        if (dpia.isPresent() && !dpia.get().timestamp().isAfter(firstDecision.get().timestamp())) {
            return result("GDPR-35", PASS, List.of(dpia.get().id().toString()), "DPIA recorded at "
                    + dpia.get().timestamp() + ", before the first decision");
        }
        return result("GDPR-35", FAIL, List.of(firstDecision.get().id().toString()), dpia.isPresent()
                ? "the DPIA was recorded after the first decision (" + firstDecision.get().timestamp() + ")"
                : "decisions are recorded but no DPIA (a dpia event or dpia: true)");
    }

    static CheckResult erasures(Evidence e) {
        List<LedgerFact> requests = e.facts("ERASURE").stream()
                .filter(f -> Evidence.yes(f.fields().get("subject_request"))).toList();
        if (requests.isEmpty()) {
            return result("GDPR-17", NOT_APPLICABLE, List.of(), "no erasure requests are recorded");
        }
        return result("GDPR-17", PASS, (double) requests.size(), null, Checks.factIds(requests), requests.size()
                + " erasure requests executed, each evidenced by an ERASURE entry");
    }
}
