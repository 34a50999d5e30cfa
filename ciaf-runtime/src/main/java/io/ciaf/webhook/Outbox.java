package io.ciaf.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ciaf.storage.internal.SqlitePragmas;

/**
 * The durable queue of webhook deliveries, {@code webhooks.db} in the CIAF home (SQLite, WAL, synchronous=FULL):
 * an event is in it before anything is sent, so pending deliveries survive a crash or restart. Each delivery is
 * PENDING until a 2xx answer (DELIVERED) or its last attempt (DEAD, shown by {@code ciaf webhooks status}, sent
 * again by {@code ciaf webhooks retry}). Several processes may share it. Thread-safe.
 */
public final class Outbox implements AutoCloseable {

    public static final String FILE = "webhooks.db";

    /** One delivery: its stable id, event, body and where it stands. */
    public record Delivery(String id, String event, String model, String body, long createdMillis, int attempts,
            long nextAttemptMillis, String state, String lastError) {
    }

    private final Path file;
    private final Connection db;

    private Outbox(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens (creating if missing) the outbox of {@code home}. */
    public static Outbox open(Path home) {
        Path file = home.resolve(FILE);
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home, e);
        }
        Connection c = SqlitePragmas.openDurable(file, "the webhook outbox");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS deliveries(id TEXT PRIMARY KEY, event TEXT NOT NULL, model TEXT,"
                    + " body TEXT NOT NULL, created_ms INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
                    + " next_attempt_ms INTEGER NOT NULL, state TEXT NOT NULL, last_error TEXT, finished_ms INTEGER)");
            s.execute("CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(state, next_attempt_ms)");
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the first failure is the one to report
            }
            throw new IllegalStateException("cannot open the webhook outbox " + file + ": " + e.getMessage(), e);
        }
        return new Outbox(file, c);
    }

    public Path file() {
        return file;
    }

    /** Adds deliveries in one transaction: all are durable when this returns, or none is. */
    public synchronized void add(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        try {
            begin();
            try (PreparedStatement p = db.prepareStatement("INSERT OR IGNORE INTO deliveries(id, event, model, body,"
                    + " created_ms, attempts, next_attempt_ms, state) VALUES (?, ?, ?, ?, ?, 0, ?, 'PENDING')")) {
                for (Delivery d : deliveries) {
                    p.setString(1, d.id());
                    p.setString(2, d.event());
                    p.setString(3, d.model());
                    p.setString(4, d.body());
                    p.setLong(5, d.createdMillis());
                    p.setLong(6, d.nextAttemptMillis());
                    p.addBatch();
                }
                p.executeBatch();
            }
            commit();
        } catch (SQLException e) {
            rollback();
            throw new IllegalStateException("cannot add " + deliveries.size() + " webhook deliveries to " + file
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Up to {@code limit} pending deliveries due at {@code now}, each leased for {@code leaseMillis} (its next
     * attempt moved past the lease) so that another sender does not take it meanwhile.
     */
    public synchronized List<Delivery> takeDue(long now, int limit, long leaseMillis) {
        List<Delivery> out = new ArrayList<>();
        try {
            begin();
            try (PreparedStatement p = db.prepareStatement("SELECT id, event, model, body, created_ms, attempts,"
                    + " next_attempt_ms, state, last_error FROM deliveries WHERE state = 'PENDING' AND next_attempt_ms"
                    + " <= ? ORDER BY next_attempt_ms, created_ms LIMIT ?")) {
                p.setLong(1, now);
                p.setInt(2, limit);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(read(r));
                    }
                }
            }
            try (PreparedStatement p = db.prepareStatement("UPDATE deliveries SET next_attempt_ms = ? WHERE id = ?")) {
                for (Delivery d : out) {
                    p.setLong(1, now + leaseMillis);
                    p.setString(2, d.id());
                    p.addBatch();
                }
                p.executeBatch();
            }
            commit();
            return out;
        } catch (SQLException e) {
            rollback();
            throw new IllegalStateException("cannot read due webhook deliveries from " + file + ": " + e.getMessage(), e);
        }
    }

    /** The earliest next attempt of a pending delivery, or -1 when none is pending. */
    public synchronized long nextDue() {
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT min(next_attempt_ms) FROM deliveries WHERE state = 'PENDING'")) {
            long v = r.getLong(1);
            return r.wasNull() ? -1 : v;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public synchronized void delivered(String id, long now) {
        update("UPDATE deliveries SET state = 'DELIVERED', attempts = attempts + 1, finished_ms = ?, last_error = NULL"
                + " WHERE id = ?", now, id);
    }

    /** Records a failed attempt: retried at {@code nextAttempt}, or DEAD when {@code dead}. */
    public synchronized void failed(String id, String error, long nextAttempt, boolean dead, long now) {
        try (PreparedStatement p = db.prepareStatement("UPDATE deliveries SET attempts = attempts + 1, last_error = ?,"
                + " next_attempt_ms = ?, state = ?, finished_ms = ? WHERE id = ?")) {
            p.setString(1, error.length() > 500 ? error.substring(0, 500) : error);
            p.setLong(2, nextAttempt);
            p.setString(3, dead ? "DEAD" : "PENDING");
            if (dead) {
                p.setLong(4, now);
            } else {
                p.setNull(4, java.sql.Types.INTEGER);
            }
            p.setString(5, id);
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes dead deliveries pending again with fresh attempts, due at {@code now}: all of them, or those whose
     * ids are given.
     *
     * @return how many
     */
    public synchronized int retryDead(List<String> ids, long now) {
        String where = ids.isEmpty() ? "" : " AND id IN (" + String.join(",", ids.stream().map(i -> "?").toList()) + ")";
        try (PreparedStatement p = db.prepareStatement("UPDATE deliveries SET state = 'PENDING', attempts = 0,"
                + " next_attempt_ms = ?, finished_ms = NULL WHERE state = 'DEAD'" + where)) {
            p.setLong(1, now);
            for (int i = 0; i < ids.size(); i++) {
                p.setString(i + 2, ids.get(i));
            }
            return p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update " + file + ": " + e.getMessage(), e);
        }
    }

    /** How many deliveries are in each state (PENDING, DELIVERED, DEAD). */
    public synchronized Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("PENDING", 0L);
        out.put("DELIVERED", 0L);
        out.put("DEAD", 0L);
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT state, count(*) FROM deliveries GROUP BY state")) {
            while (r.next()) {
                out.put(r.getString(1), r.getLong(2));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The deliveries in {@code state}, oldest first, at most {@code limit}. */
    public synchronized List<Delivery> list(String state, int limit) {
        List<Delivery> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT id, event, model, body, created_ms, attempts,"
                + " next_attempt_ms, state, last_error FROM deliveries WHERE state = ? ORDER BY created_ms LIMIT ?")) {
            p.setString(1, state);
            p.setInt(2, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(read(r));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes deliveries delivered before {@code cutoff}; their ids were seen by the receiver. */
    public synchronized int pruneDelivered(long cutoff) {
        return update("DELETE FROM deliveries WHERE state = 'DELIVERED' AND finished_ms < ?", cutoff, null);
    }

    private int update(String sql, long value, String id) {
        try (PreparedStatement p = db.prepareStatement(sql)) {
            p.setLong(1, value);
            if (id != null) {
                p.setString(2, id);
            }
            return p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update " + file + ": " + e.getMessage(), e);
        }
    }

    private static Delivery read(ResultSet r) throws SQLException {
        return new Delivery(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5), r.getInt(6),
                r.getLong(7), r.getString(8), r.getString(9));
    }

    // Explicit statements: BEGIN IMMEDIATE takes the write lock up front, so two processes never deadlock
    // upgrading a read to a write.
    private void begin() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
        }
    }

    private void commit() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("COMMIT");
        }
    }

    private void rollback() {
        try (Statement s = db.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction was open, or the failure being reported matters more
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // nothing is pending: every write committed
        }
    }
}
