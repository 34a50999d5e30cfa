package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.anchor.CommitmentKeys;
import io.ciaf.anchor.InferenceReceipt;
import io.ciaf.anchor.InferenceReceipts;
import io.ciaf.anchor.ModelAnchor;
import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.Stage;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;

/**
 * {@code capture.inference_receipts}: a captured INFERENCE-stage call also gets a receipt committing to its
 * arguments and result, in the same ledger batch as its record. Calls go through {@link CaptureHooks} exactly as
 * the agent's advice and the aspect make them.
 */
class AutomaticReceiptsTest {

    @TempDir
    Path home;

    @AfterEach
    void reset() {
        Ciaf.resetForTests();
    }

    public static final class Scorer {
        @CaptureMetadata(model = "credit", stage = Stage.INFERENCE, event = "score")
        public static boolean score(double[] features, String applicant, String apiToken) {
            return features[0] > 0.5;
        }

        @CaptureMetadata(model = "credit", stage = Stage.TRAINING, event = "fit")
        public static int fit(int epochs) {
            return epochs;
        }

        @CaptureMetadata(model = "credit", version = "2", stage = Stage.TRAINING, event = "train")
        public static double[][] train(double[][] data, double learningRate, int epochs, String solver) {
            return new double[][] {{learningRate, epochs}, {-1.5}};
        }
    }

    private static Object call(Method m, Object... args) throws Exception {
        Object token = CaptureHooks.enter(m, args);
        Object result = m.invoke(null, args);
        CaptureHooks.exit(token, result, null);
        return result;
    }

    private void start(String mode) {
        Ciaf.start(CiafConfig.load(Map.of("CIAF_HOME", home.toString(), "CIAF_CHECKPOINT_INTERVAL_SECONDS", "0",
                "CIAF_CAPTURE_INFERENCE_RECEIPTS", mode), new Properties(), null));
    }

    @Test
    void everyInferenceCallGetsAReceiptWhoseCommitmentsOpenWithItsArgumentsAndResult() throws Exception {
        String anchorHash;
        try (AuditLedger ledger = AuditLedger.create(home, "ciaf.test/receipts")) {
            ModelAnchor.builder("credit", "1").parameters(new double[] {1}).build().appendTo(ledger);
            anchorHash = ledger.findLast("MODEL", "model_name", "credit").orElseThrow().payloadFields()
                    .get("model_hash").toString();
        }
        start("hmac");
        Method score = Scorer.class.getMethod("score", double[].class, String.class, String.class);
        Method fit = Scorer.class.getMethod("fit", int.class);
        for (int i = 0; i < 5; i++) {
            call(score, new double[] {i / 4.0, 2}, "applicant-" + i, "secret-" + i);
        }
        call(fit, 10);
        Ciaf.shutdown();

        try (AuditLedger ledger = AuditLedger.open(home); CommitmentKeys keys = CommitmentKeys.open(home)) {
            List<LedgerEntry> found = ledger.findAll("INFERENCE", "model", "credit");
            assertThat(found).hasSize(5);
            assertThat(InferenceReceipts.verifyChain(ledger, "credit").intact()).isTrue();
            for (int i = 0; i < 5; i++) {
                InferenceReceipt r = InferenceReceipt.fromPayload(found.get(i).payloadFields());
                assertThat(r.modelAnchor()).isEqualTo(anchorHash);
                assertThat(r.input().kind().name()).isEqualTo("HMAC_SHA256");
                LedgerEntry record = ledger.findByIdempotencyKey(r.requestId()).orElseThrow();
                assertThat(record.type()).isEqualTo("METADATA");
                assertThat(record.position()).isLessThan(found.get(i).position());
                Map<String, Object> input = new LinkedHashMap<>();
                input.put("features", List.of(i / 4.0, 2.0));
                input.put("applicant", "applicant-" + i);
                input.put("apiToken", "[REDACTED]");
                assertThat(keys.opens(r.input(), input)).isEqualTo(CommitmentKeys.Opening.MATCHES);
                input.put("applicant", "applicant-9");
                assertThat(keys.opens(r.input(), input)).isEqualTo(CommitmentKeys.Opening.DOES_NOT_MATCH);
                assertThat(keys.opens(r.output(), i / 4.0 > 0.5)).isEqualTo(CommitmentKeys.Opening.MATCHES);
                assertThat(found.get(i).payload().orElseThrow()).doesNotContain("applicant-").doesNotContain("secret-");
            }
            assertThat(ledger.verify().size()).isEqualTo(ledger.size());
        }
    }

