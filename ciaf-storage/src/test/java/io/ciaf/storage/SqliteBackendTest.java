package io.ciaf.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.api.internal.CanonicalJson;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqliteBackendTest extends MetadataBackendCompatibilityKit {

    @Override
    protected String backend() {
        return "sqlite";
    }

    private Connection sql() throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store/metadata.db"));
    }

    @Test
    void databaseIsInWalModeWithTheSeedsSchema() throws Exception {
        storage.save(rich("m", Stage.TRAINING, T0));
        try (Connection c = sql(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                assertThat(rs.getString(1)).isEqualTo("wal");
            }
            List<String> indexes = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='metadata'")) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
            }
            assertThat(indexes).contains("idx_metadata_model_stage", "idx_metadata_stage", "idx_metadata_event",
                    "idx_metadata_time");
        }
    }

    @Test
    void metadataJsonIsQueryableWithJsonExtractAndHashesToTheStoredHash() throws Exception {
        storage.saveAll(List.of(
                MetadataRecord.builder("low", Stage.TRAINING, "model_trained").put("accuracy", 0.85).build(),
                MetadataRecord.builder("high", Stage.TRAINING, "model_trained").put("accuracy", 0.95).build()));
        try (Connection c = sql(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT model_name, metadata_json, metadata_hash FROM metadata"
                     + " WHERE stage = 'training' AND json_extract(metadata_json, '$.accuracy') < 0.9")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("low");
            assertThat(CanonicalJson.sha256Hex(rs.getString(2))).isEqualTo(rs.getString(3));
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void complianceRecordsAreListedAsComplianceEvents() throws Exception {
        storage.saveAll(List.of(
                MetadataRecord.builder("m", Stage.COMPLIANCE, "assessed").put("framework", "GDPR")
                        .put("compliance_score", 0.75).build(),
                MetadataRecord.builder("m", Stage.COMPLIANCE, "note").put("text", "no framework").build()));
        try (Connection c = sql(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT framework, compliance_score, timestamp FROM compliance_events"
                     + " WHERE timestamp > datetime('now', '-30 days') ORDER BY timestamp DESC")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("GDPR");
            assertThat(rs.getDouble(2)).isEqualTo(0.75);
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void aLargeBatchIsSavedWholeWithItsComplianceEventsAcrossInsertChunks() throws Exception {
        // rows go in by chunks (InsertChunks.ROWS); a compliance row needs its metadata row in first (foreign key)
        List<MetadataRecord> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(i % 3 == 0
                    ? MetadataRecord.builder("m", Stage.COMPLIANCE, "assessed").put("framework", "GDPR")
                            .put("compliance_score", i / 100.0).build()
                    : MetadataRecord.builder("m", Stage.INFERENCE, "prediction").put("i", i).build());
        }
        storage.saveAll(batch);
        try (Connection c = sql(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM metadata),"
                        + " (SELECT count(*) FROM compliance_events), (SELECT sum(compliance_score) FROM compliance_events)")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(100);
            assertThat(rs.getInt(2)).isEqualTo(34);
            assertThat(rs.getDouble(3)).isCloseTo(16.83, org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(batch).allSatisfy(r -> assertThat(storage.get(r.id())).contains(r));
    }

    @Test
    void aBatchThatFailsAfterSomeChunksLeavesNothingForTheNextSave() throws Exception {
        // the database refuses record 29 (a trigger, as a DBA's constraint would); the chunks before it went in
        // the same transaction, and its chunk's compliance rows were waiting to go in after it
        try (Connection c = sql(); Statement s = c.createStatement()) {
            s.execute("CREATE TRIGGER refuse_29 BEFORE INSERT ON metadata"
                    + " WHEN json_extract(NEW.metadata_json, '$.i') = 29 BEGIN SELECT RAISE(ABORT, 'refused'); END");
        }
        List<MetadataRecord> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(MetadataRecord.builder("m", Stage.COMPLIANCE, "assessed").put("framework", "GDPR").put("i", i)
                    .timestamp(T0).build());
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> storage.saveAll(batch))
                .hasMessageContaining("nothing from this call was stored");
        MetadataRecord next = MetadataRecord.builder("m", Stage.COMPLIANCE, "assessed").put("framework", "HIPAA")
                .timestamp(T0).build();
        storage.save(next);
        try (Connection c = sql(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT (SELECT group_concat(id) FROM metadata),"
                        + " (SELECT group_concat(record_id) FROM compliance_events)")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("rows of the failed call").isEqualTo(next.id().toString());
            assertThat(rs.getString(2)).isEqualTo(next.id().toString());
        }
    }

    @Test
    void erasedRecordsAreGoneAndLeaveNoReadableCopyInTheFiles() throws Exception {
        MetadataRecord keep = rich("m", Stage.TRAINING, T0);
        MetadataRecord gone = MetadataRecord.builder("m", Stage.INFERENCE, "prediction").timestamp(T0)
                .put("customer", "subject-7f3a9c").build();
        MetadataRecord compliance = MetadataRecord.builder("m", Stage.COMPLIANCE, "gdpr").timestamp(T0)
                .put("framework", "GDPR").put("customer", "subject-7f3a9c").build();
        storage.saveAll(List.of(keep, gone, compliance));
        assertThat(storage.erase(List.of(gone.id(), compliance.id(), java.util.UUID.randomUUID()))).isEqualTo(2);
        assertThat(storage.get(gone.id())).isEmpty();
        assertThat(storage.get(compliance.id())).isEmpty();
        assertThat(storage.get(keep.id())).isPresent();
        assertThat(storage.query("m", null, 10)).extracting(MetadataRecord::id).containsExactly(keep.id());
        try (Connection c = sql(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM compliance_events")) {
            assertThat(rs.getLong(1)).isZero();
        }
        for (String suffix : new String[] {"", "-wal"}) {
            java.nio.file.Path f = dir.resolve("store/metadata.db" + suffix);
            if (java.nio.file.Files.exists(f)) {
                assertThat(new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(f.toString()).doesNotContain("subject-7f3a9c");
            }
        }
    }
}
