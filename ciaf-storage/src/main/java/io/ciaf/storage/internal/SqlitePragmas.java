package io.ciaf.storage.internal;

import java.sql.Connection;
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
}
