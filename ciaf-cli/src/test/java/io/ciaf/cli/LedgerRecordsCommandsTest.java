package io.ciaf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.api.Stage;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.runtime.Ciaf;
import io.ciaf.runtime.CiafConfig;
import io.ciaf.runtime.MetadataCapture;
import io.ciaf.storage.MetadataStorage;

/** ciaf rebuild, trace and export audit, from records the real capture pipeline wrote. */
class LedgerRecordsCommandsTest {

    @TempDir
    Path dir;
    Path home;
    long afterTraining;

    @BeforeEach
    void capture() {
        home = dir.resolve("home");
        Ciaf.start(CiafConfig.load(Map.of("CIAF_HOME", home.toString(), "CIAF_CHECKPOINT_INTERVAL_SECONDS", "0"),
                new Properties(), null));
        try (MetadataCapture c = Ciaf.capture("credit", Stage.TRAINING, "fit")) {
            c.put("accuracy", 0.875).put("customer", "cust-9");
        }
        Ciaf.flush(java.time.Duration.ofSeconds(10));
        try (AuditLedger ledger = AuditLedger.open(home)) {
            afterTraining = ledger.size() - 1;
        }
        try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "predict")) {
            c.put("approved", true);
        }
        try (MetadataCapture c = Ciaf.capture("fraud", Stage.INFERENCE, "predict")) {
            c.put("score", 0.2);
        }
        Ciaf.shutdown();
    }

    private CliRun ciaf(String... args) {
        return CliRun.inHome(home, "", args);
    }

    @Test
    void rebuildRestoresTheMetadataBackendFromTheLedgerAlone() throws Exception {
        long before;
        try (MetadataStorage s = MetadataStorage.open(home.resolve("metadata"), "sqlite")) {
            before = s.query("credit", null, 100).size();
        }
        CliRun r = ciaf("rebuild");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("rebuilt 3 records").contains("metadata_hash mismatches: 0")
                .contains("the previous store is at");
        try (MetadataStorage s = MetadataStorage.open(home.resolve("metadata"), "sqlite")) {
            assertThat(s.query("credit", null, 100)).hasSize((int) before).hasSize(2);
        }
        try (var files = Files.list(dir.resolve("home"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("metadata.replaced-"));
        }
    }

    @Test
    void aDamagedStoreIsNamedWithTheFixAndRebuildPutsItBack() throws Exception {
        Path store = home.resolve("metadata");
        Files.deleteIfExists(store.resolve("metadata.db-wal"));
        Files.deleteIfExists(store.resolve("metadata.db-shm"));
        Files.writeString(store.resolve("metadata.db"), "not a database ".repeat(600));
        CliRun assess = ciaf("compliance", "assess", "credit");
        assertThat(assess.exit()).isEqualTo(3);
        assertThat(assess.err()).startsWith("ciaf: the metadata store's database " + store.resolve("metadata.db"))
                .contains("ciaf rebuild").doesNotContain("unexpected error").doesNotContain("\tat ");
        CliRun rebuild = ciaf("rebuild");
        assertThat(rebuild.exit()).as(rebuild.err()).isZero();
        assertThat(rebuild.out()).startsWith("rebuilt 3 records");
        try (MetadataStorage s = MetadataStorage.open(store, "sqlite")) {
            assertThat(s.query("credit", null, 100)).hasSize(2);
        }
    }

    @Test
    void traceShowsThePipelineAlsoAsItStoodAtAPastPosition() {
        CliRun now = ciaf("trace", "credit");
        assertThat(now.exit()).as(now.err()).isZero();
        assertThat(now.out()).contains(": 2 records").contains("training (1)").contains("inference (1)");
        CliRun then = ciaf("trace", "credit", "--as-of", Long.toString(afterTraining));
        assertThat(then.out()).contains(": 1 records").contains("training (1)").doesNotContain("inference");
        assertThat(ciaf("trace", "credit", "--as-of", "yesterday").exit()).isEqualTo(2);
        assertThat(ciaf("trace", "credit", "--as-of", "1999-01-01T00:00:00Z").err()).contains("before the ledger's first");
    }

    @Test
    void aTraceOfAModelWithoutRecordsNamesTheModelsThatHaveThem() {
        CliRun typo = ciaf("trace", "credt");
        assertThat(typo.exit()).isZero();
        assertThat(typo.out()).contains("pipeline trace of credt: 0 records");
        assertThat(typo.err()).contains("no records of model 'credt'; models with records: [credit, fraud]");
        CliRun before = ciaf("trace", "fraud", "--as-of", Long.toString(afterTraining));
        assertThat(before.err()).contains("no records of model 'fraud' as of " + afterTraining
                + "; models with records: [credit]");
        assertThat(ciaf("trace", "credit").err()).doesNotContain("no records");
    }

    @Test
    void exportAuditWritesTheModelsRecordsInEachFormat() {
        CliRun json = ciaf("export", "audit", "--model", "credit");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"fit\"").contains("\"predict\"").doesNotContain("fraud");
        assertThat(ciaf("export", "audit", "--model", "credit", "--format", "csv").out().lines().count()).isEqualTo(3);
        assertThat(ciaf("export", "audit", "--model", "credit", "--format", "xml").out()).contains("<");
        assertThat(ciaf("export", "audit", "--model", "credit", "--start-date", "2999-01-01").out())
                .doesNotContain("\"fit\"");
        assertThat(ciaf("export", "audit", "--model", "credit", "--format", "pdf").exit()).isEqualTo(2);
    }
}
