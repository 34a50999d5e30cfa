package io.ciaf.samples.credit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.ciaf.anchor.DatasetAnchor;
import io.ciaf.anchor.ModelAnchor;
import io.ciaf.anchor.Recovery;
import io.ciaf.api.PipelineTrace;
import io.ciaf.api.Stage;
import io.ciaf.compliance.Assessment;
import io.ciaf.compliance.CheckResult;
import io.ciaf.compliance.FrameworkScore;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.runtime.Ciaf;
import io.ciaf.runtime.ComplianceTracker;
import io.ciaf.runtime.ModelMetadataManager;

/**
 * {@code ./ciaf demo}: a credit-scoring model's whole life under CIAF, on the German Credit data. Run with
 * {@code -javaagent:ciaf-agent.jar} and a fresh home ({@code -Dciaf.home}); prints a summary a person reads in
 * ten seconds. The ledger is verified afterwards by {@code ciaf verify}, in its own process.
 */
public final class CreditScoringDemo {

    static final String SPLIT_SEED = "german-credit-2026";
    static final Map<String, Double> SPLITS = Map.of("train", 0.7, "test", 0.3);
    static final double THRESHOLD = 0.5;
    static final String[] FRAMEWORKS = {"eeoc", "fcra-ecoa", "eu-ai-act", "gdpr"};

    private CreditScoringDemo() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        boolean agent = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-javaagent:") && a.contains("ciaf-agent"));
        Path home = agent ? Ciaf.home() : null;
        if (home == null) {
            System.err.println("credit-scoring demo: run it with -javaagent:ciaf-agent/target/ciaf-agent.jar and"
                    + " -Dciaf.home=<a fresh directory> (./ciaf demo does both)");
            System.exit(2);
        }
        ModelMetadataManager lifecycle = Ciaf.model(CreditPipeline.MODEL, CreditPipeline.VERSION);
        CreditPipeline pipeline = new CreditPipeline();

        // 1. Data ingestion, and the training data's anchor: a Merkle root over every training sample.
        CreditData data = pipeline.ingest();
        List<CreditData.Applicant> train = new ArrayList<>();
        List<CreditData.Applicant> test = new ArrayList<>();
        for (CreditData.Applicant a : data.applicants()) {
            // the anchor's reproducible split (sample ids are the ARFF data line numbers, from 1)
            (DatasetAnchor.assign(SPLIT_SEED, Integer.toString(a.row() + 1), SPLITS).equals("train") ? train : test)
                    .add(a);
        }
        DatasetAnchor trainingData = anchorTrainingData(home);
        Ciaf.anchor(trainingData);

        // 2. Preprocessing (with k-means++ segments from Apache Commons Math, captured from config only).
        List<String> leftOut = List.of("personal_status", "age");
        CreditModel.Encoder encoder = pipeline.prepare(data, train, leftOut);

        // 3. Training: CreditModel.fit is annotated; its record gets the hyperparameters and the result's size.
        double[][] x = train.stream().map(encoder::encode).toArray(double[][]::new);
        boolean[] y = new boolean[train.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = train.get(i).good();
        }
        int epochs = 300;
        double learningRate = 0.5;
        double l2 = 1e-3;
        CreditModel model = new CreditModel();
        double[] parameters = model.fit(x, y, epochs, learningRate, l2);
        lifecycle.logTrainingComplete(Map.of("features", encoder.attributes(), "training_rows", train.size(),
                "parameters", parameters.length));

        // 4. The model anchor: parameters root, hyperparameters, environment, and the data it may learn from.
        ModelAnchor anchor = ModelAnchor.builder(CreditPipeline.MODEL, CreditPipeline.VERSION)
                .architecture(Map.of("kind", "logistic_regression", "inputs", encoder.attributes(),
                        "encoded_features", encoder.features().size()))
                .hyperparameters(Map.of("epochs", epochs, "learning_rate", learningRate, "l2", l2))
                .parameters(parameters)
                .authorizedDataset(trainingData)
                .build();
        Ciaf.anchor(anchor);

        // 5. Validation on the held-out split: accuracy and fairness by sex and by age group.
        CreditPipeline.Validation validation = pipeline.validate(model, encoder, test, THRESHOLD);

        // 6. Deployment.
        // What the deployer declares (the GDPR Art 30 processing record among it) goes with the deployment.
        lifecycle.logDeployment(Map.of(
                "environment", "demo",
                "model_hash", anchor.modelHash(),
                "decision_threshold", THRESHOLD,
                "intended_purpose", "assist loan officers in assessing the credit risk of consumer loan applicants",
                "declared_accuracy", validation.accuracy(),
                "data_categories", List.of("credit history", "loan request", "savings and employment", "housing",
                        "personal status and sex", "age"),
                "recipients", List.of("the lender's loan officers", "the applicant (decision and reasons)"),
                "security_measures", List.of("HMAC-SHA256 commitments to applications and decisions",
                        "hash-chained audit ledger", "signed checkpoints")));

        // 7. 1,000 decisions, each with an HMAC-committed inference receipt.
        CreditService service = new CreditService(model, encoder, THRESHOLD);
        int denied = 0;
        for (CreditData.Applicant a : data.applicants()) {
            Map<String, Object> decision = service.decide("application-" + (a.row() + 1), a.values());
            denied += "deny".equals(decision.get("decision")) ? 1 : 0;
        }

        // 8. Monitoring: a batch like the training population, then a shifted one (larger, longer loans).
        CreditService.Drift steady = service.monitor("recent applications", train, test);
        CreditService.Drift shifted = service.monitor("shifted applications", train, shift(test));

