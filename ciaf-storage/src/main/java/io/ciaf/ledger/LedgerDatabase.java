package io.ciaf.ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.CpuSlices;
import io.ciaf.storage.internal.InsertChunks;
import io.ciaf.storage.internal.SqlitePragmas;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/**
 * One SQLite connection to {@code ledger.db}, with the PRAGMAs the ledger depends on read back, and the
 * statements it uses. Not thread-safe: each owner guards its own.
 *
 * <p>Schema: {@code entries} holds the hash chain; its {@code subtree_hashes} column holds the hashes of the
 * perfect Merkle subtrees that end at that entry (levels 1, 2, … up to the number of trailing one bits of
 * its position), so any subtree hash is one primary-key read and a proof costs O(log n) reads, without a
 * second table to keep in step. Payloads are kept apart in {@code payloads} (format 2), so that erasing one
 * never touches the chain. Triggers abort every UPDATE and DELETE, except the DELETE of a payload whose
 * position {@code erased} names, and {@code erased} takes only positions a later ERASURE entry holds;
 * {@code recursive_triggers} makes a REPLACE conflict resolution fire them too.
 */
final class LedgerDatabase implements AutoCloseable {

    /** 'CIAF' in ASCII, so that another SQLite file is never mistaken for a ledger. */
    static final int APPLICATION_ID = 0x43494146;
    static final int FORMAT_VERSION = 2;

    private static final String[] WRITE_ONCE_TABLES = {"entries", "checkpoints", "verifications", "erased"};
    /** The write-once triggers of every table, plus the payload table's two and the guard on {@code erased}. */
    private static final int GUARD_TRIGGERS = WRITE_ONCE_TABLES.length * 2 + 3;

    private static final String SCHEMA = """
            CREATE TABLE entries (
              position        INTEGER PRIMARY KEY,
              timestamp       INTEGER NOT NULL,
              type            TEXT    NOT NULL,
              payload_hash    BLOB    NOT NULL,
              prev_hash       BLOB    NOT NULL,
              entry_hash      BLOB    NOT NULL,
              subtree_hashes  BLOB,
              idempotency_key TEXT
            );
            CREATE UNIQUE INDEX entries_idempotency_key ON entries(idempotency_key)
              WHERE idempotency_key IS NOT NULL;
            CREATE TABLE payloads (
              position INTEGER PRIMARY KEY,
              payload  BLOB    NOT NULL
            );
            CREATE TABLE erased (
              position INTEGER PRIMARY KEY,
              erasure  INTEGER NOT NULL
            );
            CREATE TABLE checkpoints (
              size     INTEGER PRIMARY KEY,
              position INTEGER NOT NULL
            );
            CREATE TABLE verifications (
              verified_at     INTEGER NOT NULL,
              size            INTEGER NOT NULL,
              checkpoint_size INTEGER NOT NULL,
              mode            TEXT    NOT NULL
            );
            """;

    final Path file;
    final Connection connection;
    private final boolean writeOnceIntact;
    private PreparedStatement tip;
    private PreparedStatement node;
    private PreparedStatement entry;
    private PreparedStatement byKey;
    private PreparedStatement byKeys;
    private PreparedStatement insert;
    private PreparedStatement insertPayload;
    private InsertChunks inserts;

    private LedgerDatabase(Path file, Connection connection, boolean writeOnceIntact) {
        this.file = file;
        this.connection = connection;
        this.writeOnceIntact = writeOnceIntact;
    }

