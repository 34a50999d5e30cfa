package io.ciaf.benchmarks;

import io.ciaf.ledger.AuditLedger;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
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
 * End to end: {@code ciaf append --type METADATA} as a separate JVM (the shaded {@code ciaf-cli/target/ciaf.jar})
 * fed 1,000,000 JSON lines of ~275 bytes on stdin, into a fresh home each time; JVM start-up included.
 * Entries per second = 1,000,000 / seconds.
 *
 * <p>Baseline in the same run: {@code plainImport} starts a JVM that reads the same lines and inserts each
 * line's bytes as one row of a plain SQLite table (WAL, synchronous=FULL, 1,000 rows per transaction):
 * no JSON parsing, canonicalization, hashing or tree.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
@State(Scope.Benchmark)
public class CliAppendBenchmark {

    static final int LINES = 1_000_000;

    private Path dir;
    private Path lines;
    private Path cliJar;
    private Path home;
    private int run;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        cliJar = Path.of(System.getProperty("ciaf.cli.jar", "ciaf-cli/target/ciaf.jar")).toAbsolutePath();
        if (!Files.isRegularFile(cliJar)) {
            throw new IllegalStateException(cliJar + " not found: run from the repository root after"
                    + " mvn -B -DskipTests install, or pass -Dciaf.cli.jar=PATH");
        }
        dir = Files.createTempDirectory("ciaf-bench-cli");
        lines = dir.resolve("lines.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(lines, StandardCharsets.UTF_8)) {
            for (int i = 0; i < LINES; i++) {
                w.write("{\"model\":\"credit-scoring\",\"version\":\"1.4.2\",\"stage\":\"inference\",\"event\":\"predict\","
                        + "\"request_id\":\"req-" + i + "\",\"features_sha256\":\"9f2c1e7a4b8d0c3e5f6a7b8c9d0e1f2a3b4c5d6e7f8"
                        + "091a2b3c4d5e6f7a8b9c0\",\"score\":0.7312,\"decision\":\"approve\",\"latency_ms\":3.2,"
                        + "\"thread\":\"pool-1-thread-3\"}\n");
            }
        }
    }

    @Setup(Level.Iteration)
    public void freshHome() {
        home = dir.resolve("home-" + run++);
        AuditLedger.create(home, "bench.ciaf/cli").close();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        TempFiles.deleteTree(dir);
    }

    private String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private String run(ProcessBuilder pb) throws IOException, InterruptedException {
        pb.redirectInput(lines.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = r.lines().reduce("", (a, b) -> a + b + "\n");
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("exit " + p.exitValue() + ": " + out);
        }
        return out;
    }

    @Benchmark
    public String ciafAppend() throws Exception {
        String out = run(new ProcessBuilder(java(), "-jar", cliJar.toString(), "append", "--type", "METADATA",
                "--home", home.toString()));
        if (!out.startsWith("appended " + LINES + " entries")) {
            throw new IllegalStateException(out);
        }
        return out;
    }

    @Benchmark
    public String plainImport() throws Exception {
        return run(new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                PlainImport.class.getName(), home.resolve("plain.db").toString()));
    }

    /** The baseline program: lines from stdin into a plain SQLite table. */
    public static final class PlainImport {

        private PlainImport() {
        }

        public static void main(String[] args) throws IOException, SQLException {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8),
                            1 << 16)) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=FULL");
                    s.execute("CREATE TABLE lines (position INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
                }
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO lines VALUES (?, ?)")) {
                    long n = 0;
                    String line;
                    while ((line = in.readLine()) != null) {
                        insert.setLong(1, n++);
                        insert.setBytes(2, line.getBytes(StandardCharsets.UTF_8));
                        insert.addBatch();
                        if (n % 1000 == 0) {
                            insert.executeBatch();
                            c.commit();
                        }
                    }
                    insert.executeBatch();
                    c.commit();
                    System.out.println("imported " + n);
                }
            }
        }
    }
}
