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
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;

/** Regulation (EU) 2024/1689, the AI Act: the record-keeping, data and oversight duties of high-risk systems. */
final class EuAiAct {

    static final Set<Stage> LIFECYCLE = EnumSet.of(Stage.DATA_INGESTION, Stage.TRAINING, Stage.VALIDATION,
            Stage.DEPLOYMENT, Stage.INFERENCE);

    private EuAiAct() {
    }

    static ComplianceFramework framework() {
        return ComplianceFramework.of("eu-ai-act", "EU AI Act", "2024/1689", List.of(
                check("AIA-12.1", "Art 12(1)", 2, true, EuAiAct::lifecycleLogged),
                check("AIA-12.2", "Art 12(2)", 1, false, EuAiAct::monitoringLogged),
                check("AIA-12.3", "Art 12(3), generalised", 1, false, EuAiAct::inferencesIdentified),
                check("AIA-19", "Art 19(1), 26(6)", 1, false, e -> Checks.retention("AIA-19", e, 183,
                        "retention.days", "retention.important_days")),
                check("AIA-10", "Art 10(2)-(3)", 1, false, EuAiAct::dataGovernance),
                check("AIA-10.2f", "Art 10(2)(f)", 2, true, EuAiAct::biasExamined),
                check("AIA-13", "Art 13(3)(b), 15(3)", 1, false, EuAiAct::purposeAndAccuracy),
                check("AIA-14", "Art 14(4)(d),(e)", 1, false, EuAiAct::humanOversight),
                check("AIA-15", "Art 15(1)", 1, false, EuAiAct::accuracyHolds)));
    }

    static CheckResult lifecycleLogged(Evidence e) {
        Set<Stage> present = e.records().stream().map(MetadataRecord::stage).collect(Collectors.toSet());
        List<Stage> missing = LIFECYCLE.stream().filter(s -> !present.contains(s)).toList();
        long found = LIFECYCLE.size() - missing.size();
        if (found == 0) {
            return result("AIA-12.1", INSUFFICIENT_EVIDENCE, 0.0, (double) LIFECYCLE.size(), List.of(),
                    "no lifecycle records of this model are in the ledger");
        }
        List<String> firsts = new ArrayList<>();
        for (Stage s : LIFECYCLE) {
            e.records(s).stream().findFirst().ifPresent(r -> firsts.add(r.id().toString()));
        }
        String reason = missing.isEmpty() ? "records of all " + LIFECYCLE.size() + " lifecycle stages are logged"
                : "no records of " + missing.stream().map(Stage::wireName).collect(Collectors.joining(", "));
        return result("AIA-12.1", missing.isEmpty() ? PASS : PARTIAL, (double) found, (double) LIFECYCLE.size(),
                firsts, reason);
    }

    static boolean driftMeasured(MetadataRecord r) {
        return r.metadata().keySet().stream().anyMatch(k -> {
            String l = k.toLowerCase(Locale.ROOT);
            return l.equals("psi") || l.contains("drift");
        });
    }

    static CheckResult monitoringLogged(Evidence e) {
        List<MetadataRecord> monitoring = e.records(Stage.MONITORING);
        if (monitoring.isEmpty()) {
            return e.records(Stage.DEPLOYMENT).isEmpty()
                    ? result("AIA-12.2", NOT_APPLICABLE, List.of(), "the model is not deployed")
                    : result("AIA-12.2", FAIL, List.of(), "the model is deployed but no monitoring event is logged");
        }
        List<MetadataRecord> drift = monitoring.stream().filter(EuAiAct::driftMeasured).toList();
        if (drift.isEmpty()) {
            return result("AIA-12.2", PARTIAL, ids(monitoring), monitoring.size()
                    + " monitoring events are logged but none measures drift (psi or a drift value)");
        }
        return result("AIA-12.2", PASS, ids(drift), monitoring.size() + " monitoring events, " + drift.size()
                + " with a drift measure");
    }

    static boolean inputReferenced(MetadataRecord r, Set<String> receiptIds) {
        return Checks.hasAny(r, "input_ref", "input_hash", "input_commitment", "request_id", "receipt_id")
                || receiptIds.contains(r.id().toString()) || r.metadata().containsKey("args");
    }

