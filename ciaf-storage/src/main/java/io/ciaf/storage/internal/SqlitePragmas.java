package io.ciaf.storage.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Function;

/**
 * Internal, not for public use. Sets a PRAGMA and reads it back: SQLite silently ignores some PRAGMAs (a
 * read-only or network file system may refuse WAL), and CIAF's durability depends on them.
 */
public final class SqlitePragmas {

    private SqlitePragmas() {
    }

    /**
     * Sets {@code PRAGMA pragma=value} and checks that it reads back as {@code expected}.
     *
     * @param refused turns the value SQLite reports instead into the exception to throw
     */
    public static void require(Connection c, String pragma, String value, String expected,
            Function<String, RuntimeException> refused) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA " + pragma + "=" + value);
            try (ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
                String actual = rs.next() ? rs.getString(1) : null;
                if (!expected.equalsIgnoreCase(actual)) {
                    throw refused.apply(actual);
                }
            }
        }
    }

    /**
     * Opens a small SQLite store of a CIAF home (the webhook outbox, the commitment key store) with a busy
     * timeout, WAL and synchronous=FULL, the last two read back.
     *
     * @param what names the store in errors, e.g. {@code "the webhook outbox"}
     * @throws IllegalStateException naming the file when it cannot be opened or a PRAGMA is refused
     */
    public static Connection openDurable(Path file, String what) {
        Connection c;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open " + what + " " + file + ": " + e.getMessage(), e);
        }
        try {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
            }
            require(c, "journal_mode", "WAL", "wal", actual -> new IllegalStateException(what + " " + file
                    + " cannot use WAL journaling (SQLite reports " + actual + "); put the CIAF home on a local disk"));
            require(c, "synchronous", "FULL", "2", actual -> new IllegalStateException(what + " " + file
                    + " refused synchronous=FULL (SQLite reports " + actual + ")"));
            return c;
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the first failure is the one to report
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("cannot open " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
