package io.ciaf.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.ledger.AuditLedger;

/** The recovery integrity map catches a changed sample, hyperparameter or receipt. */
class RecoveryTest {

    private static final String CSV = "id,age,amount\n" + "a1,42,5000\n" + "a2,35,3100\n" + "a3,27,7200\n"
            + "a4,61,900\n" + "a5,50,1200\n";

    @TempDir
    Path home;
    long modelPosition;
    long receiptPosition;

    @BeforeEach
    void build() {
        try (AuditLedger ledger = AuditLedger.create(home, "ciaf.test/recovery");
                CommitmentKeys keys = CommitmentKeys.open(home)) {
            DatasetAnchor data = DatasetAnchor.builder("german-credit", "train")
                    .into(Recovery.treeFile(home, "german-credit", "train"))
                    .readCsv(new StringReader(CSV), "id").build();
            data.appendTo(ledger);
            ledger.append("METADATA", Map.of("model_name", "credit", "stage", "training", "timestamp",
                    "2026-11-21T10:00:00Z"), null);
            ModelAnchor model = ModelAnchor.builder("credit", "1.0").hyperparameters(Map.of("learning_rate", 0.1))
                    .parameters(new double[] {0.5, -1.25}).authorizedDataset(data).build();
            modelPosition = model.appendTo(ledger).position();
            InferenceReceipts receipts = new InferenceReceipts(ledger, keys);
            for (int i = 0; i < 3; i++) {
                receipts.record("credit", model.modelHash(), "req-" + i, Map.of("age", 30 + i), i % 2 == 0,
                        CommitmentKind.HMAC_SHA256);
            }
            receiptPosition = ledger.findAll("INFERENCE", "model", "credit").get(1).position();
            ledger.append("METADATA", Map.of("model_name", "credit", "stage", "inference", "timestamp",
                    "2026-11-21T11:00:00Z"), null);
            ledger.checkpoint();
        }
    }

    private Map<String, Object> recover() {
        try (AuditLedger ledger = AuditLedger.open(home)) {
            return new Recovery(ledger).recoverModel("credit", null);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> check(Map<String, Object> report, String name) {
        return (Map<String, Object>) ((Map<String, Object>) report.get("integrity")).get(name);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anIntactHistoryIsRecoveredAndEveryCheckPasses() {
        Map<String, Object> r = recover();
        assertThat(r.get("intact")).as(String.valueOf(r.get("integrity"))).isEqualTo(true);
        assertThat(r).containsEntry("version", "1.0");
        List<Map<String, Object>> datasets = (List<Map<String, Object>>) r.get("datasets");
        assertThat(datasets).singleElement().satisfies(d -> {
            assertThat(d).containsEntry("split", "train").containsEntry("samples", 5);
            assertThat((String) d.get("tree_file")).endsWith("german-credit-train.tree");
        });
        assertThat(check(r, "merkle_proofs")).containsEntry("checked", 5); // 3 samples, 2 anchors in the ledger
        assertThat((Map<String, Object>) r.get("inference_history")).containsEntry("receipts", 3L);
        assertThat((Map<String, Object>) r.get("audit_trail")).containsEntry("records", 2L)
                .containsEntry("first", "2026-11-21T10:00:00Z");
        assertThatThrownBy(() -> {
            try (AuditLedger ledger = AuditLedger.open(home)) {
                new Recovery(ledger).recoverModel("fraud", null);
            }
        }).hasMessageContaining("no MODEL anchor of 'fraud'").hasMessageContaining("[credit]");
    }

    @Test
    void aChangedHyperparameterIsCaught() throws Exception {
        TamperedPayloads.replace(home, modelPosition, "\"learning_rate\":0.1", "\"learning_rate\":0.3");
        Map<String, Object> r = recover();
        assertThat(r.get("intact")).isEqualTo(false);
        assertThat(check(r, "model_anchor")).containsEntry("ok", false);
        assertThat((String) check(r, "model_anchor").get("problem")).contains("hyperparameters_digest");
        assertThat((String) check(r, "ledger_chain").get("problem")).contains("position " + modelPosition);
    }

    @Test
    void aChangedReceiptIsCaught() throws Exception {
        TamperedPayloads.replace(home, receiptPosition, "\"request_id\":\"req-1\"", "\"request_id\":\"req-7\"");
        Map<String, Object> r = recover();
        assertThat(r.get("intact")).isEqualTo(false);
        assertThat(check(r, "inference_chain")).containsEntry("ok", false);
        assertThat((String) check(r, "inference_chain").get("problem")).contains("position " + receiptPosition);
    }

    @Test
    void aChangedSampleIsCaughtInTheDataAndInTheTreeFile() throws Exception {
        try (AuditLedger ledger = AuditLedger.open(home)) {
            Recovery recovery = new Recovery(ledger);
            Map<String, Object> same = recovery.verifyDataset("german-credit", "train",
                    b -> b.readCsv(new StringReader(CSV), "id"));
            assertThat(same).containsEntry("intact", true);
            Map<String, Object> changed = recovery.verifyDataset("german-credit", "train",
                    b -> b.readCsv(new StringReader(CSV.replace("a3,27", "a3,28")), "id"));
            assertThat(changed).containsEntry("intact", false).containsEntry("first_changed_sample", 2L);
        }
        // The tree file rebuilt from changed data no longer has the anchored root.
        Path tree = Recovery.treeFile(home, "german-credit", "train");
        java.nio.file.Files.delete(tree);
        DatasetAnchor.builder("german-credit", "train").into(tree)
                .readCsv(new StringReader(CSV.replace("a3,27", "a3,28")), "id").build();
        Map<String, Object> r = recover();
        assertThat(r.get("intact")).isEqualTo(false);
        assertThat((String) check(r, "merkle_proofs").get("problem")).contains("the samples changed");
    }
}
