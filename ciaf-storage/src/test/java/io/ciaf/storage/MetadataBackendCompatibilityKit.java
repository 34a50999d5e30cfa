package io.ciaf.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ciaf.api.InvalidMetadataException;
import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.PipelineTrace;
import io.ciaf.api.Stage;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The behaviour every metadata backend shares. A backend's test extends this and names the backend; a
 * third-party backend gets the same checks from {@code ciaf-storage}'s test jar.
 */
public abstract class MetadataBackendCompatibilityKit {

    /** The backend under test, as given to {@link MetadataStorage#open}. */
    protected abstract String backend();

    @TempDir
    protected Path dir;

    protected MetadataStorage storage;

    protected static final Instant T0 = Instant.parse("2026-03-14T09:26:53.589793238Z");

    @BeforeEach
    void openStorage() {
        storage = MetadataStorage.open(dir.resolve("store"), backend());
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    protected MetadataStorage reopen() {
        storage.close();
        storage = MetadataStorage.open(dir.resolve("store"), backend());
        return storage;
    }

    /** A record using every field and every kind of value. */
    protected static MetadataRecord rich(String model, Stage stage, Instant at) {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("n_estimators", 100);
        nested.put("learning_rate", 0.1);
        nested.put("layers", List.of(64, 32, 1));
        return MetadataRecord.builder(model, stage, "model_trained")
                .version("2.1.0")
                .timestamp(at)
                .details("Training done, line one\nline two, with \"quotes\" & <tags>\r\n\ttab \u0001 ctrl")
                .traceId("trace-42")
                .parentId(UUID.fromString("0192f7a0-5c3e-7d41-9a2b-3c4d5e6f7a8b"))
                .actor("alice@example.com")
                .put("accuracy", 0.95)
                .put("whole_double", 1.0)
                .put("tiny", 5e-324)
                .put("big", new BigInteger("123456789012345678901234567890"))
                .put("negative", -7)
                .put("flag", true)
                .put("nothing", null)
                .put("text", "Crédit ✓ 𝄞, \"quoted\"\n")
                .put("hyperparameters", nested)
                .put("empty_list", List.of())
                .put("empty_map", Map.of())
                .put("odd key. [x]", "v")
                .build();
    }

    protected static MetadataRecord simple(String model, Stage stage, String event, Instant at) {
        return MetadataRecord.builder(model, stage, event).timestamp(at).put("i", at.getNano()).build();
    }

    @Test
    void savedRecordReadsBackEqual() {
        MetadataRecord r = rich("credit_model", Stage.TRAINING, T0);
        UUID id = storage.save(r);
        assertThat(id).isEqualTo(r.id());
        MetadataRecord back = storage.get(id).orElseThrow();
        assertThat(back).isEqualTo(r);
        assertThat(back.metadata()).isEqualTo(r.metadata());
        assertThat(back.metadata().get("whole_double")).isInstanceOf(Double.class);
        assertThat(back.metadata().get("negative")).isInstanceOf(Long.class);
        assertThat(back.metadataHash()).isEqualTo(r.metadataHash());
        assertThat(storage.get(id.toString())).contains(r);
    }

    @Test
    void survivesReopen() {
        MetadataRecord r = rich("m", Stage.VALIDATION, T0);
        storage.save(r);
        assertThat(reopen().get(r.id())).contains(r);
    }

    @Test
    void unknownIdIsEmpty() {
        storage.save(simple("m", Stage.TRAINING, "e", T0));
        assertThat(storage.get(UUID.randomUUID())).isEmpty();
        assertThatThrownBy(() -> storage.get("not-a-uuid")).hasMessageContaining("'not-a-uuid'");
    }

    @Test
    void queryReturnsNewestFirstUpToTheLimit() {
        List<MetadataRecord> saved = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // spread over three days so day-partitioned backends must look in several files
            saved.add(simple("m", i % 2 == 0 ? Stage.TRAINING : Stage.INFERENCE, "e" + (i % 3),
                    T0.plusSeconds(3600L * 3 * i)));
        }
        saved.add(simple("other", Stage.TRAINING, "e0", T0));
        storage.saveAll(saved);

        List<MetadataRecord> latest = storage.query("m", Stage.TRAINING, 10);
        List<MetadataRecord> expected = saved.stream()
                .filter(r -> r.model().equals("m") && r.stage() == Stage.TRAINING)
                .sorted(PipelineTrace.NEWEST_FIRST).limit(10).toList();
        assertThat(latest).containsExactlyElementsOf(expected);
        assertThat(storage.query("m", null, 100)).hasSize(30);
        assertThat(storage.query(MetadataQuery.all())).hasSize(31);
    }

