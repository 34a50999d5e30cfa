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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;

/** FDA 21 CFR Part 11 (electronic records and signatures) with the GMLP guiding principles. */
final class Fda21Cfr11 {

    private Fda21Cfr11() {
    }

    static ComplianceFramework framework() {
        return ComplianceFramework.of("fda-21-cfr-11", "FDA 21 CFR 11 + GMLP", "2023", List.of(
                check("P11-10a", "21 CFR 11.10(a)", 2, true, Fda21Cfr11::validatedDeployment),
                check("P11-10e", "21 CFR 11.10(e)", 2, true, Fda21Cfr11::auditTrail),
                check("P11-10b", "21 CFR 11.10(b)", 1, false, Fda21Cfr11::exportable),
                check("P11-10dg", "21 CFR 11.10(d),(g)", 1, false, Fda21Cfr11::authorisedUsers),
                check("P11-50", "21 CFR 11.50", 1, false, Fda21Cfr11::signatureManifest),
                check("P11-70", "21 CFR 11.70", 1, false, Fda21Cfr11::signatureBinding),
                check("GMLP-4", "GMLP principle 4", 1, false, Fda21Cfr11::disjointSplits),
                check("GMLP-10", "GMLP principle 10", 1, false, Fda21Cfr11::monitored)));
    }

    static CheckResult validatedDeployment(Evidence e) {
        Map<String, MetadataRecord> deployed = Checks.deployments(e);
        if (deployed.isEmpty()) {
            return result("P11-10a", NOT_APPLICABLE, List.of(), "no version is deployed");
        }
        List<String> unvalidated = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        Checks.validationsBeforeDeployment(e).forEach((version, validation) ->
                validation.ifPresentOrElse(r -> evidence.add(r.id().toString()), () -> {
                    unvalidated.add(version);
                    evidence.add(deployed.get(version).id().toString());
                }));
        long ok = deployed.size() - unvalidated.size();
        return result("P11-10a", unvalidated.isEmpty() ? PASS : FAIL, Checks.fraction(ok, deployed.size()), 1.0,
                evidence, unvalidated.isEmpty() ? "every deployed version (" + String.join(", ", deployed.keySet())
                        + ") has a validation record made before its deployment"
                        : "deployed without a prior validation record: " + String.join(", ", unvalidated));
    }

    static CheckResult auditTrail(Evidence e) {
        if (!e.ledgerIntact()) {
            return result("P11-10e", FAIL, List.of(), "the audit ledger does not verify: " + e.ledgerProblem());
        }
        List<MetadataRecord> records = e.records();
        if (records.isEmpty()) {
            return result("P11-10e", INSUFFICIENT_EVIDENCE, List.of(), "no records of this model");
        }
        List<MetadataRecord> anonymous = records.stream().filter(r -> r.actor().isEmpty()).toList();
        long ok = records.size() - anonymous.size();
        String chain = "entries are computer-generated and time-stamped, and the hash chain verifies";
        if (anonymous.isEmpty()) {
            return result("P11-10e", PASS, 1.0, 1.0, List.of(), chain + "; every record names its user");
        }
        return result("P11-10e", PARTIAL, Checks.fraction(ok, records.size()), 1.0, ids(anonymous), chain + "; "
                + anonymous.size() + " of " + records.size() + " records name no user (actor)");
    }

    static CheckResult exportable(Evidence e) {
        return result("P11-10b", PASS, List.of(), "the ledger exports as JSON lines (ciaf export audit) and the"
                + " records as JSON, CSV and XML (ciaf export), both verifiable with standard tools");
    }

    static CheckResult authorisedUsers(Evidence e) {
        List<String> authorised = e.list("compliance.authorised_users");
        Set<String> actors = new HashSet<>();
        e.records().forEach(r -> r.actor().ifPresent(actors::add));
        if (authorised.isEmpty()) {
            return result("P11-10dg", INSUFFICIENT_EVIDENCE, List.of(), "no authorised users are configured"
                    + " (compliance.authorised_users)");
        }
        if (actors.isEmpty()) {
            return result("P11-10dg", INSUFFICIENT_EVIDENCE, List.of(), "no record names its user (actor)");
        }
        List<MetadataRecord> unauthorised = e.records().stream()
                .filter(r -> r.actor().isPresent() && !authorised.contains(r.actor().get())).toList();
        Set<String> who = new java.util.TreeSet<>();
        unauthorised.forEach(r -> who.add(r.actor().get()));
        return result("P11-10dg", unauthorised.isEmpty() ? PASS : FAIL, (double) unauthorised.size(), 0.0,
                ids(unauthorised), unauthorised.isEmpty() ? "every action was taken by an authorised user"
                        : unauthorised.size() + " actions by users not authorised: " + String.join(", ", who));
    }

    static List<MetadataRecord> signatures(Evidence e) {
        return Checks.events(e, "approval", "signature", "sign_off", "approved");
    }