        // 9. The compliance assessment (recorded in the ledger) and its HTML report.
        ComplianceTracker tracker = new ComplianceTracker(lifecycle).declaredBy("credit-risk-officer@demo.example");
        Assessment assessment = tracker.assess(FRAMEWORKS);
        Path report = home.resolve("compliance-report.html");
        Files.writeString(report, tracker.htmlReport(assessment), StandardCharsets.UTF_8);
        PipelineTrace trace = lifecycle.pipelineTrace();

        // 10. End the session: everything flushed, SESSION_END, and a signed checkpoint over the whole ledger.
        Ciaf.flush(Duration.ofSeconds(30));
        Ciaf.shutdown();

        out.println("CIAF demo: " + CreditPipeline.MODEL + " " + CreditPipeline.VERSION + " on the German Credit data ("
                + String.format(Locale.ROOT, "%,d", data.applicants().size()) + " applicants)");
        out.println("  records     " + Stream.of(Stage.values())
                .filter(s -> !trace.stage(s).isEmpty())
                .map(s -> s.wireName() + " " + trace.stage(s).size()).collect(Collectors.joining(" · ")));
        out.printf(Locale.ROOT, "  anchors     dataset german-credit/train (%d samples), model %s (%d parameters)%n",
                train.size(), shortHash(anchor.modelHash()), parameters.length);
        out.printf(Locale.ROOT, "  validation  accuracy %.3f on %d held-out applicants (majority class %.3f)%n",
                validation.accuracy(), validation.rows(), validation.majority());
        out.printf(Locale.ROOT, "  fairness    approval rate by sex %s, ratio %s · by age %s, ratio %s%n",
                rates(validation.sexRates()), ratio(validation.impactSex()), rates(validation.ageRates()),
                ratio(validation.impactAge()));
        out.printf(Locale.ROOT, "  decisions   %,d with HMAC receipts: %,d approved, %,d denied with reasons%n",
                data.applicants().size(), data.applicants().size() - denied, denied);
        out.printf(Locale.ROOT, "  drift       scores' PSI %.3f on %s · %.3f on %s (inputs' PSI up to %.2f)%s%n",
                steady.psi(), steady.batch(), shifted.psi(), shifted.batch(), shifted.maxInput(),
                shifted.detected() ? " → drift detected" : "");
        out.println("  third party " + thirdParty(trace));
        for (FrameworkScore s : assessment.scores()) {
            List<CheckResult> failed = assessment.failed().getOrDefault(s.frameworkId(), List.of());
            out.printf(Locale.ROOT, "  %-11s %s%s%s%n", s.frameworkId(),
                    s.score().isPresent() ? String.format(Locale.ROOT, "%.2f", s.score().getAsDouble()) : "n/a",
                    s.capped() ? " (capped: a blocking check failed)" : "",
                    failed.isEmpty() ? "" : " · failed " + failed.stream().map(CheckResult::checkId)
                            .collect(Collectors.joining(", ")));
        }
        out.println("  checkpoint  " + checkpoint(home));
        out.println("  report      " + report);
        out.println("  home        " + home);
    }

    /** The k-means++ call of Apache Commons Math that the agent recorded because ciaf.json names it. */
    static String thirdParty(PipelineTrace trace) {
        long calls = trace.stage(Stage.PREPROCESSING).stream().filter(r -> r.eventType().equals("segment_applicants"))
                .count();
        return "KMeansPlusPlusClusterer.cluster (Apache Commons Math, not annotated): " + calls
                + " call recorded from ciaf.json";
    }

    /** The training split's anchor, streamed from the same ARFF file the sample reads. */
    static DatasetAnchor anchorTrainingData(Path home) throws IOException {
        try (InputStream in = CreditData.class.getResourceAsStream(CreditData.RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CreditData.RESOURCE + " is not on the class path");
            }
            return DatasetAnchor.builder("german-credit", "train")
                    .splits(SPLIT_SEED, SPLITS)
                    .declare("source", CreditPipeline.SOURCE)
                    .declare("contains_pii", true)
                    .declare("protected_attributes", List.of("personal_status", "age"))
                    .declare("lawful_basis", "contract (GDPR Art 6(1)(b))")
                    .into(Recovery.treeFile(home, "german-credit", "train"))
                    .readArff(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .build();
        }
    }

    /** The held-out applicants a year on: loans 80% larger and a year longer. */
    static List<CreditData.Applicant> shift(List<CreditData.Applicant> applicants) {
        List<CreditData.Applicant> out = new ArrayList<>();
        for (CreditData.Applicant a : applicants) {
            Map<String, Object> v = new LinkedHashMap<>(a.values());
            v.put("credit_amount", (Double) v.get("credit_amount") * 1.8);
            v.put("duration", (Double) v.get("duration") + 12);
            out.add(new CreditData.Applicant(a.row(), v, a.good()));
        }
        return out;
    }

    /** The newest signed checkpoint, read through the ledger (the session that wrote it is closed). */
    static String checkpoint(Path home) {
        try (AuditLedger ledger = AuditLedger.open(home)) {
            return ledger.latestCheckpoint().map(c -> "tree size " + c.size() + ", root " + c.rootBase64()
                    + ", signed by " + c.origin() + " (" + home.resolve(AuditLedger.CHECKPOINT_DIR)
                    .resolve(c.size() + ".note") + ")").orElse("none");
        }
    }

    private static String rates(Map<String, Double> rates) {
        return rates.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(" / "));
    }

    private static String ratio(java.util.OptionalDouble r) {
        return r.isPresent() ? String.format(Locale.ROOT, "%.2f", r.getAsDouble()) : "n/a";
    }

    private static String shortHash(String hash) {
        return hash.length() > 16 ? hash.substring(0, 16) + "…" : hash;
    }
}
