package io.ciaf.benchmarks;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.storage.MetadataStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code query(model, stage, 10)} on a 1,000,000-record sqlite store (20 models x 8 stages, timestamps spread
 * over 30 days). The store is built once under {@code target/bench-query-1m} and reused by later runs.
 *
 * <p>Baseline in the same run: {@code rawJdbcSelect} runs the same SQL through plain JDBC and reads the
 * columns without building records, so the difference is CIAF's decoding and hash check.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class MetadataQueryBenchmark {

    static final int RECORDS = 1_000_000;
    static final int MODELS = 20;

    private MetadataStorage storage;
    private Connection jdbc;
    private PreparedStatement select;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        Path dir = Path.of(System.getProperty("ciaf.bench.dir", "target/bench-query-1m"));
        storage = MetadataStorage.open(dir, "sqlite");
        long have = storage.performanceMetrics().records();
        if (have < RECORDS) {
            Instant start = Instant.parse("2026-10-01T00:00:00Z");
            long spanNanos = TimeUnit.DAYS.toNanos(30);
            List<MetadataRecord> chunk = new ArrayList<>(10_000);
            for (long i = have; i < RECORDS; i++) {
                String model = "model_" + (i % MODELS);
                Stage stage = Stage.values()[(int) ((i / MODELS) % Stage.values().length)];
                chunk.add(MetadataRecord.builder(model, stage, "event_" + (i % 5)).version("1." + (i % 3))
                        .timestamp(start.plusNanos(i * (spanNanos / RECORDS)))
                        .put("i", i).put("accuracy", (i % 1000) / 1000.0).put("note", "benchmark row").build());
                if (chunk.size() == 10_000) {
                    storage.saveAll(chunk);
                    chunk.clear();
                }
            }
            storage.saveAll(chunk);
        }
        jdbc = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("metadata.db").toAbsolutePath());
        select = jdbc.prepareStatement("SELECT id, model_name, model_version, stage, event_type, timestamp,"
                + " timestamp_ns, details, metadata_json, metadata_hash, trace_id, parent_id, actor, validation_errors"
                + " FROM metadata WHERE model_name = ? AND stage = ? ORDER BY timestamp_ns DESC, id DESC LIMIT 10");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        storage.close();
        jdbc.close();
    }

    private static String model() {
        return "model_" + ThreadLocalRandom.current().nextInt(MODELS);
    }

    private static Stage stage() {
        return Stage.values()[ThreadLocalRandom.current().nextInt(Stage.values().length)];
    }

    @Benchmark
    public List<MetadataRecord> queryModelStage10() {
        List<MetadataRecord> r = storage.query(model(), stage(), 10);
        if (r.size() != 10) {
            throw new IllegalStateException("expected 10 records, got " + r.size());
        }
        return r;
    }

    @Benchmark
    public int rawJdbcSelect() throws SQLException {
        select.setString(1, model());
        select.setString(2, stage().wireName());
        int n = 0;
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                n += rs.getString(9).length() + rs.getString(1).length();
            }
        }
        return n;
    }

    /** For a quick check outside JMH. */
    public static void main(String[] args) throws Exception {
        MetadataQueryBenchmark b = new MetadataQueryBenchmark();
        b.setUp();
        System.out.println(b.queryModelStage10().size() + " records; store has "
                + Files.size(Path.of("target/bench-query-1m/metadata.db")) + " bytes");
        b.tearDown();
    }
}
