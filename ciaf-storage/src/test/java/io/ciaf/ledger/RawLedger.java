package io.ciaf.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Direct JDBC access to a ledger file, the way an attacker or a careless admin would touch it, plus an
 * entry-hash implementation written from FORMATS.md independently of the production code.
 */
final class RawLedger implements AutoCloseable {

    final Connection c;

    RawLedger(Path home) throws SQLException {
        c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve(AuditLedger.LEDGER_FILE));
    }

    /** Runs {@code verify()} on the ledger of {@code home}, which must report tampering, and returns the report. */
    static LedgerTamperedException verifyFails(Path home) {
        try (AuditLedger ledger = AuditLedger.open(home)) {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(ledger::verify);
            org.assertj.core.api.Assertions.assertThat(t).isInstanceOf(LedgerTamperedException.class);
            return (LedgerTamperedException) t;
        }
    }

    /** Removes the write-once triggers, as someone with file access could. */
    RawLedger dropTriggers() throws SQLException {
        for (String t : new String[] {"entries", "checkpoints", "verifications", "erased", "payloads"}) {
            exec("DROP TRIGGER IF EXISTS " + t + "_no_update");
            exec("DROP TRIGGER IF EXISTS " + t + "_no_delete");
        }
        exec("DROP TRIGGER IF EXISTS payloads_delete_only_erased");
        exec("DROP TRIGGER IF EXISTS erased_names_erasure");
        return this;
    }

    /** Puts back as many write-once triggers as CIAF creates, which is all an attacker needs to look intact. */
    RawLedger recreateTriggers() throws SQLException {
        for (String t : new String[] {"entries", "checkpoints", "verifications", "erased"}) {
            exec("CREATE TRIGGER " + t + "_no_update BEFORE UPDATE ON " + t
                    + " BEGIN SELECT RAISE(ABORT, 'the audit ledger is write-once'); END");
            exec("CREATE TRIGGER " + t + "_no_delete BEFORE DELETE ON " + t
                    + " BEGIN SELECT RAISE(ABORT, 'the audit ledger is write-once'); END");
        }
        exec("CREATE TRIGGER payloads_no_update BEFORE UPDATE ON payloads"
                + " BEGIN SELECT RAISE(ABORT, 'the audit ledger is write-once'); END");
        exec("CREATE TRIGGER payloads_delete_only_erased BEFORE DELETE ON payloads"
                + " BEGIN SELECT RAISE(ABORT, 'the audit ledger is write-once'); END");
        exec("CREATE TRIGGER erased_names_erasure BEFORE INSERT ON erased"
                + " BEGIN SELECT RAISE(ABORT, 'the audit ledger is write-once'); END");
        return this;
    }

    void exec(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.execute();
        }
    }

    /** A column of the entry at {@code position}; {@code payload} is read from the payloads table. */
    byte[] bytes(String column, long position) throws SQLException {
        String table = column.equals("payload") ? "payloads" : "entries";
        try (PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE position=?")) {
            s.setLong(1, position);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    long number(String column, long position) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM entries WHERE position=?")) {
            s.setLong(1, position);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    long count() throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM entries")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    /** entry_hash exactly as FORMATS.md writes it. */
    static byte[] entryHash(byte[] prev, long position, long timestamp, String type, byte[] payloadHash)
            throws Exception {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(32 + 8 + 8 + 1 + t.length + 32);
        b.put(prev).putLong(position).putLong(timestamp).put((byte) t.length).put(t).put(payloadHash);
        return sha256(b.array());
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }
}