    @Test
    void recordsWhoseReceiptsCouldNotBeMadeAreCommittedAndCountedInSessionEnd() throws Exception {
        start("hmac");
        Method score = Scorer.class.getMethod("score", double[].class, String.class, String.class);
        call(score, new double[] {1}, "a", "t");
        assertThat(Ciaf.flush(java.time.Duration.ofSeconds(10))).isTrue();
        Ciaf.shutdown();
        // A key store others can read is refused: the receipts of the next session cannot be made.
        java.nio.file.Files.setPosixFilePermissions(home.resolve(CommitmentKeys.FILE),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Ciaf.resetForTests();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Problems.out = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
        try {
            start("hmac");
            for (int i = 0; i < 3; i++) {
                call(score, new double[] {i}, "b" + i, "t");
            }
            Ciaf.shutdown();
        } finally {
            Problems.out = System.err;
        }
        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ledger.findAll("METADATA", "model_name", "credit")).hasSize(4);
            assertThat(ledger.findAll("INFERENCE", "model", "credit")).hasSize(1);
            List<LedgerEntry> ends = new java.util.ArrayList<>();
            ledger.scan(0, ledger.size() - 1, e -> {
                if (e.type().equals("SESSION_END")) {
                    ends.add(e);
                }
            });
            assertThat(ends).hasSize(2);
            assertThat(ends.get(0).payloadFields().get("receipts_missing")).isEqualTo(0);
            assertThat(ends.get(1).payloadFields().get("receipts_missing")).isEqualTo(3);
            assertThat(ends.get(1).payloadFields().get("committed")).isEqualTo(3);
        }
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("receipts_missing");
    }

    @Test
    void receiptsAreOffByDefault() throws Exception {
        Ciaf.start(CiafConfig.load(Map.of("CIAF_HOME", home.toString(), "CIAF_CHECKPOINT_INTERVAL_SECONDS", "0"),
                new Properties(), null));
        call(Scorer.class.getMethod("score", double[].class, String.class, String.class), new double[] {1}, "a", "t");
        Ciaf.shutdown();
        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ledger.findAll("INFERENCE", "model", "credit")).isEmpty();
            assertThat(ledger.findAll("METADATA", "model_name", "credit")).hasSize(1);
        }
    }

    @Test
    void aTrainingMethodReturningItsParametersGetsAModelAnchorThatLaterReceiptsName() throws Exception {
        Ciaf.start(CiafConfig.load(Map.of("CIAF_HOME", home.toString(), "CIAF_CHECKPOINT_INTERVAL_SECONDS", "0",
                "CIAF_CAPTURE_MODEL_ANCHORS", "on", "CIAF_CAPTURE_INFERENCE_RECEIPTS", "salted"), new Properties(), null));
        Method train = Scorer.class.getMethod("train", double[][].class, double.class, int.class, String.class);
        double[][] returned = (double[][]) call(train, new double[][] {{1, 2}}, 0.05, 300, "lbfgs");
        returned[1][0] = 99; // changing the array afterwards changes nothing recorded
        call(Scorer.class.getMethod("fit", int.class), 3); // returns no parameters: no anchor
        Ciaf.flush(java.time.Duration.ofSeconds(10));
        call(Scorer.class.getMethod("score", double[].class, String.class, String.class), new double[] {1}, "a", "t");
        Ciaf.shutdown();

        try (AuditLedger ledger = AuditLedger.open(home)) {
            List<LedgerEntry> anchors = ledger.findAll("MODEL", "model_name", "credit");
            assertThat(anchors).hasSize(1);
            Map<?, ?> a = anchors.get(0).payloadFields();
            assertThat(ModelAnchor.check(a)).isEmpty();
            assertThat(a.get("model_version")).isEqualTo("2");
            assertThat(a.get("hyperparameters")).isEqualTo(Map.of("learningRate", 0.05, "epochs", 300, "solver", "lbfgs"));
            String expectedRoot = ModelAnchor.builder("credit", "2").parameters(new double[] {0.05, 300})
                    .parameters(new double[] {-1.5}).build().parametersRoot();
            assertThat(a.get("parameters_root")).isEqualTo(expectedRoot);
            InferenceReceipt r = InferenceReceipt.fromPayload(ledger.findLast("INFERENCE", "model", "credit")
                    .orElseThrow().payloadFields());
            assertThat(r.modelAnchor()).isEqualTo(a.get("model_hash"));
            assertThat(r.input().kind().name()).isEqualTo("SALTED");
            assertThat(ledger.verify().size()).isEqualTo(ledger.size());
        }
    }
}
