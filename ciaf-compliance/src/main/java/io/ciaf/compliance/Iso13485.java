package io.ciaf.compliance;

import static io.ciaf.compliance.CheckStatus.FAIL;
import static io.ciaf.compliance.CheckStatus.INSUFFICIENT_EVIDENCE;
import static io.ciaf.compliance.CheckStatus.NOT_APPLICABLE;
import static io.ciaf.compliance.CheckStatus.PARTIAL;
import static io.ciaf.compliance.CheckStatus.PASS;
import static io.ciaf.compliance.Checks.check;
import static io.ciaf.compliance.Checks.ids;
import static io.ciaf.compliance.Checks.result;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;

/** ISO 13485:2016, quality management for medical devices, as it applies to the software and its models. */
final class Iso13485 {

    private Iso13485() {
    }

    static ComplianceFramework framework() {
        return ComplianceFramework.of("iso-13485", "ISO 13485", "2016", List.of(
                check("ISO-416", "ISO 13485:2016 4.1.6", 2, true, Iso13485::softwareValidated),
                check("ISO-424", "ISO 13485:2016 4.2.4", 1, false, Iso13485::documentsApproved),
                check("ISO-425", "ISO 13485:2016 4.2.5", 1, false, e -> Checks.retention("ISO-425", e,
                        Math.max(730, e.threshold("compliance.device_lifetime_days", 0)), "retention.critical_days")),
                check("ISO-737", "ISO 13485:2016 7.3.7", 1, false, Iso13485::validationPlan),
                check("ISO-739", "ISO 13485:2016 7.3.9", 2, true, Iso13485::changesControlled),
                check("ISO-83", "ISO 13485:2016 8.3, 8.5.2", 1, false, Iso13485::correctiveActions)));
    }

    static CheckResult softwareValidated(Evidence e) {
        Map<String, MetadataRecord> deployed = Checks.deployments(e);
        if (deployed.isEmpty()) {
            return result("ISO-416", NOT_APPLICABLE, List.of(), "no version is in use (deployed)");
        }
        List<String> unvalidated = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        Checks.validationsBeforeDeployment(e).forEach((v, validation) ->
                validation.ifPresentOrElse(r -> evidence.add(r.id().toString()), () -> unvalidated.add(v)));
        long ok = deployed.size() - unvalidated.size();
        return result("ISO-416", unvalidated.isEmpty() ? PASS : FAIL, Checks.fraction(ok, deployed.size()), 1.0,
                evidence, unvalidated.isEmpty() ? "each of the " + deployed.size() + " versions put into use was"
                        + " validated first" : "put into use without validation: " + String.join(", ", unvalidated));
    }

    static List<MetadataRecord> approvals(Evidence e) {
        return Checks.events(e, "approval", "approved", "sign_off");
    }

    static CheckResult documentsApproved(Evidence e) {
        List<MetadataRecord> approvals = approvals(e);
        if (approvals.isEmpty()) {
            return result("ISO-424", INSUFFICIENT_EVIDENCE, List.of(), "no document approvals are recorded");
        }
        List<MetadataRecord> withRevision = approvals.stream()
                .filter(r -> r.version().isPresent() || Checks.hasAny(r, "revision", "document_revision")).toList();
        long ok = withRevision.size();
        return result("ISO-424", Checks.share(ok, approvals.size(), 0.01), Checks.fraction(ok, approvals.size()), 1.0,
                ids(approvals), ok + " of " + approvals.size() + " approvals carry a revision status");
    }

    static CheckResult validationPlan(Evidence e) {
        List<MetadataRecord> plans = e.records().stream()
                .filter(r -> Checks.eventLike(r, "validation_plan") || Checks.hasAny(r, "acceptance_criteria")).toList();
        if (plans.isEmpty()) {
            return result("ISO-737", e.records(Stage.VALIDATION).isEmpty() ? INSUFFICIENT_EVIDENCE : FAIL, List.of(),
                    "no validation plan with acceptance criteria is recorded (acceptance_criteria)");
        }
        return result("ISO-737", PASS, ids(plans), plans.size() + " records state acceptance criteria");
    }

    static CheckResult changesControlled(Evidence e) {
        Map<String, MetadataRecord> deployed = Checks.deployments(e);
        if (deployed.isEmpty()) {
            return result("ISO-739", NOT_APPLICABLE, List.of(), "no version is deployed");
        }
        List<String> unvalidated = new ArrayList<>();
        List<String> unapproved = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        List<MetadataRecord> approvals = approvals(e);
        Checks.validationsBeforeDeployment(e).forEach((v, validation) -> {
            String version = v.equals(Checks.NO_VERSION) ? null : v;
            MetadataRecord d = deployed.get(v);
            Optional<MetadataRecord> approval = approvals.stream()
                    .filter(a -> version == null || version.equals(Checks.version(a).orElse(null)))
                    .filter(a -> !a.timestamp().isAfter(d.timestamp())).findFirst();
            validation.ifPresentOrElse(r -> evidence.add(r.id().toString()), () -> unvalidated.add(v));
            approval.ifPresentOrElse(r -> evidence.add(r.id().toString()), () -> unapproved.add(v));
        });
        if (!unvalidated.isEmpty()) {
            return result("ISO-739", FAIL, evidence, "deployed without prior validation: "
                    + String.join(", ", unvalidated));
        }
        if (!unapproved.isEmpty()) {
            return result("ISO-739", PARTIAL, evidence, "validated but deployed without a recorded approval: "
                    + String.join(", ", unapproved));
        }
        return result("ISO-739", PASS, evidence, "each deployed version was validated and approved first");
    }

    static boolean failure(MetadataRecord r, double psiMajor) {
        return Evidence.yes(r.metadata().get("alert")) || Evidence.yes(r.metadata().get("drift_detected"))
                || (r.metadata().get("psi") instanceof Number n && n.doubleValue() > psiMajor);
    }

    static CheckResult correctiveActions(Evidence e) {
        double psiMajor = e.threshold("compliance.psi_major", 0.25);
        List<MetadataRecord> failures = e.records(Stage.MONITORING).stream().filter(r -> failure(r, psiMajor)).toList();
        if (failures.isEmpty()) {
            return result("ISO-83", NOT_APPLICABLE, List.of(), "no monitoring failure is recorded");
        }
        Set<String> addressed = Checks.events(e, "corrective_action").stream()
                .map(r -> String.valueOf(r.metadata().get("corrects"))).collect(Collectors.toSet());
        List<MetadataRecord> open = failures.stream().filter(f -> !addressed.contains(f.id().toString())).toList();
        long ok = failures.size() - open.size();
        return result("ISO-83", Checks.share(ok, failures.size(), 0.5), Checks.fraction(ok, failures.size()), 1.0,
                open.isEmpty() ? ids(failures) : ids(open), open.isEmpty() ? "every monitoring failure ("
                        + failures.size() + ") is linked to a corrective action" : open.size() + " of "
                        + failures.size() + " monitoring failures have no corrective_action record naming them"
                        + " (corrects: <record id>)");
    }
}
