package io.ciaf.storage.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;

import io.ciaf.api.internal.CpuSlices;

/**
 * Internal, not for public use. The batches of a few insert statements, run every 4 rows rather than all at
 * commit, so that the writing thread can yield the CPU between chunks ({@link CpuSlices}). Statements run in the
 * order given, so a later one may refer to rows of an earlier one (a foreign key).
 */
public final class InsertChunks {

    /** Rows inserted per chunk: about a slice's work ({@link CpuSlices}) for a ledger entry or a backend row. */
    static final int ROWS = 4;

    private final PreparedStatement[] statements;
    private int pending;

    public InsertChunks(PreparedStatement... statements) {
        this.statements = statements.clone();
    }

    /** Counts a row added to the batches; inserts the chunk once it is full, then yields if a slice has passed. */
    public void added() throws SQLException {
        if (++pending == ROWS) {
            flush();
            CpuSlices.pause();
        }
    }

    /** Inserts the rows added since the last chunk. */
    public void flush() throws SQLException {
        pending = 0;
        for (PreparedStatement s : statements) {
            s.executeBatch();
        }
    }

    /** Forgets rows added but not inserted, so that they never go in with a later call. */
    public void discard() {
        pending = 0;
        for (PreparedStatement s : statements) {
            try {
                s.clearBatch();
            } catch (SQLException ignored) {
                // the statement is unusable anyway; the caller rolls its transaction back
            }
        }
    }
}
