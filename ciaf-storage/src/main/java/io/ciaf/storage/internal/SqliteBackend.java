package io.ciaf.storage.internal;

import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.api.StorageProblem;
import io.ciaf.api.spi.MetadataBackend;
import io.ciaf.api.spi.MetadataBackendProvider;
import io.ciaf.storage.MetadataStorageException;
import io.ciaf.storage.MetadataStoreDamagedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Internal. The {@code sqlite} backend: {@code metadata.db} in WAL mode with {@code synchronous=FULL}, both
 * read back at open and refused if not in force. {@code metadata_json} holds the canonical JSON, so
 * {@code json_extract(metadata_json, '$.accuracy')} works and {@code sha256(metadata_json)} equals
 * {@code metadata_hash}. Records at the compliance stage that name a {@code framework} are also listed in
 * {@code compliance_events}.
 */
public final class SqliteBackend implements MetadataBackend {

    static final String FILE = "metadata.db";

    private static final String SCHEMA = String.join("\n",
            "CREATE TABLE IF NOT EXISTS metadata (",
            "  id TEXT PRIMARY KEY NOT NULL,",
            "  model_name TEXT NOT NULL,",
            "  model_version TEXT,",
            "  stage TEXT NOT NULL,",
            "  event_type TEXT NOT NULL,",
            "  timestamp TEXT NOT NULL,",
            "  timestamp_ns INTEGER NOT NULL,",
            "  details TEXT,",
            "  metadata_json TEXT NOT NULL,",
            "  metadata_hash TEXT NOT NULL,",
            "  trace_id TEXT,",
            "  parent_id TEXT,",
            "  actor TEXT,",
            "  validation_errors TEXT",
            ");",
            "CREATE INDEX IF NOT EXISTS idx_metadata_model_stage ON metadata(model_name, stage, timestamp_ns, id);",
            "CREATE INDEX IF NOT EXISTS idx_metadata_model_time ON metadata(model_name, timestamp_ns, id);",
            "CREATE INDEX IF NOT EXISTS idx_metadata_stage ON metadata(stage, timestamp_ns);",
            "CREATE INDEX IF NOT EXISTS idx_metadata_event ON metadata(event_type, timestamp_ns);",
            "CREATE INDEX IF NOT EXISTS idx_metadata_time ON metadata(timestamp_ns, id);",
            "CREATE TABLE IF NOT EXISTS compliance_events (",
            "  record_id TEXT PRIMARY KEY NOT NULL REFERENCES metadata(id),",
            "  model_name TEXT NOT NULL,",
            "  model_version TEXT,",
            "  framework TEXT NOT NULL,",
            "  compliance_score REAL,",
            "  event_type TEXT NOT NULL,",
            "  timestamp TEXT NOT NULL,",
            "  timestamp_ns INTEGER NOT NULL",
            ");",
            "CREATE INDEX IF NOT EXISTS idx_compliance_model ON compliance_events(model_name, framework, timestamp_ns);",
            "CREATE INDEX IF NOT EXISTS idx_compliance_time ON compliance_events(timestamp_ns);");

    private static final String COLUMNS = "id, model_name, model_version, stage, event_type, timestamp, timestamp_ns,"
            + " details, metadata_json, metadata_hash, trace_id, parent_id, actor, validation_errors";

    private final Path db;
    private final Consumer<StorageProblem> problems;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final PreparedStatement insert;
    private final PreparedStatement insertCompliance;
    private final InsertChunks inserts;
    private volatile boolean closed;

