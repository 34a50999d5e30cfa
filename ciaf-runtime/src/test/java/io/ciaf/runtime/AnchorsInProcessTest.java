package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.anchor.DatasetAnchor;
import io.ciaf.anchor.ModelAnchor;
import io.ciaf.anchor.Recovery;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;

/** {@code Ciaf.anchor}: an application running under the agent anchors its data and model in the same ledger. */
class AnchorsInProcessTest {

    @TempDir
    Path home;

    @AfterEach
    void reset() {
        Ciaf.resetForTests();
    }

    @Test
    void anchorsGoIntoThisJvmsLedgerAfterWhatWasCapturedBefore() throws Exception {
        assertThat(Ciaf.start(CiafConfig.load(Map.of("CIAF_HOME", home.toString(),
                "CIAF_CHECKPOINT_INTERVAL_SECONDS", "0"), new Properties(), null))).isTrue();
        assertThat(Ciaf.home()).isEqualTo(home);
        ModelMetadataManager m = Ciaf.model("credit", "1.0");
        m.logDataIngestion(Map.of("dataset_id", "applicants", "rows", 3));

        DatasetAnchor data = DatasetAnchor.builder("applicants", "all")
                .into(Recovery.treeFile(home, "applicants", "all"))
                .readCsv(new StringReader("id,age,amount\na,31,1200\nb,45,800\nc,22,3000\n"), "id")
                .build();
        long dataAt = Ciaf.anchor(data);
        ModelAnchor model = ModelAnchor.builder("credit", "1.0").parameters(new double[] {0.5, -1.25})
                .authorizedDataset(data).build();
        long modelAt = Ciaf.anchor(model);
        assertThat(Ciaf.anchor((DatasetAnchor) null)).isEqualTo(-1);
        Ciaf.shutdown();

        try (AuditLedger ledger = AuditLedger.open(home)) {
            ledger.verify();
            LedgerEntry ingestion = ledger.findAll("METADATA", "model_name", "credit").get(0);
            // the record captured before the anchor is before it in the ledger: the program's order is kept
            assertThat(ingestion.position()).isLessThan(dataAt);
            assertThat(modelAt).isEqualTo(dataAt + 1);
            LedgerEntry d = ledger.entry(dataAt).orElseThrow();
            assertThat(d.type()).isEqualTo(DatasetAnchor.TYPE);
            assertThat(DatasetAnchor.hashMatches(d.payloadFields())).isTrue();
            assertThat(d.payloadFields().get("samples")).isEqualTo(3);
            LedgerEntry mo = ledger.entry(modelAt).orElseThrow();
            assertThat(mo.type()).isEqualTo(ModelAnchor.TYPE);
            assertThat(ModelAnchor.check(mo.payloadFields())).isEmpty();
            assertThat(mo.payloadFields().get("model_hash")).isEqualTo(model.modelHash());
            assertThat(mo.payloadFields().toString()).contains(List.of(d.payloadFields().get("dataset_hash")).get(0)
                    .toString());
        }
    }

    @Test
    void withoutCiafRunningAnchoringDoesNothingAndThrowsNothing() {
        Map<String, String> vars = Map.of("CIAF_HOME", home.toString(), "CIAF_STORAGE_BACKEND", "nosuch");
        assertThat(Ciaf.start(CiafConfig.load(vars, new Properties(), null))).isFalse();
        ModelAnchor model = ModelAnchor.builder("credit", "1.0").parameters(new double[] {1}).build();
        assertThat(Ciaf.anchor(model)).isEqualTo(-1);
        assertThat(Ciaf.home()).isNull();
    }
}