    static CheckResult signatureManifest(Evidence e) {
        List<MetadataRecord> signed = signatures(e);
        if (signed.isEmpty()) {
            return result("P11-50", INSUFFICIENT_EVIDENCE, List.of(), "no electronic signature (approval) is"
                    + " recorded");
        }
        List<MetadataRecord> incomplete = signed.stream().filter(r -> !(r.actor().isPresent()
                || Checks.hasAny(r, "signed_by")) || !Checks.hasAny(r, "meaning")).toList();
        long ok = signed.size() - incomplete.size();
        return result("P11-50", Checks.share(ok, signed.size(), 0.01), Checks.fraction(ok, signed.size()), 1.0,
                incomplete.isEmpty() ? ids(signed) : ids(incomplete), ok + " of " + signed.size()
                        + " signatures carry the signer's name, the time and the meaning");
    }

    static CheckResult signatureBinding(Evidence e) {
        List<MetadataRecord> signed = signatures(e);
        if (signed.isEmpty()) {
            return result("P11-70", INSUFFICIENT_EVIDENCE, List.of(), "no electronic signature (approval) is"
                    + " recorded");
        }
        Set<String> hashes = new HashSet<>();
        e.records().forEach(r -> hashes.add(r.metadataHash()));
        List<MetadataRecord> unbound = signed.stream().filter(r -> !(r.metadata().get("record_hash") instanceof String h
                && hashes.contains(h))).toList();
        long ok = signed.size() - unbound.size();
        return result("P11-70", unbound.isEmpty() ? PASS : ok > 0 ? PARTIAL : FAIL, Checks.fraction(ok, signed.size()),
                1.0, unbound.isEmpty() ? ids(signed) : ids(unbound), ok + " of " + signed.size()
                        + " signatures name the metadata hash (record_hash) of a record in the ledger");
    }

    static CheckResult disjointSplits(Evidence e) {
        Map<String, List<LedgerFact>> byDataset = new LinkedHashMap<>();
        for (LedgerFact f : e.facts("DATASET")) {
            byDataset.computeIfAbsent(String.valueOf(f.fields().get("dataset_id")), k -> new ArrayList<>()).add(f);
        }
        List<String> seeded = new ArrayList<>();
        List<String> unproven = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        byDataset.forEach((id, splits) -> {
            Set<String> names = new HashSet<>();
            splits.forEach(f -> names.add(String.valueOf(f.fields().get("split"))));
            if (names.size() < 2) {
                return;
            }
            evidence.addAll(Checks.factIds(splits));
            Set<String> assignments = new HashSet<>();
            for (LedgerFact f : splits) {
                assignments.add(f.fields().get("split_seed") + "/" + f.fields().get("split_fractions"));
            }
            boolean allSeeded = splits.stream().allMatch(f -> f.fields().get("split_seed") != null);
            (allSeeded && assignments.size() == 1 ? seeded : unproven).add(id);
        });
        List<MetadataRecord> overlapChecks = e.records().stream()
                .filter(r -> r.metadata().get("split_overlap") instanceof Number).toList();
        for (MetadataRecord r : overlapChecks) {
            evidence.add(r.id().toString());
            if (((Number) r.metadata().get("split_overlap")).longValue() > 0) {
                return result("GMLP-4", FAIL, ((Number) r.metadata().get("split_overlap")).doubleValue(), 0.0,
                        evidence, "train and test splits share " + r.metadata().get("split_overlap") + " samples");
            }
        }
        if (seeded.isEmpty() && unproven.isEmpty()) {
            return overlapChecks.isEmpty()
                    ? result("GMLP-4", INSUFFICIENT_EVIDENCE, List.of(), "no dataset has two anchored splits")
                    : result("GMLP-4", PASS, 0.0, 0.0, evidence, "the recorded split overlap is 0");
        }
        if (unproven.isEmpty()) {
            return result("GMLP-4", PASS, 0.0, 0.0, evidence, "the splits of " + String.join(", ", seeded)
                    + " come from one seeded assignment, so no sample is in two splits");
        }
        return result("GMLP-4", seeded.isEmpty() ? INSUFFICIENT_EVIDENCE : PARTIAL, evidence, "the splits of "
                + String.join(", ", unproven) + " were anchored without one seeded assignment; disjointness is not"
                + " shown (record split_overlap, or anchor the splits with a split seed)");
    }

    static CheckResult monitored(Evidence e) {
        Optional<MetadataRecord> deployed = e.records(Stage.DEPLOYMENT).stream().findFirst();
        if (deployed.isEmpty()) {
            return result("GMLP-10", NOT_APPLICABLE, List.of(), "the model is not deployed");
        }
        List<MetadataRecord> after = e.records(Stage.MONITORING).stream()
                .filter(r -> !r.timestamp().isBefore(deployed.get().timestamp()))
                .filter(r -> Checks.hasAny(r, "accuracy", "psi", "auc", "error_rate", "f1")
                        || EuAiAct.driftMeasured(r)).toList();
        return after.isEmpty()
                ? result("GMLP-10", FAIL, List.of(deployed.get().id().toString()), "deployed at "
                        + deployed.get().timestamp() + " but no production performance is monitored")
                : result("GMLP-10", PASS, ids(after), after.size() + " monitoring records measure production"
                        + " performance since deployment");
    }
}
