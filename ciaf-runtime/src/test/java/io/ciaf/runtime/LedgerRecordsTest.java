package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.anchor.LedgerRecords;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.storage.MetadataStorage;

/** Records read back from the ledger alone equal the ones the capture pipeline saved to the backend. */
class LedgerRecordsTest {

    @TempDir
    Path home;

    @AfterEach
    void reset() {
        Ciaf.resetForTests();
    }

    @Test
    void recordsRebuiltFromTheLedgerEqualTheSavedOnes() {
        Ciaf.start(CiafConfig.load(Map.of("CIAF_HOME", home.toString(), "CIAF_CHECKPOINT_INTERVAL_SECONDS", "0"),
                new Properties(), null));
        try (MetadataCapture c = Ciaf.capture("credit", Stage.TRAINING, "fit")) {
            c.put("accuracy", 0.875).put("epochs", 200).put("layers", List.of(64, 32)).put("note", "naïve — ok")
                    .put("nothing", null).put("nested", Map.of("a", 1.0, "b", List.of(true, "x")));
            try (MetadataCapture inner = Ciaf.capture("credit", Stage.VALIDATION, "score")) {
                inner.put("auc", 0.91);
            }
        }
        Ciaf.model("fraud", "2").logInference(Map.of("predictions", 10));
        Ciaf.shutdown();

        List<MetadataRecord> saved;
        try (MetadataStorage storage = MetadataStorage.open(home.resolve("metadata"), "sqlite")) {
            saved = storage.query("credit", null, 100);
        }
        try (AuditLedger ledger = AuditLedger.open(home)) {
            LedgerRecords.Result all = LedgerRecords.read(ledger, null, -1, null);
            assertThat(all.hashMismatches()).isZero();
            assertThat(all.unreadable()).isZero();
            assertThat(all.records()).hasSize(3);

            LedgerRecords.Result credit = LedgerRecords.read(ledger, "credit", -1, null);
            Comparator<MetadataRecord> byId = Comparator.comparing(r -> r.id().toString());
            assertThat(credit.records().stream().sorted(byId).toList())
                    .isEqualTo(saved.stream().sorted(byId).toList());
            MetadataRecord inner = credit.records().stream().filter(r -> r.stage() == Stage.VALIDATION).findFirst()
                    .orElseThrow();
            assertThat(inner.parentId()).isPresent();

            long firstCredit = ledger.findByIdempotencyKey(credit.records().get(0).id().toString()).orElseThrow()
                    .position();
            assertThat(LedgerRecords.read(ledger, "credit", firstCredit, null).records()).hasSize(1);

            ledger.erase(List.of(firstCredit), Map.of("reason", "test"));
            LedgerRecords.Result after = LedgerRecords.read(ledger, "credit", -1, null);
            assertThat(after.erased()).isEqualTo(1);
            assertThat(after.records()).hasSize(1);
        }
    }
}
