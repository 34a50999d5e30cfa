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

    private interface SessionTest {
        void run(AuditLedger ledger, MetadataStorage storage, List<MetadataRecord> records) throws Exception;
    }

    /**
     * A ledger holding {@code n} records of model "lost" in {@code session} (and {@code otherSession}'s, see
     * {@link #sessionEntries}), and a {@code backend} store that has none of them yet.
     */
    private void withSession(String session, int n, String otherSession, String backend, SessionTest test)
            throws Exception {
        List<MetadataRecord> records = new ArrayList<>();
        List<NewEntry> entries = sessionEntries(session, n, records, otherSession);
        try (AuditLedger ledger = AuditLedger.create(home, "ciaf.test/catch-up");
                MetadataStorage storage = MetadataStorage.open(home.resolve("metadata"), backend)) {
            ledger.appendAll(entries);
            test.run(ledger, storage, records);
        }
    }

    /** Where CIAF's problems go for the rest of the test. */
    private static java.io.ByteArrayOutputStream problems() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Problems.out = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
        return err;
    }

    /** A session killed without noting a record its backend refused. */
    private static Sessions.CatchUp killed(String session) {
        return new Sessions.CatchUp(session, 0, null, true);
    }

    private static MetadataRecord record(String model, int i) {
        return MetadataRecord.builder(model, Stage.INFERENCE, "predict").put("i", i).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "sqlite"})
    void theRecordsALostSessionCommittedButDidNotSaveArePutBackAndNothingElse(String backend) throws Exception {
        String lost = "lost-session-" + backend; // Problems reports a kind once per JVM: one per run
        String other = "01a22b01-0000-7000-8000-000000000002";
        // 10,000 records of the lost session (three chunks of the backwards read), another session's interleaved
        withSession(lost, 10_000, other, backend, (ledger, storage, lostRecords) -> {
            storage.saveValidated(lostRecords.subList(0, 6_123)); // the backend thread got this far

            java.io.ByteArrayOutputStream err = problems();
            assertThat(BackendCatchUp.restore(ledger, storage, killed(lost), heard)).isEqualTo(10_000 - 6_123);

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
            assertThat(BackendCatchUp.restore(ledger, storage, killed(lost), heard)).isZero();
        });
    }

    @Test
    void aSessionWhoseRecordsAreAllSavedRestoresNothing() throws Exception {
        String lost = "01a22b01-0000-7000-8000-000000000003";
        try (AuditLedger ledger = AuditLedger.create(home, "ciaf.test/catch-up");
                MetadataStorage storage = MetadataStorage.open(home.resolve("metadata"), "sqlite")) {
            MetadataRecord r = record("lost", 1);
            ledger.appendAll(List.of(entry(r, lost)));
            storage.saveValidated(List.of(r));
            assertThat(BackendCatchUp.restore(ledger, storage, killed(lost), heard)).isZero();
            assertThat(BackendCatchUp.restore(ledger, storage, killed("no-such-session"), heard)).isZero();
        }
    }

    @Test
    void pastTheLimitTheNewestAreRestoredAndRebuildIsNamedForTheRest() throws Exception {
        String lost = "lost-session-limit";
        withSession(lost, 9_000, null, "sqlite", (ledger, storage, records) -> {
            storage.saveValidated(records.subList(0, 10)); // the backend failed for most of the session
            java.io.ByteArrayOutputStream err = problems();
            // a limit of 5,000 stops after two chunks of 4,096 (the newest ones; the chunk is the unit)
            int restored = BackendCatchUp.restore(ledger, storage, killed(lost), heard, 5_000, BackendCatchUp.MAX_SCANNED);
            assertThat(restored).isEqualTo(8_192);
            assertThat(storage.get(records.get(8_999).id())).isPresent();
            assertThat(storage.get(records.get(808).id())).isPresent();
            assertThat(storage.get(records.get(807).id())).isEmpty();
            assertThat(err.toString()).contains("restored 8192 records").contains("run ciaf rebuild");
        });
    }
    @ParameterizedTest
    @ValueSource(strings = {"json", "sqlite"})
    void recordsRefusedBeforeOthersWereSavedArePutBackFromTheOneTheSessionNoted(String backend) throws Exception {
        String lost = "refused-session-" + backend;
        withSession(lost, 10_000, "01a22b01-0000-7000-8000-000000000004", backend, (ledger, storage, records) -> {
            // the backend refused 100-149 and kept refusing them while it saved 150-8999; the JVM was then killed
            // before the backend thread saved 9000-9999
            storage.saveValidated(records.subList(0, 100));
            storage.saveValidated(records.subList(150, 9_000));
            Sessions.CatchUp noted = new Sessions.CatchUp(lost, 0, records.get(100).id(), true);
            java.io.ByteArrayOutputStream err = problems();

            assertThat(BackendCatchUp.restore(ledger, storage, noted, heard)).isEqualTo(50 + 1_000);
            List<MetadataRecord> inBackend = storage.query(MetadataQuery.builder().model("lost").build());
            assertThat(inBackend).hasSize(10_000);
            assertThat(inBackend.stream().map(MetadataRecord::id).distinct().count()).isEqualTo(10_000);
            assertThat(storage.get(records.get(120).id()).orElseThrow().metadataHash())
                    .isEqualTo(records.get(120).metadataHash());
            assertThat(storage.query(MetadataQuery.builder().model("other").build())).isEmpty();
            assertThat(events).hasSize(1_050);
            assertThat(err.toString()).contains("restored 1050 records of the lost session " + lost);
            assertThat(BackendCatchUp.restore(ledger, storage, noted, heard)).isZero();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "sqlite"})
    void aChunkWhoseOldestIsMissingHasOnlyItsMissingRecordsSaved(String backend) throws Exception {
        // a session noted by an older CIAF, or killed before it could note the refusal: the backwards read takes
        // the whole chunk as missing, and must not save again the records of it that the backend has
        String lost = "gap-session-" + backend;
        withSession(lost, 10, null, backend, (ledger, storage, records) -> {
            storage.saveValidated(records.subList(5, 10));
            assertThat(BackendCatchUp.restore(ledger, storage, killed(lost), heard)).isEqualTo(5);
            List<MetadataRecord> inBackend = storage.query(MetadataQuery.builder().model("lost").build());
            assertThat(inBackend).hasSize(10);
            assertThat(inBackend.stream().map(MetadataRecord::id).distinct().count()).isEqualTo(10);
        });
    }

    @Test
    void readingForwardsStopsAtTheLimitsAndNamesRebuild() throws Exception {
        String lost = "refused-session-limit";
        withSession(lost, 9_000, null, "sqlite", (ledger, storage, records) -> {
            java.io.ByteArrayOutputStream err = problems();
            Sessions.CatchUp c = new Sessions.CatchUp(lost, 0, records.get(0).id(), false);
            // at most 5,000 records: two chunks of 4,096, the oldest
            assertThat(BackendCatchUp.restore(ledger, storage, c, heard, 5_000, BackendCatchUp.MAX_SCANNED))
                    .isEqualTo(8_192);
            assertThat(storage.get(records.get(8_191).id())).isPresent();
            assertThat(storage.get(records.get(8_192).id())).isEmpty();
            assertThat(err.toString()).contains("restored 8192 records of the session " + lost)
                    .contains("run ciaf rebuild");
            // at most 4,096 entries read: one chunk, the rest of the records saved by the run before
            Problems.resetForTests();
            assertThat(BackendCatchUp.restore(ledger, storage, c, heard, 5_000, 4_096)).isZero();
            assertThat(storage.get(records.get(8_192).id())).isEmpty();
            assertThat(err.toString()).contains("restored 0 records of the session " + lost);
        });
    }
}