    /** Creates a new, empty ledger file; refuses if one exists. */
    static LedgerDatabase create(Path file) {
        if (Files.exists(file)) {
            throw new LedgerException("refusing to overwrite the existing ledger " + file);
        }
        Connection c = connect(file, true);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA application_id=" + APPLICATION_ID);
            s.execute("PRAGMA user_version=" + FORMAT_VERSION);
            s.executeUpdate(SCHEMA);
            for (String table : WRITE_ONCE_TABLES) {
                s.executeUpdate("CREATE TRIGGER " + table + "_no_update BEFORE UPDATE ON " + table
                        + " BEGIN SELECT RAISE(ABORT, 'the audit ledger is write-once: UPDATE of " + table
                        + " refused'); END");
                s.executeUpdate("CREATE TRIGGER " + table + "_no_delete BEFORE DELETE ON " + table
                        + " BEGIN SELECT RAISE(ABORT, 'the audit ledger is write-once: DELETE from " + table
                        + " refused'); END");
            }
            // Payloads are the one thing that may go, and only once an ERASURE entry in the chain names them.
            s.executeUpdate("CREATE TRIGGER payloads_no_update BEFORE UPDATE ON payloads BEGIN SELECT RAISE(ABORT,"
                    + " 'the audit ledger is write-once: UPDATE of payloads refused'); END");
            s.executeUpdate("CREATE TRIGGER payloads_delete_only_erased BEFORE DELETE ON payloads"
                    + " WHEN NOT EXISTS (SELECT 1 FROM erased WHERE erased.position = OLD.position)"
                    + " BEGIN SELECT RAISE(ABORT, 'the audit ledger is write-once: a payload can be removed only"
                    + " after an ERASURE entry names its position'); END");
            s.executeUpdate("CREATE TRIGGER erased_names_erasure BEFORE INSERT ON erased"
                    + " WHEN NOT EXISTS (SELECT 1 FROM entries WHERE entries.position = NEW.erasure"
                    + " AND entries.type = 'ERASURE' AND NEW.erasure > NEW.position)"
                    + " BEGIN SELECT RAISE(ABORT, 'the audit ledger is write-once: erased positions must be named"
                    + " by a later ERASURE entry'); END");
        } catch (SQLException e) {
            closeQuietly(c);
            throw new LedgerException("cannot create ledger " + file + ": " + e.getMessage(), e);
        }
        closeQuietly(c);
        return open(file);
    }

    /** Opens an existing ledger file, checking that it is one and that its PRAGMAs are in force. */
    static LedgerDatabase open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LedgerException("no ledger at " + file.getParent() + " (" + file.getFileName()
                    + " not found); create one with: ciaf init --home " + file.getParent());
        }
        Connection c = connect(file, false);
        try {
            int appId = intPragma(c, "application_id");
            if (appId != APPLICATION_ID) {
                throw new LedgerException(file + " is an SQLite database but not a CIAF ledger (application_id "
                        + appId + "); point --home at a CIAF home, or create one with ciaf init");
            }
            int version = intPragma(c, "user_version");
            if (version != FORMAT_VERSION) {
                throw new LedgerException(file + " has ledger format " + version + "; this CIAF reads format "
                        + FORMAT_VERSION + ". Use the CIAF release that wrote it");
            }
            require(c, file, "journal_mode", "WAL", "wal");
            require(c, file, "synchronous", "FULL", "2");
            require(c, file, "recursive_triggers", "ON", "1");
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=60000");
            }
            return new LedgerDatabase(file, c, countTriggers(c) == GUARD_TRIGGERS);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new LedgerException("cannot open ledger " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static Connection connect(Path file, boolean create) {
        SQLiteConfig config = new SQLiteConfig();
        if (!create) {
            config.resetOpenMode(SQLiteOpenMode.CREATE);
        }
        try {
            return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        } catch (SQLException e) {
            throw new LedgerException("cannot open ledger " + file + ": " + e.getMessage(), e);
        }
    }

    private static int intPragma(Connection c, String pragma) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void require(Connection c, Path file, String pragma, String value, String expected)
            throws SQLException {
        SqlitePragmas.require(c, pragma, value, expected, actual -> new LedgerException("ledger " + file
                + " refused PRAGMA " + pragma + "=" + value + " (it reports " + actual + "); the ledger's"
                + " guarantees depend on it, so it is not opened. Is the file on a network or read-only file"
                + " system?"));
    }

    private static int countTriggers(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND sql LIKE '%RAISE(ABORT%write-once%'")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** False when the write-once triggers were removed or changed outside CIAF. */
    boolean writeOnceIntact() {
        return writeOnceIntact;
    }

    void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    void rollbackQuietly() {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            } else {
                execute("ROLLBACK");
            }
        } catch (SQLException ignored) {
            // no transaction open
        }
    }

    /** The last entry (position, timestamp, entry hash), or null for an empty ledger. */
    Tip tip() throws SQLException {
        if (tip == null) {
            tip = connection.prepareStatement("SELECT position, timestamp, entry_hash FROM entries"
                    + " ORDER BY position DESC LIMIT 1");
        }
        try (ResultSet rs = tip.executeQuery()) {
            return rs.next() ? new Tip(rs.getLong(1), rs.getLong(2), rs.getBytes(3)) : null;
        }
    }

    record Tip(long position, long timestamp, byte[] entryHash) {
        long size() {
            return position + 1;
        }
    }

    /** Subtree hashes read from the rows; a row that is missing or short is reported as tampering. */
    Merkle.Nodes nodes() {
        return (level, index) -> {
            try {
                if (node == null) {
                    node = connection.prepareStatement(
                            "SELECT entry_hash, subtree_hashes FROM entries WHERE position=?");
                }
                long position = ((index + 1) << level) - 1;
                node.setLong(1, position);
                try (ResultSet rs = node.executeQuery()) {
                    if (!rs.next()) {
                        throw new LedgerTamperedException(position, "entry is missing (position gap); run ciaf verify");
                    }
                    if (level == 0) {
                        byte[] entryHash = rs.getBytes(1);
                        if (entryHash == null || entryHash.length != Merkle.HASH_LENGTH) {
                            throw new LedgerTamperedException(position, "stored entry_hash is not 32 bytes");
                        }
                        return Merkle.leafHash(entryHash);
                    }
                    byte[] subtrees = rs.getBytes(2);
                    int end = level * Merkle.HASH_LENGTH;
                    if (subtrees == null || subtrees.length < end) {
                        throw new LedgerTamperedException(position, "stored Merkle subtree hashes are missing");
                    }
                    byte[] out = new byte[Merkle.HASH_LENGTH];
                    System.arraycopy(subtrees, end - Merkle.HASH_LENGTH, out, 0, Merkle.HASH_LENGTH);
                    return out;
                }
            } catch (SQLException e) {
                throw new LedgerException("cannot read ledger " + file + ": " + e.getMessage(), e);
            }
        };
    }

    /** The columns {@link #entryAt} reads, from {@link #ENTRIES}. */
    static final String ENTRY_COLUMNS = "e.position, e.timestamp, e.type, p.payload, e.payload_hash, e.prev_hash,"
            + " e.entry_hash";
    /** Entries with their payloads (null where erased); alias {@code e} for entries. */
    static final String ENTRIES = "entries e LEFT JOIN payloads p ON p.position = e.position";

    LedgerEntry entry(long position) throws SQLException {
        if (entry == null) {
            entry = connection.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM " + ENTRIES + " WHERE e.position=?");
        }
        entry.setLong(1, position);
        return single(entry);
    }

    /** The entry holding {@code key}, or null. */
    LedgerEntry byIdempotencyKey(String key) throws SQLException {
        if (byKey == null) {
            byKey = connection.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM " + ENTRIES + " WHERE e.idempotency_key=?");
        }
        byKey.setString(1, key);
        return single(byKey);
    }

    private static LedgerEntry single(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            return rs.next() ? entryAt(rs) : null;
        }
    }

    /** The entry in the current row, whose first columns are {@link #ENTRY_COLUMNS}. */
    static LedgerEntry entryAt(ResultSet rs) throws SQLException {
        return new LedgerEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBytes(4), rs.getBytes(5),
                rs.getBytes(6), rs.getBytes(7));
    }

    /** Idempotency keys looked up per query. */
    private static final int KEY_CHUNK = 64;

    /**
     * The entries holding any of {@code keys}, by key: the keys go in as a JSON array, so the statement is
     * prepared once per connection rather than once per batch (preparing it, with a placeholder per key, cost
     * as much as running it); 64 keys a query, so that the appending thread yields between them (see
     * {@link CpuSlices}).
     */
    Map<String, LedgerEntry> byIdempotencyKeys(List<String> keys) throws SQLException {
        if (byKeys == null) {
            byKeys = connection.prepareStatement("SELECT " + ENTRY_COLUMNS + ", e.idempotency_key FROM " + ENTRIES
                    + " WHERE e.idempotency_key IN (SELECT value FROM json_each(?))");
        }
        Map<String, LedgerEntry> found = new HashMap<>();
        for (int from = 0; from < keys.size(); from += KEY_CHUNK) {
            if (from > 0) {
                CpuSlices.pause();
            }
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + KEY_CHUNK));
            byKeys.setString(1, CanonicalJson.write(chunk)); // a JSON array of strings
            try (ResultSet rs = byKeys.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(8), entryAt(rs));
                }
            }
        }
        return found;
    }

    void addInsert(long position, long timestamp, String type, byte[] payload, byte[] payloadHash, byte[] prevHash,
            byte[] entryHash, byte[] subtrees, String idempotencyKey) throws SQLException {
        if (insert == null) {
            insert = connection.prepareStatement("INSERT INTO entries (position, timestamp, type,"
                    + " payload_hash, prev_hash, entry_hash, subtree_hashes, idempotency_key)"
                    + " VALUES (?,?,?,?,?,?,?,?)");
            insertPayload = connection.prepareStatement("INSERT INTO payloads (position, payload) VALUES (?,?)");
            inserts = new InsertChunks(insert, insertPayload);
        }
        insert.setLong(1, position);
        insert.setLong(2, timestamp);
        insert.setString(3, type);
        insert.setBytes(4, payloadHash);
        insert.setBytes(5, prevHash);
        insert.setBytes(6, entryHash);
        insert.setBytes(7, subtrees);
        insert.setString(8, idempotencyKey);
        insert.addBatch();
        insertPayload.setLong(1, position);
        insertPayload.setBytes(2, payload);
        insertPayload.addBatch();
        inserts.added();
    }

    /**
     * Whether {@code e} is the unique index refusing an idempotency key: the ledger's only UNIQUE constraint (the
     * tables' positions and sizes are primary keys, which SQLite reports with another code).
     */
    static boolean isIdempotencyKeyConflict(SQLException e) {
        return e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
    }

    void flushInserts() throws SQLException {
        if (inserts != null) {
            inserts.flush();
        }
    }

    void discardInserts() {
        if (inserts != null) {
            inserts.discard();
        }
    }

    /**
     * Marks {@code positions} as erased by the ERASURE entry at {@code erasure} (already inserted in this
     * transaction) and removes their payloads.
     */
    void erase(List<Long> positions, long erasure) throws SQLException {
        try (PreparedStatement mark = connection.prepareStatement("INSERT INTO erased (position, erasure) VALUES (?,?)");
                PreparedStatement remove = connection.prepareStatement("DELETE FROM payloads WHERE position=?")) {
            for (long p : positions) {
                mark.setLong(1, p);
                mark.setLong(2, erasure);
                mark.addBatch();
                remove.setLong(1, p);
                remove.addBatch();
            }
            mark.executeBatch();
            remove.executeBatch();
        }
    }

    /** Erased positions, each with the position of the ERASURE entry that names it, in position order. */
    java.util.NavigableMap<Long, Long> erased() throws SQLException {
        java.util.TreeMap<Long, Long> out = new java.util.TreeMap<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT position, erasure FROM erased ORDER BY position")) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