    static CheckResult inferencesIdentified(Evidence e) {
        List<MetadataRecord> inferences = e.records(Stage.INFERENCE);
        if (inferences.isEmpty()) {
            return result("AIA-12.3", NOT_APPLICABLE, List.of(), "no inferences are recorded");
        }
        Set<String> receiptRecords = e.facts("INFERENCE").stream()
                .map(f -> String.valueOf(f.fields().get("request_id"))).collect(Collectors.toSet());
        List<MetadataRecord> bad = inferences.stream()
                .filter(r -> Checks.version(r).isEmpty() || !inputReferenced(r, receiptRecords)).toList();
        long ok = inferences.size() - bad.size();
        String reason = bad.isEmpty() ? "all " + inferences.size() + " inferences record time, model version and an"
                + " input reference" : bad.size() + " of " + inferences.size() + " inferences lack a model version or"
                + " an input reference (input_ref, input_hash, request_id or a receipt)";
        return result("AIA-12.3", Checks.share(ok, inferences.size(), 0.9), Checks.fraction(ok, inferences.size()),
                1.0, bad.isEmpty() ? ids(inferences) : ids(bad), reason);
    }

    static CheckResult dataGovernance(Evidence e) {
        List<MetadataRecord> ingestion = e.records(Stage.DATA_INGESTION);
        List<LedgerFact> anchors = e.facts("DATASET");
        List<String> evidence = new ArrayList<>(ids(ingestion));
        evidence.addAll(Checks.factIds(anchors));
        boolean provenance = ingestion.stream().anyMatch(r -> Checks.hasAny(r, "source", "provenance", "origin"))
                || anchors.stream().anyMatch(f -> f.fields().get("metadata") instanceof java.util.Map<?, ?> m
                        && (m.containsKey("source") || m.containsKey("provenance")));
        boolean preparation = !e.records(Stage.PREPROCESSING).isEmpty();
        evidence.addAll(ids(e.records(Stage.PREPROCESSING)));
        List<String> attributes = e.protectedAttributes();
        boolean representativeness = !attributes.isEmpty() && (anchors.stream().anyMatch(f -> f.fields()
                .get("statistics") instanceof java.util.Map<?, ?> stats && attributes.stream().anyMatch(stats::containsKey))
                || ingestion.stream().anyMatch(r -> Checks.hasAny(r, "group_counts", "representativeness")));
        int met = (provenance ? 1 : 0) + (preparation ? 1 : 0) + (representativeness ? 1 : 0);
        if (ingestion.isEmpty() && anchors.isEmpty()) {
            return result("AIA-10", INSUFFICIENT_EVIDENCE, List.of(), "no data ingestion record or dataset anchor");
        }
        List<String> missing = new ArrayList<>();
        if (!provenance) {
            missing.add("provenance (source)");
        }
        if (!preparation) {
            missing.add("preparation steps (preprocessing records)");
        }
        if (!representativeness) {
            missing.add("per-group statistics of a protected attribute");
        }
        return result("AIA-10", met == 3 ? PASS : met > 0 ? PARTIAL : FAIL, (double) met, 3.0, evidence,
                missing.isEmpty() ? "training data has provenance, preparation steps and per-group statistics"
                        : "missing: " + String.join("; ", missing));
    }

    static boolean biasMeasure(MetadataRecord r) {
        return r.metadata().keySet().stream().anyMatch(k -> {
            String l = k.toLowerCase(Locale.ROOT);
            return l.contains("disparate") || l.contains("parity") || l.contains("bias") || l.contains("fairness")
                    || l.contains("impact_ratio") || l.contains("equal_opportunity") || l.contains("odds");
        });
    }

    static CheckResult biasExamined(Evidence e) {
        Optional<MetadataRecord> firstDeployment = e.records(Stage.DEPLOYMENT).stream().findFirst();
        List<MetadataRecord> exams = e.records(Stage.VALIDATION).stream().filter(EuAiAct::biasMeasure).toList();
        if (firstDeployment.isEmpty()) {
            return exams.isEmpty()
                    ? result("AIA-10.2f", INSUFFICIENT_EVIDENCE, List.of(), "no bias examination recorded yet"
                            + " (a VALIDATION record with a fairness measure)")
                    : result("AIA-10.2f", PASS, ids(exams), "bias examined in " + exams.size() + " validation records");
        }
        List<MetadataRecord> before = exams.stream()
                .filter(r -> !r.timestamp().isAfter(firstDeployment.get().timestamp())).toList();
        if (before.isEmpty()) {
            return result("AIA-10.2f", FAIL, List.of(firstDeployment.get().id().toString()),
                    "deployed at " + firstDeployment.get().timestamp() + " with no bias examination recorded before");
        }
        return result("AIA-10.2f", PASS, ids(before), "bias examined before the first deployment ("
                + before.get(0).timestamp() + ")");
    }

