package io.ciaf.benchmarks;

import io.ciaf.api.internal.TimeOrderedIds;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.NewEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable ledger append throughput: one operation is one {@code appendAll} of {@code batch} entries with
 * ~300-byte payloads built from maps (canonical JSON, nonce, payload hash, chain hash, Merkle subtrees, one
 * fsync'd SQLite transaction). Entries per second = operations per second x batch.
 *
 * <p>{@code ledgerAppendPrepared} times only {@code appendAll} of entries built beforehand (outside the
 * measurement, JMH {@code Level.Invocation}): the ledger's own work once application threads have
 * canonicalized the payloads. {@code ledgerAppendPreparedWithKeys} is the same with an idempotency key per
 * entry, new each time, as the capture pipeline appends its records (keyed by record id).
 *
 * <p>Baseline in the same run: {@code plainSqliteInsert} inserts rows of the same shape and size (payload
 * bytes and hashes prepared in advance: no JSON, no hashing, no tree) in one transaction per batch, into
 * tables with the same columns and index as the ledger's (entries, and payloads apart) and the same PRAGMAs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Thread)
public class LedgerAppendBenchmark {

    @Param({"1", "10", "100", "1000"})
    public int batch;

    private Path dir;
    private AuditLedger ledger;
    private long next;

    private Connection plain;
    private PreparedStatement insert;
    private PreparedStatement insertPayload;
    private long plainPosition;
    private byte[] payload;
    private byte[] hash;

    /** A payload of about 300 bytes once the ledger adds its nonce. */
    static Map<String, Object> payload(long i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "credit-scoring");
        m.put("version", "1.4.2");
        m.put("stage", "inference");
        m.put("event", "predict");
        m.put("request_id", "req-" + i);
        m.put("features_sha256", "9f2c1e7a4b8d0c3e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0");
        m.put("score", 0.7312);
        m.put("decision", "approve");
        m.put("latency_ms", 3.2);
        m.put("thread", "pool-1-thread-3");
        return m;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException, SQLException {
        dir = Files.createTempDirectory("ciaf-bench-ledger");
        ledger = AuditLedger.create(dir.resolve("home"), "bench.ciaf/ledger");
        payload = NewEntry.of("METADATA", payload(0), null).payloadJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        hash = new byte[32];
        plain = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("plain.db"));
        try (Statement s = plain.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("CREATE TABLE entries (position INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, type TEXT NOT NULL,"
                    + " payload_hash BLOB NOT NULL, prev_hash BLOB NOT NULL, entry_hash BLOB NOT NULL,"
                    + " subtree_hashes BLOB, idempotency_key TEXT)");
            s.execute("CREATE TABLE payloads (position INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
            s.execute("CREATE UNIQUE INDEX entries_idempotency_key ON entries(idempotency_key)"
                    + " WHERE idempotency_key IS NOT NULL");
        }
        insert = plain.prepareStatement("INSERT INTO entries VALUES (?,?,?,?,?,?,?,?)");
        insertPayload = plain.prepareStatement("INSERT INTO payloads VALUES (?,?)");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, SQLException {
        ledger.close();
        plain.close();
        TempFiles.deleteTree(dir);
    }

    /** Entries prepared by the caller beforehand, as the capture pipeline's application threads do. */
    @State(Scope.Thread)
    public static class Prepared {
        List<NewEntry> entries;
        long next;

        @Setup(Level.Invocation)
        public void prepare(LedgerAppendBenchmark b) {
            entries = entries(b.batch, next, keyed());
            next += b.batch;
        }

        boolean keyed() {
            return false;
        }
    }

    @Benchmark
    public Object ledgerAppendPrepared(Prepared prepared) {
        return ledger.appendAll(prepared.entries);
    }

    /** As {@link Prepared}, each entry with a new idempotency key: a time-ordered id, as the capture pipeline's. */
    @State(Scope.Thread)
    public static class PreparedWithKeys extends Prepared {
        @Override
        boolean keyed() {
            return true;
        }
    }

    @Benchmark
    public Object ledgerAppendPreparedWithKeys(PreparedWithKeys prepared) {
        return ledger.appendAll(prepared.entries);
    }

    @Benchmark
    public Object ledgerAppend() {
        List<NewEntry> entries = entries(batch, next, false);
        next += batch;
        return ledger.appendAll(entries);
    }

    /** {@code batch} entries from payload number {@code first} on, each with a new idempotency key if {@code keyed}. */
    static List<NewEntry> entries(int batch, long first, boolean keyed) {
        List<NewEntry> entries = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            entries.add(NewEntry.of("METADATA", payload(first + i), keyed ? TimeOrderedIds.next().toString() : null));
        }
        return entries;
    }

    @Benchmark
    public long plainSqliteInsert() throws SQLException {
        try (Statement s = plain.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            for (int i = 0; i < batch; i++) {
                long p = plainPosition++;
                insert.setLong(1, p);
                insert.setLong(2, p);
                insert.setString(3, "METADATA");
                insert.setBytes(4, hash);
                insert.setBytes(5, hash);
                insert.setBytes(6, hash);
                insert.setBytes(7, (p & 1) == 1 ? hash : null);
                insert.setString(8, null);
                insert.addBatch();
                insertPayload.setLong(1, p);
                insertPayload.setBytes(2, payload);
                insertPayload.addBatch();
            }
            insert.executeBatch();
            insertPayload.executeBatch();
            s.execute("COMMIT");
        }
        return plainPosition;
    }
}
