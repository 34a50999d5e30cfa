package io.ciaf.benchmarks;

import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.NewEntry;
import io.ciaf.ledger.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * Reads of a 1,000,000-entry ledger (~300-byte payloads, one signed checkpoint), built once under
 * {@code target/bench-ledger-1m}: a full verification from genesis, and inclusion and consistency proofs
 * for random positions against the whole tree.
 *
 * <p>Baselines in the same run: {@code rawScan} reads every column of every row with plain JDBC (what
 * verification must read, without hashing anything); {@code rawLookup} reads one row by position (the
 * unit a proof is made of).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = "-Xmx1g")
public class LedgerVerifyBenchmark {

    static final int ENTRIES = 1_000_000;

    private AuditLedger ledger;
    private long size;
    private Connection raw;
    private PreparedStatement lookup;
    private final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        Path home = Path.of("target", "bench-ledger-1m");
        if (!Files.exists(home.resolve(AuditLedger.LEDGER_FILE))) {
            try (AuditLedger building = AuditLedger.create(home, "bench.ciaf/verify")) {
                for (long i = 1; i < ENTRIES - 1; i += 1000) {
                    List<NewEntry> batch = new ArrayList<>(1000);
                    for (long j = i; j < Math.min(i + 1000, ENTRIES - 1); j++) {
                        batch.add(NewEntry.of("METADATA", LedgerAppendBenchmark.payload(j), null));
                    }
                    building.appendAll(batch);
                }
                building.checkpoint();
            }
        }
        ledger = AuditLedger.open(home);
        size = ledger.size();
        if (size != ENTRIES) {
            throw new IllegalStateException(home + " holds " + size + " entries, not " + ENTRIES + "; delete it");
        }
        raw = DriverManager.getConnection("jdbc:sqlite:" + home.resolve(AuditLedger.LEDGER_FILE));
        lookup = raw.prepareStatement("SELECT entry_hash, subtree_hashes FROM entries WHERE position=?");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        ledger.close();
        raw.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public VerificationReport fullVerify() {
        return ledger.verify();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public long rawScan() throws SQLException {
        long bytes = 0;
        try (PreparedStatement s = raw.prepareStatement("SELECT e.position, e.timestamp, e.type, p.payload,"
                + " e.payload_hash, e.prev_hash, e.entry_hash, e.subtree_hashes FROM entries e"
                + " LEFT JOIN payloads p ON p.position = e.position ORDER BY e.position");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                bytes += rs.getLong(1) + rs.getLong(2) + rs.getString(3).length() + rs.getBytes(4).length
                        + rs.getBytes(5).length + rs.getBytes(6).length + rs.getBytes(7).length;
                byte[] subtrees = rs.getBytes(8);
                bytes += subtrees == null ? 0 : subtrees.length;
            }
        }
        return bytes;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object inclusionProof() {
        return ledger.proveInclusion(random.nextLong(size), size);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object consistencyProof() {
        return ledger.proveConsistency(1 + random.nextLong(size - 1), size);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object rawLookup() throws SQLException {
        lookup.setLong(1, random.nextLong(size));
        try (ResultSet rs = lookup.executeQuery()) {
            return rs.next() ? rs.getBytes(1) : null;
        }
    }
}