    static CheckResult purposeAndAccuracy(Evidence e) {
        Optional<java.util.Map.Entry<MetadataRecord, Object>> purpose = e.latest("intended_purpose");
        Optional<java.util.Map.Entry<MetadataRecord, Object>> accuracy = e.latest("declared_accuracy")
                .or(() -> e.records(Stage.VALIDATION).stream().filter(r -> r.metadata().get("accuracy") != null)
                        .reduce((a, b) -> b).map(r -> java.util.Map.entry(r, r.metadata().get("accuracy"))));
        List<String> evidence = new ArrayList<>();
        purpose.ifPresent(p -> evidence.add(p.getKey().id().toString()));
        accuracy.ifPresent(p -> evidence.add(p.getKey().id().toString()));
        if (purpose.isPresent() && accuracy.isPresent()) {
            return result("AIA-13", PASS, evidence, "intended purpose and declared accuracy " + accuracy.get().getValue()
                    + " recorded");
        }
        return result("AIA-13", evidence.isEmpty() ? FAIL : PARTIAL, evidence, purpose.isEmpty()
                ? "no intended_purpose is recorded" : "no declared accuracy (declared_accuracy or a validation accuracy)");
    }

    static CheckResult humanOversight(Evidence e) {
        List<MetadataRecord> oversight = Checks.events(e, "override", "human_review", "stop", "intervention");
        if (oversight.isEmpty()) {
            return result("AIA-14", INSUFFICIENT_EVIDENCE, List.of(), "no human override, review or stop event is"
                    + " logged");
        }
        List<MetadataRecord> named = oversight.stream()
                .filter(r -> r.actor().isPresent() || Checks.hasAny(r, "reviewer", "reviewer_id")).toList();
        return result("AIA-14", Checks.share(named.size(), oversight.size(), 0.01),
                Checks.fraction(named.size(), oversight.size()), 1.0, ids(oversight), named.size() + " of "
                        + oversight.size() + " oversight events name the reviewer");
    }

    static CheckResult accuracyHolds(Evidence e) {
        List<MetadataRecord> monitoring = e.records(Stage.MONITORING);
        double psiMajor = e.threshold("compliance.psi_major", 0.25);
        double psiModerate = e.threshold("compliance.psi_moderate", 0.1);
        double tolerance = e.threshold("compliance.accuracy_tolerance", 0.05);
        Optional<MetadataRecord> psi = monitoring.stream().filter(r -> r.metadata().get("psi") instanceof Number)
                .reduce((a, b) -> b);
        Optional<MetadataRecord> accuracy = monitoring.stream()
                .filter(r -> r.metadata().get("accuracy") instanceof Number).reduce((a, b) -> b);
        Optional<Double> declared = e.latest("declared_accuracy").map(x -> x.getValue())
                .filter(Number.class::isInstance).map(v -> ((Number) v).doubleValue())
                .or(() -> e.records(Stage.VALIDATION).stream().filter(r -> r.metadata().get("accuracy") instanceof Number)
                        .reduce((a, b) -> b).map(r -> ((Number) r.metadata().get("accuracy")).doubleValue()));
        if (psi.isEmpty() && accuracy.isEmpty()) {
            return Checks.none("AIA-15", !e.records(Stage.DEPLOYMENT).isEmpty(),
                    "no production accuracy or psi is recorded in MONITORING records");
        }
        List<String> problems = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        CheckStatus status = PASS;
        Double measured = null;
        if (psi.isPresent()) {
            double v = ((Number) psi.get().metadata().get("psi")).doubleValue();
            measured = v;
            evidence.add(psi.get().id().toString());
            if (v > psiMajor) {
                status = FAIL;
                problems.add(String.format(Locale.ROOT, "major drift: psi %.3f > %.2f", v, psiMajor));
            } else if (v >= psiModerate) {
                status = PARTIAL;
                problems.add(String.format(Locale.ROOT, "moderate drift: psi %.3f", v));
            }
        }
        if (accuracy.isPresent() && declared.isPresent()) {
            double v = ((Number) accuracy.get().metadata().get("accuracy")).doubleValue();
            evidence.add(accuracy.get().id().toString());
            if (v < declared.get() - tolerance) {
                status = FAIL;
                problems.add(String.format(Locale.ROOT, "production accuracy %.3f is below the declared %.3f − %.3f",
                        v, declared.get(), tolerance));
            }
        }
        return result("AIA-15", status, measured, psiMajor, evidence, problems.isEmpty()
                ? "production accuracy within tolerance and drift under threshold" : String.join("; ", problems));
    }
}
