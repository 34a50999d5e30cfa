package io.ciaf.compliance;

import static io.ciaf.compliance.CheckStatus.FAIL;
import static io.ciaf.compliance.CheckStatus.INSUFFICIENT_EVIDENCE;
import static io.ciaf.compliance.CheckStatus.NOT_APPLICABLE;
import static io.ciaf.compliance.CheckStatus.PASS;
import static io.ciaf.compliance.Checks.check;
import static io.ciaf.compliance.Checks.ids;
import static io.ciaf.compliance.Checks.result;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;

/**
 * The HIPAA Security and Privacy Rules (45 CFR 164) for models trained on or serving protected health
 * information. Applies when a record or dataset anchor says {@code phi: true}; otherwise every check is
 * NOT_APPLICABLE.
 */
final class Hipaa {

    /** Column-name fragments of the 18 Safe Harbor identifiers (45 CFR 164.514(b)(2)(i)). */
    static final List<String> SAFE_HARBOR = List.of("name", "address", "street", "city", "zip", "postal",
            "birth", "dob", "admission_date", "discharge_date", "death_date", "phone", "fax", "email", "ssn",
            "social_security", "mrn", "medical_record", "health_plan", "beneficiary", "account", "license",
            "certificate", "vehicle", "plate", "vin", "device_id", "serial", "url", "ip_address", "biometric",
            "fingerprint", "photo", "face_image");

    /** Ids that name no single person. */
    static final List<String> SHARED_IDS = List.of("admin", "root", "shared", "user", "test", "guest", "system");

    private Hipaa() {
    }

    static ComplianceFramework framework() {
        return ComplianceFramework.of("hipaa", "HIPAA", "45 CFR 164", List.of(
                check("HIPAA-312b", "45 CFR 164.312(b)", 2, true, phi("HIPAA-312b", Hipaa::accessLogged)),
                check("HIPAA-308D", "45 CFR 164.308(a)(1)(ii)(D)", 1, false, phi("HIPAA-308D", Hipaa::logReview)),
                check("HIPAA-312a", "45 CFR 164.312(a)(2)(i)", 1, false, phi("HIPAA-312a", Hipaa::uniqueUsers)),
                check("HIPAA-312c", "45 CFR 164.312(c)", 1, false, phi("HIPAA-312c", Hipaa::integrity)),
                check("HIPAA-316", "45 CFR 164.316(b)(2)(i)", 1, false, phi("HIPAA-316", e -> Checks.retention("HIPAA-316", e, 2190,
                        "retention.critical_days"))),
                check("HIPAA-514", "45 CFR 164.514(b)(2)", 2, true, phi("HIPAA-514", Hipaa::deidentified))));
    }

    static boolean handlesPhi(Evidence e) {
        return e.records().stream().anyMatch(r -> Evidence.yes(r.metadata().get("phi")))
                || e.facts("DATASET").stream().anyMatch(f -> f.fields().get("metadata") instanceof Map<?, ?> m
                        && Evidence.yes(m.get("phi")));
    }

    private static Function<Evidence, CheckResult> phi(String id, Function<Evidence, CheckResult> check) {
        return e -> handlesPhi(e) ? check.apply(e) : result(id, NOT_APPLICABLE, List.of(),
                "no record or dataset is marked as PHI (phi: true)");
    }

    static CheckResult accessLogged(Evidence e) {
        List<MetadataRecord> access = e.records().stream()
                .filter(r -> r.stage() == Stage.INFERENCE || r.stage() == Stage.TRAINING
                        || r.stage() == Stage.DATA_INGESTION).toList();
        if (access.isEmpty()) {
            return result("HIPAA-312b", INSUFFICIENT_EVIDENCE, List.of(), "no access to the data or the model is"
                    + " recorded");
        }
        List<MetadataRecord> anonymous = access.stream().filter(r -> r.actor().isEmpty()).toList();
        long ok = access.size() - anonymous.size();
        return result("HIPAA-312b", anonymous.isEmpty() ? PASS : FAIL, Checks.fraction(ok, access.size()), 1.0,
                anonymous.isEmpty() ? List.of() : ids(anonymous), anonymous.isEmpty() ? "all " + access.size()
                        + " accesses are logged with their user" : anonymous.size() + " of " + access.size()
                        + " accesses are logged without the user (actor)");
    }