    @Test
    void richerQueryFiltersByEventVersionAndTime() {
        List<MetadataRecord> saved = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            saved.add(MetadataRecord.builder("m", Stage.INFERENCE, i % 2 == 0 ? "predict" : "explain")
                    .version(i < 20 ? "1.0" : "2.0").timestamp(T0.plusSeconds(7200L * i)).put("i", i).build());
        }
        storage.saveAll(saved);
        Instant since = T0.plusSeconds(7200L * 10);
        Instant until = T0.plusSeconds(7200L * 30);
        MetadataQuery q = MetadataQuery.builder().model("m").stage(Stage.INFERENCE).eventType("predict")
                .version("2.0").since(since).until(until).build();
        List<MetadataRecord> expected = saved.stream().filter(q::matches).sorted(PipelineTrace.NEWEST_FIRST).toList();
        assertThat(expected).hasSize(5);
        assertThat(storage.query(q)).containsExactlyElementsOf(expected);
        // since is inclusive, until exclusive
        assertThat(storage.query(MetadataQuery.builder().since(since).until(since.plusNanos(1)).build()))
                .extracting(r -> r.metadata().get("i")).containsExactly(10L);
    }

    @Test
    void tiesInTimeAreOrderedById() {
        List<MetadataRecord> saved = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            saved.add(simple("m", Stage.TRAINING, "e", T0));
        }
        storage.saveAll(saved);
        assertThat(storage.query("m", Stage.TRAINING, 10))
                .containsExactlyElementsOf(saved.stream().sorted(PipelineTrace.NEWEST_FIRST).toList());
    }

    @Test
    void modelsAreListedSorted() {
        storage.saveAll(List.of(simple("zeta", Stage.TRAINING, "e", T0), simple("alpha", Stage.TRAINING, "e", T0),
                simple("../escape", Stage.TRAINING, "e", T0), simple("a/b c", Stage.TRAINING, "e", T0),
                simple("Crédit ✓", Stage.TRAINING, "e", T0), simple("alpha", Stage.INFERENCE, "e", T0)));
        assertThat(storage.models()).containsExactly("../escape", "Crédit ✓", "a/b c", "alpha", "zeta");
        assertThat(storage.query("../escape", null, 10)).hasSize(1);
        assertThat(dir.resolve("escape")).doesNotExist();
    }

    @Test
    void pipelineTraceGroupsByStageInPipelineOrder() {
        MetadataRecord inference = simple("m", Stage.INFERENCE, "predict", T0.plusSeconds(50));
        MetadataRecord training2 = simple("m", Stage.TRAINING, "done", T0.plusSeconds(20));
        MetadataRecord ingestion = simple("m", Stage.DATA_INGESTION, "load", T0);
        MetadataRecord training1 = simple("m", Stage.TRAINING, "start", T0.plusSeconds(10));
        storage.saveAll(List.of(inference, training2, ingestion, training1, simple("x", Stage.TRAINING, "e", T0)));
        PipelineTrace trace = storage.pipelineTrace("m");
        assertThat(trace.stages().keySet()).containsExactly(Stage.DATA_INGESTION, Stage.TRAINING, Stage.INFERENCE);
        assertThat(trace.stage(Stage.TRAINING)).containsExactly(training1, training2);
        assertThat(trace.records()).containsExactly(ingestion, training1, training2, inference);
        assertThat(trace.stage(Stage.MONITORING)).isEmpty();
    }

    @Test
    void savingAnIdTwiceHasNoEffect() {
        MetadataRecord r = simple("m", Stage.TRAINING, "e", T0);
        storage.save(r);
        storage.save(r);
        assertThat(storage.query(MetadataQuery.all())).containsExactly(r);
        assertThat(storage.performanceMetrics().records()).isEqualTo(1);
    }

    @Test
    void failedValidationIsStoredWithItsErrors() {
        storage.registerValidator(Stage.VALIDATION, rec -> ((Number) rec.metadata().getOrDefault("accuracy", 0))
                .doubleValue() < 0.8 ? List.of("accuracy " + rec.metadata().get("accuracy") + " is below 0.8") : List.of());
        storage.registerValidator(Stage.VALIDATION, rec -> {
            throw new IllegalStateException("boom");
        });
        MetadataRecord low = MetadataRecord.builder("m", Stage.VALIDATION, "validated").put("accuracy", 0.5).build();
        MetadataRecord other = MetadataRecord.builder("m", Stage.TRAINING, "trained").put("accuracy", 0.5).build();
        storage.saveAll(List.of(low, other));
        MetadataRecord back = storage.get(low.id()).orElseThrow();
        assertThat(back.validationErrors()).hasSize(2);
        assertThat(back.validationErrors().get(0)).isEqualTo("accuracy 0.5 is below 0.8");
        assertThat(back.validationErrors().get(1)).contains("failed").contains("boom");
        assertThat(storage.get(other.id()).orElseThrow().validationErrors()).isEmpty();
        assertThat(reopen().get(low.id()).orElseThrow().validationErrors()).isEqualTo(back.validationErrors());
    }

    @Test
    void strictStorageRefusesEveryInvalidRecordAndStoresNone() {
        storage.close();
        storage = MetadataStorage.open(dir.resolve("store"), backend(), StorageOptions.builder().strict(true).build());
        storage.registerValidator(Stage.TRAINING, rec -> rec.metadata().containsKey("cross_validation")
                ? List.of() : List.of("cross_validation results missing"));
        storage.registerValidator(Stage.TRAINING, rec -> List.of("second rule broken"));
        MetadataRecord a = simple("m", Stage.TRAINING, "a", T0);
        MetadataRecord b = simple("m", Stage.TRAINING, "b", T0);
        MetadataRecord fine = simple("m", Stage.INFERENCE, "c", T0);
        assertThatThrownBy(() -> storage.saveAll(List.of(fine, a, b)))
                .isInstanceOfSatisfying(MetadataValidationException.class, e -> {
                    assertThat(e.errors()).hasSize(4);
                    assertThat(e.getMessage()).contains(a.id().toString()).contains(b.id().toString())
                            .contains("cross_validation results missing").contains("second rule broken");
                });
        assertThat(storage.query(MetadataQuery.all())).isEmpty();
    }

    @Test
    void oversizedRecordIsRefusedNamingTheKeyAndNothingIsStored() {
        storage.close();
        storage = MetadataStorage.open(dir.resolve("store"), backend(), StorageOptions.builder().maxRecordBytes(4096).build());
        MetadataRecord kept = simple("m", Stage.TRAINING, "kept", T0);
        storage.save(kept);
        MetadataRecord big = MetadataRecord.builder("m", Stage.TRAINING, "big")
                .put("small", 1).put("weights", Map.of("blob", "x".repeat(5000))).build();
        assertThatThrownBy(() -> storage.saveAll(List.of(simple("m", Stage.TRAINING, "n", T0), big)))
                .isInstanceOfSatisfying(InvalidMetadataException.class,
                        e -> assertThat(e.keyPath()).isEqualTo("metadata.weights"))
                .hasMessageContaining("records[1]").hasMessageContaining("4096");
        assertThat(storage.query(MetadataQuery.all())).containsExactly(kept);
    }

    @Test
    void defaultSizeLimitIsOneMebibyte() {
        MetadataRecord big = MetadataRecord.builder("m", Stage.TRAINING, "big").put("blob", "x".repeat(1 << 20)).build();
        assertThatThrownBy(() -> storage.save(big)).isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("metadata.blob").hasMessageContaining(String.valueOf(1 << 20));
        MetadataRecord fits = MetadataRecord.builder("m", Stage.TRAINING, "fits").put("blob", "x".repeat(1000_000)).build();
        storage.save(fits);
        assertThat(storage.get(fits.id())).contains(fits);
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void exportThenImportKeepsEveryField(ExportFormat format) {
        List<MetadataRecord> saved = List.of(rich("m1", Stage.TRAINING, T0), rich("m2", Stage.INFERENCE, T0.plusSeconds(90000)),
                simple("m1", Stage.MONITORING, "drift", T0.plusSeconds(5)),
                MetadataRecord.builder("m1", Stage.VALIDATION, "v").timestamp(T0).build()
                        .withValidationErrors(List.of("accuracy below 0.8, see \"report\"")));
        storage.saveAll(saved);
        Path file = storage.export(null, format, dir.resolve("export." + format.extension()));
        Path m1Only = storage.export("m1", format, dir);
        assertThat(m1Only.getFileName().toString()).startsWith("ciaf-metadata-m1-").endsWith("." + format.extension());

        try (MetadataStorage target = MetadataStorage.open(dir.resolve("target"), backend())) {
            ImportResult result = target.importFrom(file);
            assertThat(result.problems()).isEmpty();
            assertThat(result.imported()).isEqualTo(4);
            for (MetadataRecord r : saved) {
                assertThat(target.get(r.id())).contains(r);
            }
            ImportResult again = target.importFrom(m1Only);
            assertThat(again.imported()).isZero();
            assertThat(again.alreadyPresent()).isEqualTo(3);
        }
    }

    @Test
    void backupRestoresAndATamperedBackupIsRefused() throws Exception {
        List<MetadataRecord> saved = List.of(rich("m", Stage.TRAINING, T0), simple("m", Stage.INFERENCE, "p", T0));
        storage.saveAll(saved);
        Path backup = storage.backup(dir);
        Path sum = backup.resolveSibling(backup.getFileName() + ".sha256");
        assertThat(Files.readString(sum)).matches("[0-9a-f]{64}  " + backup.getFileName() + "\n");

        try (MetadataStorage fresh = MetadataStorage.open(dir.resolve("restored"), backend())) {
            assertThat(fresh.restore(backup).imported()).isEqualTo(2);
            assertThat(fresh.query(MetadataQuery.all())).containsExactlyInAnyOrderElementsOf(saved);
        }

        String text = Files.readString(backup);
        Files.writeString(backup, text.replace("0.95", "0.99"));
        try (MetadataStorage fresh = MetadataStorage.open(dir.resolve("restored2"), backend())) {
            assertThatThrownBy(() -> fresh.restore(backup)).isInstanceOf(BackupIntegrityException.class)
                    .hasMessageContaining(backup.toString()).hasMessageContaining("does not match its checksum");
            assertThat(fresh.query(MetadataQuery.all())).isEmpty();
            Files.delete(sum);
            assertThatThrownBy(() -> fresh.restore(backup)).isInstanceOf(BackupIntegrityException.class)
                    .hasMessageContaining("no checksum file");
        }
    }

    @Test
    void importReportsAlteredRecordsAndImportsTheRest() throws Exception {
        MetadataRecord a = rich("m", Stage.TRAINING, T0);
        MetadataRecord b = simple("m", Stage.INFERENCE, "p", T0);
        storage.saveAll(List.of(a, b));
        Path file = storage.export(null, ExportFormat.JSON, dir.resolve("e.json"));
        Files.writeString(file, Files.readString(file).replace("\"accuracy\":0.95", "\"accuracy\":0.99"));
        try (MetadataStorage target = MetadataStorage.open(dir.resolve("t"), backend())) {
            ImportResult r = target.importFrom(file);
            assertThat(r.imported()).isEqualTo(1);
            assertThat(r.problems()).singleElement().satisfies(p -> {
                assertThat(p.file()).isEqualTo(file);
                assertThat(p.problem()).contains(a.id().toString()).contains("does not match");
            });
            assertThat(target.get(b.id())).contains(b);
            assertThat(target.get(a.id())).isEmpty();
        }
    }

    @Test
    void savingAgainWritesOnlyTheRecordsNotYetStored() {
        MetadataRecord a = simple("m", Stage.TRAINING, "a", T0);
        MetadataRecord b = simple("n", Stage.TRAINING, "b", T0);
        MetadataRecord c = simple("m", Stage.TRAINING, "c", T0.plusSeconds(86_400));
        storage.saveValidated(List.of(a)); // a save that went in part-way
        List<MetadataRecord> again = storage.validateAll(List.of(a, b, c));
        assertThat(storage.saveValidatedMissing(again)).extracting(MetadataRecord::id).containsExactly(b.id(), c.id());
        assertThat(storage.performanceMetrics().recordsWritten()).isEqualTo(3); // a once
        assertThat(storage.query(MetadataQuery.all())).extracting(MetadataRecord::id)
                .containsExactlyInAnyOrder(a.id(), b.id(), c.id());
        assertThat(storage.saveValidatedMissing(again)).isEmpty();
    }

    @Test
    void performanceMetricsCountWhatWasWritten() {
        storage.saveAll(List.of(simple("m", Stage.TRAINING, "a", T0), simple("m", Stage.TRAINING, "b", T0)));
        storage.save(simple("m", Stage.TRAINING, "c", T0));
        PerformanceMetrics p = storage.performanceMetrics();
        assertThat(p.backend()).isEqualTo(backend());
        assertThat(p.records()).isEqualTo(3);
        assertThat(p.writeCalls()).isEqualTo(2);
        assertThat(p.recordsWritten()).isEqualTo(3);
        assertThat(p.averageWriteLatency()).isPositive();
        assertThat(p.bytesOnDisk()).isPositive();
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        storage.saveAll(Arrays.asList(simple("m", Stage.INFERENCE, "p", T0.plusMillis(i)),
                                simple("m", Stage.INFERENCE, "p", T0.plusMillis(i))));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(storage.performanceMetrics().records()).isEqualTo(400);
        assertThat(storage.check()).isEmpty();
    }

    @Test
    void aDirectoryHoldingAnotherBackendIsRefused() {
        storage.save(simple("m", Stage.TRAINING, "e", T0));
        String other = backend().equals("json") ? "sqlite" : "json";
        assertThatThrownBy(() -> MetadataStorage.open(dir.resolve("store"), other))
                .isInstanceOf(MetadataStorageException.class)
                .hasMessageContaining(dir.resolve("store").toString()).hasMessageContaining("'" + backend() + "'");
    }

    @Test
    void badPathsAreNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> MetadataStorage.open(file, backend())).isInstanceOf(MetadataStorageException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("is a file");
        Path under = file.resolve("sub");
        assertThatThrownBy(() -> MetadataStorage.open(under, backend())).isInstanceOf(MetadataStorageException.class)
                .hasMessageContaining(under.toString());
        Path created = dir.resolve("new/nested/store");
        try (MetadataStorage s = MetadataStorage.open(created, backend())) {
            s.save(simple("m", Stage.TRAINING, "e", T0));
        }
        assertThat(created).isDirectory();
    }

    @Test
    void unknownBackendSuggestsTheClosest() {
        assertThatThrownBy(() -> MetadataStorage.open(dir.resolve("x"), backend() + "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("did you mean '" + backend() + "'").hasMessageContaining("javaser, json, sqlite");
    }
}
