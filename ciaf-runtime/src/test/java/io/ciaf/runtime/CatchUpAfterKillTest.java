package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.storage.MetadataStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM whose metadata backend refused a record, then saved thousands after it, is killed with kill -9: the
 * next start puts the refused record back into the backend from the ledger, guided by the note the killed
 * session kept, although the backend's newest records are all there.
 */
class CatchUpAfterKillTest {

    private static final int LATER = 5_000;

    @TempDir
    Path home;

    @AfterEach
    void reset() {
        Ciaf.resetForTests();
        Problems.out = System.err;
    }

    @Test
    void aRecordTheBackendRefusedBeforeOthersItSavedIsPutBackAfterKillNine() throws Exception {
        // the json backend's day files of model "credit" are directories: every save of a credit record fails
        List<Path> blocked = new ArrayList<>();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (LocalDate d : List.of(today, today.plusDays(1))) {
            blocked.add(Files.createDirectories(home.resolve("metadata/credit/" + d + ".jsonl")));
        }
        Process app = TestJvms.start(App.class, home, Map.of("CIAF_STORAGE_BACKEND", "json"), "app");
        try {
            assertThat(TestJvms.stdout(app).readLine()).isEqualTo("captured");
        } finally {
            app.destroyForcibly(); // SIGKILL, with the refused record still held in memory
        }
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (Path b : blocked) {
            Files.delete(b);
        }

        Ciaf.start(CiafConfig.load(Map.of("CIAF_HOME", home.toString(), "CIAF_STORAGE_BACKEND", "json",
                "CIAF_CHECKPOINT_INTERVAL_SECONDS", "0"), new Properties(), null));
        try (MetadataCapture c = Ciaf.capture("third", Stage.INFERENCE, "predict")) {
            c.put("i", 0);
        }
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        Ciaf.shutdown();

        try (MetadataStorage storage = MetadataStorage.open(home.resolve("metadata"), "json")) {
            assertThat(storage.query(MetadataQuery.builder().model("credit").build()))
                    .extracting(r -> ((Number) r.metadata().get("i")).intValue()).containsExactly(0);
            List<MetadataRecord> later = storage.query(MetadataQuery.builder().model("other").limit(LATER + 1)
                    .build());
            assertThat(later).hasSize(LATER);
            assertThat(later.stream().map(MetadataRecord::id).distinct().count()).isEqualTo(LATER);
        }
        try (java.util.stream.Stream<Path> files = Files.list(home.resolve("sessions"))) {
            assertThat(files).isEmpty(); // the catch-up note is gone once done
        }
        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ledger.verify().size()).isEqualTo(ledger.size());
            List<Map<String, Object>> recoveries = new ArrayList<>();
            List<Map<String, Object>> starts = new ArrayList<>();
            ledger.scan(0, ledger.size() - 1, e -> {
                if (e.type().equals("RECOVERY")) {
                    recoveries.add(e.payloadFields());
                } else if (e.type().equals("SESSION_START")) {
                    starts.add(e.payloadFields());
                }
            });
            assertThat(recoveries).hasSize(1);
            // the next session's start says what it put back, for the session the RECOVERY names
            assertThat(starts).hasSize(2);
            assertThat(starts.get(1).get("backend_restored"))
                    .isEqualTo(Map.of(recoveries.get(0).get("lost_session"), 1));
        }
    }

    /** Run in its own JVM: one credit record (refused), {@value #LATER} of another model (saved), then waits. */
    public static final class App {

        private App() {
        }

        public static void main(String[] args) throws Exception {
            try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "predict")) {
                c.put("i", 0);
            }
            boolean flushed = Ciaf.flush(Duration.ofSeconds(30));
            for (int i = 0; i < LATER; i++) {
                try (MetadataCapture c = Ciaf.capture("other", Stage.INFERENCE, "predict")) {
                    c.put("i", i);
                }
            }
            flushed &= Ciaf.flush(Duration.ofSeconds(30));
            System.out.println(flushed ? "captured" : "not flushed");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
