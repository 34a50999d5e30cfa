package io.ciaf.samples.quickstart;

import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.PipelineTrace;
import io.ciaf.api.Stage;
import io.ciaf.storage.ExportFormat;
import io.ciaf.storage.MetadataStorage;
import io.ciaf.storage.PerformanceMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Records a credit-scoring model's pipeline in a SQLite metadata store, then reads it back the ways an
 * auditor would: a pipeline trace, a query, a CSV export and a checksummed backup.
 *
 * <p>Usage: {@code java -jar quickstart.jar [storage-dir]} (default {@code ciaf-demo-data/metadata}).
 */
public final class Quickstart {

    private Quickstart() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "ciaf-demo-data/metadata");
        System.exit(run(dir) ? 0 : 1);
    }

    /** Runs the sample against {@code dir}; true if everything read back as written. */
    static boolean run(Path dir) {
        String model = "credit_scoring";
        try (MetadataStorage storage = MetadataStorage.open(dir, "sqlite")) {
            storage.registerValidator(Stage.VALIDATION, r -> {
                Object acc = r.metadata().get("accuracy");
                return acc instanceof Number && ((Number) acc).doubleValue() >= 0.7
                        ? List.of() : List.of("accuracy " + acc + " is below the required 0.7");
            });

            List<MetadataRecord> pipeline = new ArrayList<>();
            pipeline.add(MetadataRecord.builder(model, Stage.DATA_INGESTION, "data_loaded").version("1.0.0")
                    .put("source", "german_credit.arff").put("rows", 1000).put("columns", 21)
                    .put("quality_score", 0.98).details("German Credit data loaded").build());
            pipeline.add(MetadataRecord.builder(model, Stage.PREPROCESSING, "features_encoded").version("1.0.0")
                    .put("steps", List.of("one_hot_encode", "standardize")).put("features_out", 61).build());
            pipeline.add(MetadataRecord.builder(model, Stage.TRAINING, "model_trained").version("1.0.0")
                    .put("algorithm", "LogisticRegression")
                    .put("hyperparameters", Map.of("l2", 0.01, "epochs", 200)).put("training_samples", 800).build());
            pipeline.add(MetadataRecord.builder(model, Stage.VALIDATION, "model_validated").version("1.0.0")
                    .put("accuracy", 0.76).put("auc_roc", 0.79)
                    .put("selection_rate", Map.of("female", 0.66, "male", 0.72)).build());
            pipeline.add(MetadataRecord.builder(model, Stage.DEPLOYMENT, "model_deployed").version("1.0.0")
                    .put("environment", "staging").put("replicas", 2).build());
            Random random = new Random(7);
            for (int i = 0; i < 100; i++) {
                double confidence = 0.5 + random.nextDouble() / 2;
                pipeline.add(MetadataRecord.builder(model, Stage.INFERENCE, "prediction").version("1.0.0")
                        .traceId("req-" + i).put("request_id", "req_" + i)
                        .put("prediction", random.nextBoolean() ? "approved" : "denied")
                        .put("confidence", Math.round(confidence * 1000) / 1000.0).build());
            }
            pipeline.add(MetadataRecord.builder(model, Stage.MONITORING, "drift_checked").version("1.0.0")
                    .put("psi", 0.27).put("status", "major shift").build());
            pipeline.add(MetadataRecord.builder(model, Stage.COMPLIANCE, "compliance_assessed").version("1.0.0")
                    .put("framework", "EEOC").put("compliance_score", 0.92).build());
            storage.saveAll(pipeline);

            PipelineTrace trace = storage.pipelineTrace(model);
            System.out.println("CIAF quickstart: " + pipeline.size() + " records of '" + model + "' in " + dir);
            trace.stages().forEach((stage, records) ->
                    System.out.printf("  %-15s %4d record(s)%n", stage.wireName(), records.size()));
            List<MetadataRecord> latest = storage.query(model, Stage.INFERENCE, 3);
            System.out.println("  latest inferences: " + latest.stream()
                    .map(r -> r.metadata().get("request_id") + "=" + r.metadata().get("prediction")).toList());
            long flagged = storage.query(MetadataQuery.builder().model(model).build()).stream()
                    .filter(r -> !r.validationErrors().isEmpty()).count();
            System.out.println("  records with validation errors: " + flagged);
            Path csv = storage.export(model, ExportFormat.CSV, dir.resolveSibling("export.csv"));
            Path backup = storage.backup(dir.resolveSibling("backup.json"));
            PerformanceMetrics metrics = storage.performanceMetrics();
            System.out.printf("  store: %d records, %.2f MiB, mean save %.2f ms%n", metrics.records(),
                    metrics.totalSizeMib(), metrics.averageWriteLatency().toNanos() / 1e6);
            System.out.println("  CSV export: " + csv);
            System.out.println("  backup:     " + backup + " (+ .sha256; check with: sha256sum -c)");
            boolean intact = storage.check().isEmpty() && trace.size() >= pipeline.size();
            System.out.println(intact ? "OK: every record read back with a matching metadata_hash"
                    : "PROBLEMS: " + storage.problems());
            return intact;
        }
    }
}
