package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciaf.api.CaptureMode;
import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.PipelineTrace;
import io.ciaf.api.Stage;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;
import io.ciaf.storage.MetadataStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @AfterEach
    void reset() {
        Ciaf.resetForTests();
        Problems.out = System.err;
    }

    private void start(String... env) {
        Map<String, String> vars = new java.util.HashMap<>(Map.of("CIAF_HOME", home.toString(),
                "CIAF_CHECKPOINT_INTERVAL_SECONDS", "0"));
        for (int i = 0; i < env.length; i += 2) {
            vars.put(env[i], env[i + 1]);
        }
        Ciaf.start(CiafConfig.load(vars, new Properties(), null));
    }

    private List<LedgerEntry> entries(String type) {
        List<LedgerEntry> out = new ArrayList<>();
        try (AuditLedger ledger = AuditLedger.open(home)) {
            for (long p = 0; p < ledger.size(); p++) {
                LedgerEntry e = ledger.entry(p).orElseThrow();
                if (e.type().equals(type)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static JsonNode payload(LedgerEntry e) throws Exception {
        return JSON.readTree(e.payload().orElseThrow());
    }

    @Test
    void aRecordIsTimedWhenItsCaptureOpensNotWhenItIsCommitted() throws Exception {
        start();
        java.time.Instant before = java.time.Instant.now();
        UUID first;
        UUID second;
        try (MetadataCapture c = Ciaf.capture("timing", Stage.INFERENCE, "slow")) {
            first = c.id();
            Thread.sleep(200);
        }
        java.time.Instant between = java.time.Instant.now();
        try (MetadataCapture c = Ciaf.capture("timing", Stage.INFERENCE, "fast")) {
            second = c.id();
        }
        Thread.sleep(200);
        Ciaf.shutdown();
        try (MetadataStorage storage = MetadataStorage.open(home.resolve("metadata"), "sqlite")) {
            java.time.Instant one = storage.get(first).orElseThrow().timestamp();
            java.time.Instant two = storage.get(second).orElseThrow().timestamp();
            // opened right after 'before' and right after 'between'; the first closed 200 ms after it opened,
            // and both were committed later still
            assertThat(one).isBetween(before.minusMillis(5), before.plusMillis(150));
            assertThat(two).isBetween(between.minusMillis(5), between.plusMillis(150));
            assertThat(java.time.Duration.between(one, two)).isGreaterThanOrEqualTo(java.time.Duration.ofMillis(200));
        }
    }

    @Test
    void capturesGoToTheLedgerAndTheBackendWithParentsAndCurrentValues() throws Exception {
        start();
        UUID outer;
        UUID inner;
        try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "batch_prediction")) {
            c.put("batch_size", 1000);
            outer = c.id();
            try (MetadataCapture nested = Ciaf.capture("credit", Stage.INFERENCE, "score_one")) {
                Ciaf.current().put("score", 0.73);
                inner = nested.id();
            }
            Ciaf.current().put("predictions_made", 1000);
            c.put("bad", new Object());
        }
        ModelMetadataManager manager = Ciaf.model("credit", "2.1.0");
        UUID trained = manager.logTrainingComplete(Map.of("accuracy", 0.94));
        PipelineTrace trace = manager.pipelineTrace();
        assertThat(trace.records()).extracting(MetadataRecord::id).contains(outer, inner, trained);
        Ciaf.shutdown();

        try (MetadataStorage storage = MetadataStorage.open(home.resolve("metadata"), "sqlite")) {
            MetadataRecord o = storage.get(outer).orElseThrow();
            assertThat(o.metadata()).containsEntry("batch_size", 1000L).containsEntry("predictions_made", 1000L)
                    .containsEntry("outcome", "ok").containsKey("duration_ns").containsKey("thread");
            assertThat(o.metadata().get("bad").toString()).contains("not recorded: java.lang.Object");
            MetadataRecord i = storage.get(inner).orElseThrow();
            assertThat(i.parentId()).contains(outer);
            assertThat(i.metadata()).containsEntry("score", 0.73);
            assertThat(storage.get(trained).orElseThrow().version()).contains("2.1.0");
        }
        List<LedgerEntry> metadata = entries("METADATA");
        assertThat(metadata).hasSize(3);
        JsonNode first = payload(metadata.get(0));
        assertThat(first.get("id").asText()).isEqualTo(inner.toString());
        assertThat(first.get("idempotency_key").asText()).isEqualTo(inner.toString());
        assertThat(first.get("metadata").get("score").asDouble()).isEqualTo(0.73);
        assertThat(entries("SESSION_START")).hasSize(1);
        JsonNode end = payload(entries("SESSION_END").get(0));
        assertThat(end.get("captured").asLong()).isEqualTo(3);
        assertThat(end.get("committed").asLong()).isEqualTo(3);
        assertThat(end.get("dropped").asLong()).isZero();
        assertThat(end.get("backend_unsaved").asLong()).isZero();
        assertThat(entries("CHECKPOINT")).isNotEmpty();
        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ledger.verify().checkpoint()).isPresent();
        }
    }

    @Test
    void aSyncCaptureIsDurableWhenCloseReturnsAndConcurrentCallersShareCommits() throws Exception {
        start("CIAF_CAPTURE_MODE", "sync");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<UUID> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    UUID id;
                    try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "predict")) {
                        c.put("i", i);
                        id = c.id();
                    }
                    // Durable in the ledger (the source of truth) as soon as close() returns.
                    if (Ciaf.runtime().ledger().findByIdempotencyKey(id.toString()).isPresent()) {
                        ids.add(id);
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ids).hasSize(400);
        Ciaf.shutdown();
        // Fewer ledger transactions than calls: group commit. Each METADATA batch shares one timestamp second.
        assertThat(entries("METADATA")).hasSize(400);
    }

    @Test
    void explicitAsyncOverridesASyncDefault() {
        start("CIAF_CAPTURE_MODE", "sync");
        try (MetadataCapture c = Ciaf.capture("m", null, Stage.MONITORING, "e", CaptureMode.ASYNC)) {
            c.put("x", 1);
        }
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void whenTheQueueIsFullDropsAreCountedAndWrittenToTheLedger() throws Exception {
        start("CIAF_CAPTURE_OVERLOAD", "drop", "CIAF_CAPTURE_QUEUE_CAPACITY", "16", "CIAF_STORAGE_BACKEND", "json");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                for (int i = 0; i < 5000; i++) {
                    try (MetadataCapture c = Ciaf.capture("flood", Stage.INFERENCE, "predict")) {
                        c.put("i", i);
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        Ciaf.shutdown();
        assertThat(droppedAndAccountedFor(20_000)).isPositive();
    }

    /** SESSION_END's counts add up to {@code calls}, and the DROPPED entries and METADATA records match them. */
    private long droppedAndAccountedFor(long calls) throws Exception {
        JsonNode end = payload(entries("SESSION_END").get(0));
        long dropped = end.get("dropped").asLong();
        assertThat(end.get("captured").asLong()).isEqualTo(calls);
        assertThat(end.get("committed").asLong() + dropped).isEqualTo(calls);
        long recorded = 0;
        for (LedgerEntry e : entries("DROPPED")) {
            recorded += payload(e).get("dropped").asLong();
        }
        assertThat(recorded).isEqualTo(dropped);
        assertThat(entries("METADATA")).hasSize((int) (calls - dropped));
        return dropped;
    }

    @Test
    void asyncRecordsAreInTheLedgerWithinTheFlushInterval() throws Exception {
        start(); // async, flush interval 50 ms
        Ciaf.model("warm-up", "1").logMonitoring(Map.of("first", true)); // the first record opens the home
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        for (int i = 0; i < 400; i++) {
            try (MetadataCapture c = Ciaf.capture("steady", Stage.INFERENCE, "predict")) {
                c.put("i", i);
            }
            Thread.sleep(2); // a steady 400 calls/s or so: the pipeline commits on its own ticks, never woken
        }
        Ciaf.shutdown();
        List<Long> waits = new ArrayList<>();
        for (LedgerEntry e : entries("METADATA")) {
            if (!payload(e).get("model_name").asText().equals("steady")) {
                continue;
            }
            java.time.Instant captured = java.time.Instant.parse(payload(e).get("timestamp").asText());
            long capturedNanos = captured.getEpochSecond() * 1_000_000_000L + captured.getNano();
            waits.add(e.timestamp() - capturedNanos); // the entry's time is taken inside its commit
        }
        assertThat(waits).hasSize(400);
        waits.sort(null);
        // "unless the machine is overloaded": the 99th percentile, not the maximum, on a shared CI machine
        assertThat(waits.get(395)).isLessThan(50_000_000L);
        assertThat(waits.get(0)).isNotNegative();
    }

    @Test
    void theBackendSavesGatheredBatchesInFewTransactionsAndAFlushSavesAtOnce() throws Exception {
        start();
        Ciaf.model("warm-up", "1").logMonitoring(Map.of("first", true)); // the first record opens the home
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        MetadataStorage storage = Ciaf.runtime().storage();
        long before = storage.performanceMetrics().writeCalls();
        long start = System.nanoTime();
        for (int i = 0; i < 400; i++) {
            try (MetadataCapture c = Ciaf.capture("steady", Stage.INFERENCE, "predict")) {
                c.put("i", i);
            }
            Thread.sleep(2); // ~1 s at a steady pace: the ledger commits every 25 ms, some 40 times
        }
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        long seconds = Math.max(1, (System.nanoTime() - start + 999_999_999L) / 1_000_000_000L);
        // one backend transaction per 200 ms window (plus the flush's), not one per ledger commit
        assertThat(storage.performanceMetrics().writeCalls() - before).isBetween(1L, 5 * seconds + 2);
        assertThat(storage.query(MetadataQuery.builder().model("steady").build())).hasSize(400);

        // a flush does not wait out the window: a record captured now is in the backend when it returns
        UUID last;
        try (MetadataCapture c = Ciaf.capture("steady", Stage.INFERENCE, "predict")) {
            last = c.id();
        }
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(storage.get(last)).isPresent();
        // the session's progress note is rewritten in place at every commit, never truncated: same size, still JSON
        try (java.util.stream.Stream<Path> files = Files.list(home.resolve("sessions"))) {
            Path note = files.findFirst().orElseThrow();
            assertThat(Files.size(note)).isEqualTo(Sessions.PROGRESS_WIDTH);
            assertThat(JSON.readTree(Files.readString(note)).get("last_committed_position").asLong()).isGreaterThan(400);
        }
        Ciaf.shutdown();
    }

    @Test
    void asyncRecordsAtASteadyPaceAreCommittedOncePerTickNotAsFastAsCommitsEnd() throws Exception {
        start("CIAF_CAPTURE_FLUSH_INTERVAL_MS", "200"); // a tick of 100 ms
        Ciaf.model("warm-up", "1").logMonitoring(Map.of("first", true));
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        long before = Ciaf.runtime().ledgerCommits();
        long start = System.nanoTime();
        for (int i = 0; i < 400; i++) {
            try (MetadataCapture c = Ciaf.capture("paced", Stage.INFERENCE, "predict")) {
                c.put("i", i);
            }
            Thread.sleep(2); // records keep arriving while each commit (an fsync) is under way
        }
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        long ticks = (System.nanoTime() - start) / 100_000_000L + 1;
        // one commit per tick (plus the flush's), not one per few records that came in during the last commit
        assertThat(Ciaf.runtime().ledgerCommits() - before).isBetween(1L, ticks + 2);
        assertThat(entries("METADATA")).filteredOn(e -> e.payload().orElse("").contains("\"paced\"")).hasSize(400);
        Ciaf.shutdown();
    }

    public static final class Flood {
        @io.ciaf.api.CaptureMetadata(model = "flood", stage = Stage.INFERENCE, event = "predict")
        public static int predict(int i) {
            return i;
        }
    }

    /**
     * A collection whose element access is a captured method, hooked as the agent would hook it. CIAF iterates
     * such a collection itself when it snapshots an argument or result for an inference receipt.
     */
    public static final class Features extends java.util.AbstractList<Double> {
        @io.ciaf.api.CaptureMetadata(model = "features", stage = Stage.PREPROCESSING, event = "get")
        @Override
        public Double get(int i) {
            Object token = CaptureHooks.enter(GET, new Object[] {i});
            Double value = i * 0.5;
            CaptureHooks.exit(token, value, null);
            return value;
        }

        @Override
        public int size() {
            return 3;
        }

        static final java.lang.reflect.Method GET;

        static {
            try {
                GET = Features.class.getMethod("get", int.class);
            } catch (NoSuchMethodException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    public static final class Scorer {
        @io.ciaf.api.CaptureMetadata(model = "scorer", stage = Stage.INFERENCE, event = "score")
        public static List<Double> score(List<Double> features) {
            return features;
        }
    }

    @Test
    void userCodeThatCiafRunsWhileItCapturesACallIsNotCapturedInTurn() throws Exception {
        start("CIAF_CAPTURE_INFERENCE_RECEIPTS", "hmac");
        java.lang.reflect.Method score = Scorer.class.getMethod("score", List.class);
        Features features = new Features();
        // the receipt's snapshots iterate the argument on entry and the result on exit: six get() calls by CIAF
        Object token = CaptureHooks.enter(score, new Object[] {features});
        CaptureHooks.exit(token, Scorer.score(features), null);
        features.get(2); // the application's own call is captured
        Ciaf.shutdown();

        List<LedgerEntry> records = entries("METADATA");
        assertThat(records).extracting(e -> payload(e).get("event_type").asText()).containsExactly("score", "get");
        assertThat(payload(records.get(1)).get("metadata").get("arguments").get("i").asInt()).isEqualTo(2);
        assertThat(payload(records.get(1)).has("parent_id")).isFalse();
        assertThat(entries("INFERENCE")).hasSize(1);
    }

    /** A captured method whose body adds values, some under the names CIAF itself writes. */
    public static final class Overrides {
        @io.ciaf.api.CaptureMetadata(model = "overrides", stage = Stage.VALIDATION, event = "check")
        public static int check(int folds, String apiToken) {
            Ciaf.current().put("method", "renamed").put("result", "mine").put("outcome", "partial")
                    .put("thread", "mine").put("accuracy", 0.91);
            return folds * 2;
        }
    }

    @Test
    void valuesAddedInsideACapturedMethodKeepTheirPlaceBesideWhatCiafRecords() throws Exception {
        start();
        java.lang.reflect.Method check = Overrides.class.getMethod("check", int.class, String.class);
        Object token = CaptureHooks.enter(check, new Object[] {5, "s3cr3t"});
        CaptureHooks.exit(token, Overrides.check(5, "s3cr3t"), null);
        token = CaptureHooks.enter(check, new Object[] {7, "s3cr3t"});
        Overrides.check(7, "s3cr3t");
        CaptureHooks.exit(token, null, new IllegalStateException("folds exhausted"));
        Ciaf.shutdown();

        List<LedgerEntry> records = entries("METADATA");
        assertThat(records).hasSize(2);
        JsonNode ok = payload(records.get(0)).get("metadata");
        // the method's own facts come first and a value the body adds replaces them ...
        assertThat(ok.get("class").asText()).isEqualTo(Overrides.class.getName());
        assertThat(ok.get("method").asText()).isEqualTo("renamed");
        assertThat(ok.get("arguments").get("folds").asInt()).isEqualTo(5);
        assertThat(ok.get("arguments").get("apiToken").asText()).isEqualTo("[REDACTED]");
        assertThat(ok.get("accuracy").asDouble()).isEqualTo(0.91);
        // ... while what is known only at the end (result, outcome if it threw, thread, duration) replaces the body's
        assertThat(ok.get("result").asInt()).isEqualTo(10);
        assertThat(ok.get("outcome").asText()).isEqualTo("partial");
        assertThat(ok.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(ok.get("duration_ns").asLong()).isPositive();
        assertThat(ok.toString()).doesNotContain("s3cr3t");
        JsonNode failed = payload(records.get(1)).get("metadata");
        assertThat(failed.get("outcome").asText()).isEqualTo("exception");
        assertThat(failed.get("exception").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(failed.get("exception_message").asText()).isEqualTo("folds exhausted");
        assertThat(failed.get("result").asText()).isEqualTo("mine"); // nothing was returned to replace it
        assertThat(failed.get("accuracy").asDouble()).isEqualTo(0.91);
    }

    @Test
    void aCapturedMethodSkipsBuildingARecordThatWouldBeDroppedAndTheDropIsStillCounted() throws Exception {
        start("CIAF_CAPTURE_OVERLOAD", "drop", "CIAF_CAPTURE_QUEUE_CAPACITY", "16", "CIAF_STORAGE_BACKEND", "json");
        java.lang.reflect.Method predict = Flood.class.getMethod("predict", int.class);
        java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                for (int i = 0; i < 5000; i++) {
                    Object token = CaptureHooks.enter(predict, new Object[] {i});
                    if (token == null) {
                        skipped.incrementAndGet();
                    }
                    CaptureHooks.exit(token, Flood.predict(i), null);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        Ciaf.shutdown();
        long dropped = droppedAndAccountedFor(20_000);
        // most drops happen before a record is built; the rest when the queue filled during the call
        assertThat(skipped.get()).isPositive().isLessThanOrEqualTo(dropped);
    }

    @Test
    void aSessionThatEndedWithoutSessionEndIsRecordedAsARecoveryAtTheNextStart() throws Exception {
        start();
        try (MetadataCapture c = Ciaf.capture("credit", Stage.TRAINING, "fit")) {
            c.put("epoch", 1);
        }
        Ciaf.flush(Duration.ofSeconds(10));
        Path sessionDir = home.resolve("sessions");
        Path sessionFile;
        try (var files = Files.list(sessionDir)) {
            sessionFile = files.findFirst().orElseThrow();
        }
        String state = Files.readString(sessionFile);
        // Simulate a JVM that died: keep a copy of its session file, as a killed process leaves it.
        Ciaf.shutdown();
        Files.writeString(sessionFile, state);
        Ciaf.resetForTests();
        start();
        // The next session opens the home with its first record and records the loss boundary first.
        try (MetadataCapture c = Ciaf.capture("credit", Stage.TRAINING, "fit")) {
            c.put("epoch", 2);
        }
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        Ciaf.shutdown();
        List<LedgerEntry> recoveries = entries("RECOVERY");
        assertThat(recoveries).hasSize(1);
        JsonNode r = payload(recoveries.get(0));
        JsonNode lost = JSON.readTree(state);
        assertThat(r.get("lost_session").asText()).isEqualTo(lost.get("session").asText());
        assertThat(r.get("last_committed_position").asLong()).isEqualTo(lost.get("last_committed_position").asLong());
        assertThat(r.get("statement").asText()).contains("may be lost");
        try (var files = Files.list(sessionDir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aDamagedMetadataStoreIsKeptAsideUntouchedAndTheLedgerGoesOnRecording() throws Exception {
        start();
        try (MetadataCapture c = Ciaf.capture("credit", Stage.TRAINING, "fit")) {
            c.put("accuracy", 0.9);
        }
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        Ciaf.shutdown();
        Path store = home.resolve("metadata");
        Files.deleteIfExists(store.resolve("metadata.db-wal"));
        Files.deleteIfExists(store.resolve("metadata.db-shm"));
        byte[] garbage = "not a database ".repeat(600).getBytes(StandardCharsets.US_ASCII);
        Files.write(store.resolve("metadata.db"), garbage);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Ciaf.resetForTests();
        Problems.out = new PrintStream(err, true, StandardCharsets.UTF_8);
        start();
        try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "predict")) {
            c.put("approved", true);
        }
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        Ciaf.shutdown();

        assertThat(entries("METADATA")).hasSize(2); // the ledger recorded on
        Path aside;
        try (var files = Files.list(home)) {
            aside = files.filter(f -> f.getFileName().toString().startsWith("metadata.damaged-")).findFirst()
                    .orElseThrow();
        }
        assertThat(Files.readAllBytes(aside.resolve("metadata.db"))).isEqualTo(garbage);
        try (MetadataStorage s = MetadataStorage.open(store, "sqlite")) {
            assertThat(s.query(MetadataQuery.all())).singleElement()
                    .satisfies(r -> assertThat(r.eventType()).isEqualTo("predict"));
        }
        JsonNode second = payload(entries("SESSION_START").get(1));
        assertThat(second.get("metadata_store").asText()).contains("damaged").contains(aside.toString())
                .contains("ciaf rebuild");
        assertThat(err.toString(StandardCharsets.UTF_8)).containsOnlyOnce("is damaged or not a database")
                .contains("ciaf rebuild --home " + home);
        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ledger.verify().size()).isEqualTo(ledger.size());
        }
    }

    @Test
    void recordsTheBackendCouldNotSaveAreInTheLedgerAndCountedInSessionEnd() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        blockJsonDayFilesThenCaptureTwo(err);
        Ciaf.shutdown();
        assertThat(entries("METADATA")).hasSize(2);
        JsonNode end = payload(entries("SESSION_END").get(0));
        assertThat(end.get("committed").asLong()).isEqualTo(2);
        assertThat(end.get("backend_unsaved").asLong()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("backend_unsaved");
    }

    @Test
    void recordsStillUnsavedAtACleanEndArePutBackByTheFirstStartWhoseBackendTakesThem() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Path> blocked = blockJsonDayFilesThenCaptureTwo(err);
        Ciaf.shutdown();
        // the session's note stays behind, naming the oldest record the backend refused
        String first = payload(entries("SESSION_END").get(0)).get("session").asText();
        Path note = home.resolve("sessions").resolve(first + Sessions.CATCH_UP);
        assertThat(JSON.readTree(Files.readString(note)).get("first_unsaved").asText())
                .isEqualTo(payload(entries("METADATA").get(0)).get("id").asText());

        // a start whose backend still refuses them keeps the note for the start after
        startAgainAndCaptureOneOfAnotherModel(err);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("tried again at the next start");
        assertThat(note).exists();
        // and the ledger says so, where an auditor looks
        JsonNode second = payload(entries("SESSION_START").get(1));
        assertThat(second.get("backend_restore_pending").toString()).isEqualTo("[\"" + first + "\"]");
        assertThat(second.has("backend_restored")).isFalse();

        for (Path b : blocked) {
            Files.delete(b);
        }
        startAgainAndCaptureOneOfAnotherModel(err);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("restored 2 records of the session");
        JsonNode third = payload(entries("SESSION_START").get(2));
        assertThat(third.get("backend_restored").get(first).asInt()).isEqualTo(2);
        assertThat(third.has("backend_restore_pending")).isFalse();
        try (java.util.stream.Stream<Path> files = Files.list(home.resolve("sessions"))) {
            assertThat(files).isEmpty();
        }
        try (MetadataStorage s = MetadataStorage.open(home.resolve("metadata"), "json")) {
            assertThat(s.query(MetadataQuery.builder().model("credit").build()))
                    .extracting(r -> ((Number) r.metadata().get("i")).intValue()).containsExactlyInAnyOrder(0, 1);
            assertThat(s.query(MetadataQuery.builder().model("other").build())).hasSize(2);
        }
    }

    /** A new start on the json backend (the home opens with its first record), one record, and shutdown. */
    private void startAgainAndCaptureOneOfAnotherModel(ByteArrayOutputStream err) {
        Ciaf.resetForTests();
        Problems.out = new PrintStream(err, true, StandardCharsets.UTF_8);
        start("CIAF_STORAGE_BACKEND", "json");
        try (MetadataCapture c = Ciaf.capture("other", Stage.INFERENCE, "predict")) {
            c.put("i", 9);
        }
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        Ciaf.shutdown();
    }

    @Test
    void aRecordTheBackendRefusedBeforeOthersItSavedIsPutBackAfterKillNine() throws Exception {
        // a JVM whose backend refused a record, then saved thousands after it, is killed with kill -9: the next
        // start puts the refused record back, guided by the note the killed session kept, although the backend's
        // newest records are all there
        List<Path> blocked = blockJsonDayFiles();
        Process app = TestJvms.start(KilledApp.class, home, Map.of("CIAF_STORAGE_BACKEND", "json"), "app");
        try {
            assertThat(TestJvms.stdout(app).readLine()).isEqualTo("captured");
        } finally {
            app.destroyForcibly(); // SIGKILL, with the refused record still held in memory
        }
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (Path b : blocked) {
            Files.delete(b);
        }

        start("CIAF_STORAGE_BACKEND", "json");
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
    public static final class KilledApp {

        private KilledApp() {
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

    /**
     * Makes the json backend's day files of model "credit" for today (and tomorrow, should the test cross
     * midnight) directories, so that every append to them fails whoever runs the test. Returns them.
     */
    private List<Path> blockJsonDayFiles() throws Exception {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        List<Path> blocked = new ArrayList<>();
        for (java.time.LocalDate d : List.of(today, today.plusDays(1))) {
            blocked.add(Files.createDirectories(home.resolve("metadata/credit/" + d + ".jsonl")));
        }
        return blocked;
    }

    private static final int LATER = 5_000;

    /**
     * {@link #blockJsonDayFiles}, then starts CIAF on the json backend with its problems going to {@code err},
     * captures two records and flushes. Returns the directories.
     */
    private List<Path> blockJsonDayFilesThenCaptureTwo(ByteArrayOutputStream err) throws Exception {
        List<Path> blocked = blockJsonDayFiles();
        Problems.out = new PrintStream(err, true, StandardCharsets.UTF_8);
        start("CIAF_STORAGE_BACKEND", "json");
        for (int i = 0; i < 2; i++) {
            try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "predict")) {
                c.put("i", i);
            }
        }
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        return blocked;
    }

    @Test
    void recordsTheBackendRefusedAreSavedOnceItTakesRecordsAgain() throws Exception {
        // the backend refuses the first two records; then the day files are freed, and the next save goes in,
        // followed by the two held ones
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Path> blocked = blockJsonDayFilesThenCaptureTwo(err);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("could not save them");
        for (Path b : blocked) {
            Files.delete(b);
        }
        try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "predict")) {
            c.put("i", 2);
        }
        assertThat(Ciaf.flush(Duration.ofSeconds(10))).isTrue();
        Ciaf.shutdown();
        JsonNode end = payload(entries("SESSION_END").get(0));
        assertThat(end.get("committed").asLong()).isEqualTo(3);
        assertThat(end.get("backend_unsaved").asLong()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("saved the 2 it had refused");
        try (MetadataStorage s = MetadataStorage.open(home.resolve("metadata"), "json")) {
            assertThat(s.query(MetadataQuery.all())).extracting(r -> ((Number) r.metadata().get("i")).intValue())
                    .containsExactlyInAnyOrder(0, 1, 2);
        }
    }

    @Test
    void stageValidatorsRunBeforeTheLedgerAndAThrowingOneIsRecordedNotThrown() throws Exception {
        start();
        Ciaf.registerValidator(Stage.VALIDATION, r -> ((Number) r.metadata().getOrDefault("accuracy", 0))
                .doubleValue() < 0.8 ? List.of("metadata.accuracy is below 0.8") : List.of());
        Ciaf.registerValidator(Stage.VALIDATION, r -> {
            throw new IllegalStateException("broken validator");
        });
        Ciaf.model("credit", "1.0").logValidation(Map.of("accuracy", 0.71));
        Ciaf.shutdown();
        JsonNode payload = payload(entries("METADATA").get(0));
        assertThat(payload.get("validation_errors").toString()).contains("metadata.accuracy is below 0.8")
                .contains("broken validator");
    }

    @Test
    void anInvalidConfigurationDisablesCaptureAndReportsEveryProblemOnce() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Problems.out = new PrintStream(err, true, StandardCharsets.UTF_8);
        Ciaf.start(CiafConfig.load(Map.of("CIAF_HOME", home.toString(), "CIAF_CAPTURE_MODE", "soon",
                "CIAF_STORAGE_BAKEND", "x"), new Properties(), null));
        try (MetadataCapture c = Ciaf.capture("m", Stage.TRAINING, "e")) {
            c.put("k", 1);
            assertThat(c.id()).isNull();
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("CIAF is disabled").contains("2 problem(s)").contains("capture.mode = soon")
                .contains("did you mean CIAF_STORAGE_BACKEND?");
        assertThat(Files.exists(home.resolve("ledger.db"))).isFalse();
    }
}