    static CheckResult logReview(Evidence e) {
        long days = (long) e.threshold("compliance.log_review_days", 90);
        List<MetadataRecord> reviews = Checks.events(e, "log_review", "audit_review").stream()
                .filter(r -> Duration.between(r.timestamp(), e.asOf()).toDays() <= days).toList();
        return reviews.isEmpty()
                ? result("HIPAA-308D", FAIL, List.of(), "no log review recorded in the last " + days + " days")
                : result("HIPAA-308D", PASS, ids(reviews), reviews.size() + " log reviews in the last " + days + " days");
    }

    static CheckResult uniqueUsers(Evidence e) {
        List<String> sharedNames = e.list("compliance.shared_ids", SHARED_IDS);
        Set<String> shared = new TreeSet<>();
        List<MetadataRecord> bad = new ArrayList<>();
        for (MetadataRecord r : e.records()) {
            if (r.actor().isPresent() && sharedNames.contains(r.actor().get().toLowerCase(Locale.ROOT))) {
                shared.add(r.actor().get());
                bad.add(r);
            }
        }
        if (e.records().stream().noneMatch(r -> r.actor().isPresent())) {
            return result("HIPAA-312a", INSUFFICIENT_EVIDENCE, List.of(), "no record names its user");
        }
        return result("HIPAA-312a", bad.isEmpty() ? PASS : FAIL, (double) shared.size(), 0.0, ids(bad),
                bad.isEmpty() ? "every user id is personal" : "shared ids in use: " + String.join(", ", shared));
    }

    static CheckResult integrity(Evidence e) {
        if (!e.ledgerIntact()) {
            return result("HIPAA-312c", FAIL, List.of(), "the audit ledger does not verify: " + e.ledgerProblem());
        }
        List<LedgerFact> anchors = e.facts("DATASET");
        List<LedgerFact> models = e.facts("MODEL");
        List<String> evidence = new ArrayList<>(Checks.factIds(anchors));
        evidence.addAll(Checks.factIds(models));
        if (anchors.isEmpty()) {
            return result("HIPAA-312c", FAIL, List.of(), "the ledger verifies, but no dataset is anchored (Merkle"
                    + " root over its samples)");
        }
        return result("HIPAA-312c", PASS, evidence, anchors.size() + " dataset anchors and " + models.size()
                + " model anchors in a ledger that verifies");
    }

    static CheckResult deidentified(Evidence e) {
        List<String> identifiers = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        boolean any = false;
        for (LedgerFact f : e.facts("DATASET")) {
            if (!(f.fields().get("metadata") instanceof Map<?, ?> m) || !Evidence.yes(m.get("deidentified"))) {
                continue;
            }
            any = true;
            evidence.add(f.id());
            if (f.fields().get("features") instanceof List<?> columns) {
                for (Object c : columns) {
                    String name = String.valueOf(c).toLowerCase(Locale.ROOT);
                    if (SAFE_HARBOR.stream().anyMatch(name::contains)) {
                        identifiers.add(f.fields().get("dataset_id") + "." + c);
                    }
                }
            }
        }
        if (!any) {
            return result("HIPAA-514", NOT_APPLICABLE, List.of(), "no dataset is declared de-identified");
        }
        return result("HIPAA-514", identifiers.isEmpty() ? PASS : FAIL, (double) identifiers.size(), 0.0, evidence,
                identifiers.isEmpty() ? "no Safe Harbor identifier among the de-identified datasets' columns"
                        : "de-identified datasets hold Safe Harbor identifiers: " + String.join(", ", identifiers));
    }
}