    SqliteBackend(Path directory, Consumer<StorageProblem> problems) {
        this.db = directory.resolve(FILE);
        this.problems = problems;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        } catch (SQLException e) {
            throw new MetadataStorageException("cannot open SQLite database " + db + ": " + e.getMessage(), e);
        }
        try {
            requirePragma("journal_mode", "WAL", "wal");
            requirePragma("synchronous", "FULL", "2");
            requirePragma("foreign_keys", "ON", "1");
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("PRAGMA secure_delete=ON");
                s.executeUpdate(SCHEMA);
            }
            connection.setAutoCommit(false);
            connection.commit();
            insert = connection.prepareStatement("INSERT INTO metadata (" + COLUMNS + ")"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING");
            insertCompliance = connection.prepareStatement("INSERT INTO compliance_events (record_id, model_name,"
                    + " model_version, framework, compliance_score, event_type, timestamp, timestamp_ns)"
                    + " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(record_id) DO NOTHING");
            inserts = new InsertChunks(insert, insertCompliance); // metadata rows first: compliance rows refer to them
        } catch (SQLException e) {
            closeQuietly();
            if (e instanceof SQLiteException s && (s.getResultCode() == SQLiteErrorCode.SQLITE_NOTADB
                    || s.getResultCode() == SQLiteErrorCode.SQLITE_CORRUPT)) {
                throw new MetadataStoreDamagedException(db, e);
            }
            throw new MetadataStorageException("cannot set up SQLite database " + db + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    private void requirePragma(String pragma, String value, String expected) throws SQLException {
        SqlitePragmas.require(connection, pragma, value, expected, actual -> new MetadataStorageException(
                "SQLite database " + db + " refused PRAGMA " + pragma + "=" + value + " (it reports " + actual
                        + "); records would not be durable, so it is not used. Is the file on a network or"
                        + " read-only file system?"));
    }

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public void saveAll(List<MetadataRecord> records) {
        lock.lock();
        try {
            ensureOpen();
            for (MetadataRecord r : records) {
                bind(r);
                insert.addBatch();
                String framework = complianceFramework(r);
                if (framework != null) {
                    insertCompliance.setString(1, r.id().toString());
                    insertCompliance.setString(2, r.model());
                    insertCompliance.setString(3, r.version().orElse(null));
                    insertCompliance.setString(4, framework);
                    Object score = r.metadata().getOrDefault("compliance_score", r.metadata().get("score"));
                    if (score instanceof Number) {
                        insertCompliance.setDouble(5, ((Number) score).doubleValue());
                    } else {
                        insertCompliance.setNull(5, Types.REAL);
                    }
                    insertCompliance.setString(6, r.eventType());
                    insertCompliance.setString(7, io.ciaf.api.internal.IsoInstant.format(r.timestamp()));
                    insertCompliance.setLong(8, nanos(r.timestamp()));
                    insertCompliance.addBatch();
                }
                inserts.added();
            }
            inserts.flush();
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new MetadataStorageException("cannot save " + records.size() + " records to " + db + ": "
                    + e.getMessage() + "; nothing from this call was stored", e);
        } catch (RuntimeException e) {
            rollbackQuietly(); // earlier chunks were inserted in this transaction: undo them too
            throw e;
        } finally {
            lock.unlock();
        }
    }

    private static String complianceFramework(MetadataRecord r) {
        if (r.stage() != Stage.COMPLIANCE) {
            return null;
        }
        Object framework = r.metadata().get("framework");
        return framework instanceof String ? (String) framework : null;
    }

    private void bind(MetadataRecord r) throws SQLException {
        insert.setString(1, r.id().toString());
        insert.setString(2, r.model());
        insert.setString(3, r.version().orElse(null));
        insert.setString(4, r.stage().wireName());
        insert.setString(5, r.eventType());
        insert.setString(6, io.ciaf.api.internal.IsoInstant.format(r.timestamp()));
        insert.setLong(7, nanos(r.timestamp()));
        insert.setString(8, r.details().orElse(null));
        insert.setString(9, r.metadataJson());
        insert.setString(10, r.metadataHash());
        insert.setString(11, r.traceId().orElse(null));
        insert.setString(12, r.parentId().map(UUID::toString).orElse(null));
        insert.setString(13, r.actor().orElse(null));
        insert.setString(14, r.validationErrors().isEmpty() ? null : toJsonArray(r.validationErrors()));
    }

    private static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    private static String toJsonArray(List<String> items) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            io.ciaf.api.internal.CanonicalJson.writeString(items.get(i), out);
        }
        return out.append(']').toString();
    }

    @Override
    public Optional<MetadataRecord> get(UUID id) {
        List<MetadataRecord> found = select("SELECT " + COLUMNS + " FROM metadata WHERE id = ?",
                List.of(id.toString()));
        return found.stream().findFirst();
    }

