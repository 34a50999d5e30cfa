package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.ciaf.anchor.LedgerRecords;
import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.NewEntry;
import io.ciaf.storage.MetadataStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class BackendCatchUpTest {

    @TempDir
    Path home;

    private final List<io.ciaf.api.AuditEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Listeners heard = new Listeners();

    {
        heard.add(events::addAll);
    }

    @AfterEach
    void reset() {
        Problems.out = System.err;
    }

    /** The METADATA entry the pipeline writes for {@code r} in {@code session}. */
    private static NewEntry entry(MetadataRecord r, String session) {
        Map<String, Object> p = LedgerRecords.toPayload(r);
        p.put("session", session);
        return NewEntry.of("METADATA", p, r.id().toString());
    }

    /**
     * METADATA entries for {@code n} records of model "lost" in {@code session} (added to {@code records}), with
     * a record of model "other" in {@code otherSession} after every seventh when it is not null.
     */
    private static List<NewEntry> sessionEntries(String session, int n, List<MetadataRecord> records,
            String otherSession) {
        List<NewEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MetadataRecord r = record("lost", i);
            records.add(r);
            entries.add(entry(r, session));
            if (otherSession != null && i % 7 == 0) {
                entries.add(entry(record("other", i), otherSession));
            }
        }
        return entries;
    }

    private static MetadataRecord record(String model, int i) {
        return MetadataRecord.builder(model, Stage.INFERENCE, "predict").put("i", i).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "sqlite"})
    void theRecordsALostSessionCommittedButDidNotSaveArePutBackAndNothingElse(String backend) throws Exception {
        String lost = "lost-session-" + backend; // Problems reports a kind once per JVM: one per run
        String other = "01a22b01-0000-7000-8000-000000000002";
        List<MetadataRecord> lostRecords = new ArrayList<>();
        // 10,000 records of the lost session (three chunks of the backwards read), another session's interleaved
        List<NewEntry> entries = sessionEntries(lost, 10_000, lostRecords, other);
        try (AuditLedger ledger = AuditLedger.create(home, "ciaf.test/catch-up");
                MetadataStorage storage = MetadataStorage.open(home.resolve("metadata"), backend)) {
            ledger.appendAll(entries);
            storage.saveValidated(lostRecords.subList(0, 6_123)); // the backend thread got this far

            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            Problems.out = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(BackendCatchUp.restore(ledger, storage, lost, 0, heard)).isEqualTo(10_000 - 6_123);

            List<MetadataRecord> inBackend = storage.query(MetadataQuery.builder().model("lost").build());
            assertThat(inBackend).hasSize(10_000);
            assertThat(inBackend.stream().map(MetadataRecord::id).distinct().count()).isEqualTo(10_000);
            MetadataRecord last = storage.get(lostRecords.get(9_999).id()).orElseThrow();
            assertThat(last.metadataHash()).isEqualTo(lostRecords.get(9_999).metadataHash());
            assertThat(last.timestamp()).isEqualTo(lostRecords.get(9_999).timestamp());
            assertThat(storage.query(MetadataQuery.builder().model("other").build())).isEmpty();
            assertThat(err.toString()).contains("restored 3877 records of the lost session " + lost);
            // webhooks hear of them as they would have after the save
            assertThat(events).hasSize(3877).allMatch(e -> e.name().equals("metadata_saved"));
            // a second start finds nothing missing
            assertThat(BackendCatchUp.restore(ledger, storage, lost, 0, heard)).isZero();
        }
    }

    @Test
    void aSessionWhoseRecordsAreAllSavedRestoresNothing() throws Exception {
        String lost = "01a22b01-0000-7000-8000-000000000003";
        try (AuditLedger ledger = AuditLedger.create(home, "ciaf.test/catch-up");
                MetadataStorage storage = MetadataStorage.open(home.resolve("metadata"), "sqlite")) {
            MetadataRecord r = record("lost", 1);
            ledger.appendAll(List.of(entry(r, lost)));
            storage.saveValidated(List.of(r));
            assertThat(BackendCatchUp.restore(ledger, storage, lost, 0, heard)).isZero();
            assertThat(BackendCatchUp.restore(ledger, storage, "no-such-session", 0, heard)).isZero();
        }
    }

    @Test
    void pastTheLimitTheNewestAreRestoredAndRebuildIsNamedForTheRest() throws Exception {
        String lost = "lost-session-limit";
        List<MetadataRecord> records = new ArrayList<>();
        List<NewEntry> entries = sessionEntries(lost, 9_000, records, null);
        try (AuditLedger ledger = AuditLedger.create(home, "ciaf.test/catch-up");
                MetadataStorage storage = MetadataStorage.open(home.resolve("metadata"), "sqlite")) {
            ledger.appendAll(entries);
            storage.saveValidated(records.subList(0, 10)); // the backend failed for most of the session
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            Problems.out = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
            // a limit of 5,000 stops after two chunks of 4,096 (the newest ones; the chunk is the unit)
            int restored = BackendCatchUp.restore(ledger, storage, lost, 0, heard, 5_000);
            assertThat(restored).isEqualTo(8_192);
            assertThat(storage.get(records.get(8_999).id())).isPresent();
            assertThat(storage.get(records.get(808).id())).isPresent();
            assertThat(storage.get(records.get(807).id())).isEmpty();
            assertThat(err.toString()).contains("restored 8192 records").contains("run ciaf rebuild");
        }
    }
}