    @Override
    public List<MetadataRecord> query(MetadataQuery q) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM metadata WHERE 1=1");
        List<Object> args = new ArrayList<>();
        q.model().ifPresent(m -> {
            sql.append(" AND model_name = ?");
            args.add(m);
        });
        q.stage().ifPresent(s -> {
            sql.append(" AND stage = ?");
            args.add(s.wireName());
        });
        q.eventType().ifPresent(e -> {
            sql.append(" AND event_type = ?");
            args.add(e);
        });
        q.version().ifPresent(v -> {
            sql.append(" AND model_version = ?");
            args.add(v);
        });
        q.since().ifPresent(t -> {
            sql.append(" AND timestamp_ns >= ?");
            args.add(nanos(t));
        });
        q.until().ifPresent(t -> {
            sql.append(" AND timestamp_ns < ?");
            args.add(nanos(t));
        });
        sql.append(" ORDER BY timestamp_ns DESC, id DESC");
        if (q.limit() != Integer.MAX_VALUE) {
            sql.append(" LIMIT ").append(q.limit());
        }
        return select(sql.toString(), args);
    }

    @Override
    public Set<UUID> existing(Collection<UUID> ids) {
        Set<UUID> found = new HashSet<>();
        List<Object> all = new ArrayList<>();
        ids.forEach(id -> all.add(id.toString()));
        for (int from = 0; from < all.size(); from += 500) {
            List<Object> chunk = all.subList(from, Math.min(all.size(), from + 500));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            read("SELECT id FROM metadata WHERE id IN (" + marks + ")", chunk, rs -> {
                while (rs.next()) {
                    found.add(UUID.fromString(rs.getString(1)));
                }
                return null;
            });
        }
        return found;
    }

    @Override
    public SortedSet<String> models() {
        return read("SELECT DISTINCT model_name FROM metadata", List.of(), rs -> {
            SortedSet<String> models = new TreeSet<>();
            while (rs.next()) {
                models.add(rs.getString(1));
            }
            return models;
        });
    }

    @Override
    public long deleteAll(java.util.Collection<UUID> ids) {
        lock.lock();
        try {
            ensureOpen();
            long removed = 0;
            try (PreparedStatement events = connection.prepareStatement("DELETE FROM compliance_events WHERE record_id=?");
                    PreparedStatement records = connection.prepareStatement("DELETE FROM metadata WHERE id=?")) {
                for (UUID id : ids) {
                    events.setString(1, id.toString());
                    events.executeUpdate();
                    records.setString(1, id.toString());
                    removed += records.executeUpdate();
                }
            }
            connection.commit();
            // secure_delete zeroes the freed cells; the checkpoint takes the old pages out of the WAL.
            try (Statement s = connection.createStatement()) {
                connection.setAutoCommit(true);
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            } finally {
                connection.setAutoCommit(false);
            }
            return removed;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new MetadataStorageException("cannot erase " + ids.size() + " records from " + db + ": "
                    + e.getMessage() + "; nothing from this call was erased", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long count() {
        return read("SELECT COUNT(*) FROM metadata", List.of(), rs -> rs.next() ? rs.getLong(1) : 0L);
    }

    @Override
    public long bytesOnDisk() {
        long total = 0;
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path p = db.resolveSibling(FILE + suffix);
            try {
                total += Files.exists(p) ? Files.size(p) : 0;
            } catch (java.io.IOException ignored) {
                // removed by a checkpoint meanwhile
            }
        }
        return total;
    }

    private List<MetadataRecord> select(String sql, List<Object> args) {
        return read(sql, args, rs -> {
            List<MetadataRecord> out = new ArrayList<>();
            while (rs.next()) {
                try {
                    out.add(read(rs));
                } catch (CorruptRecordException e) {
                    problems.accept(new StorageProblem(db, 0, "row id " + rs.getString(1) + ": " + e.getMessage()));
                }
            }
            return out;
        });
    }

    /** Reads a result set under the connection lock, in a transaction that ends before the lock is released. */
    private interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T read(String sql, List<Object> args, Rows<T> rows) {
        lock.lock();
        try {
            ensureOpen();
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                T result;
                try (ResultSet rs = ps.executeQuery()) {
                    result = rows.read(rs);
                }
                connection.commit();
                return result;
            }
        } catch (SQLException e) {
            rollbackQuietly();
            throw new MetadataStorageException("cannot read SQLite database " + db + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private static MetadataRecord read(ResultSet rs) throws SQLException {
        Map<String, Object> row = new java.util.HashMap<>();
        row.put(RecordJson.ID, rs.getString(1));
        row.put(RecordJson.MODEL, rs.getString(2));
        row.put(RecordJson.VERSION, rs.getString(3));
        row.put(RecordJson.STAGE, rs.getString(4));
        row.put(RecordJson.EVENT, rs.getString(5));
        row.put(RecordJson.TIMESTAMP, rs.getString(6));
        row.put(RecordJson.DETAILS, rs.getString(8));
        row.put(RecordJson.HASH, rs.getString(10));
        row.put(RecordJson.TRACE, rs.getString(11));
        row.put(RecordJson.PARENT, rs.getString(12));
        row.put(RecordJson.ACTOR, rs.getString(13));
        try {
            row.put(RecordJson.METADATA, RecordJson.MAPPER.readValue(rs.getString(9), Object.class));
            String errors = rs.getString(14);
            if (errors != null) {
                row.put(RecordJson.ERRORS, RecordJson.MAPPER.readValue(errors, List.class));
            }
        } catch (java.io.IOException e) {
            throw new CorruptRecordException("metadata_json is not valid JSON: " + RecordJson.firstLine(e.getMessage()));
        }
        return RecordJson.fromMap(row);
    }

    private void rollbackQuietly() {
        try {
            inserts.discard(); // rows bound but not yet inserted must not go in with the next call
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is unusable; the next call reports it
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the sqlite backend at " + db + " is closed");
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    private void closeQuietly() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    /** Finds the {@code sqlite} backend for {@code MetadataStorage.open(dir, "sqlite")}. */
    public static final class Provider implements MetadataBackendProvider {
        @Override
        public String name() {
            return "sqlite";
        }

        @Override
        public MetadataBackend open(Path directory, Consumer<StorageProblem> problems) {
            return new SqliteBackend(directory, problems);
        }
    }
}
