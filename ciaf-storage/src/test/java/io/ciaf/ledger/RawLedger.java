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

    /** Removes the write-once triggers, as someone with file access could. */
    RawLedger dropTriggers() throws SQLException {
        for (String t : new String[] {"entries", "checkpoints", "verifications"}) {
            exec("DROP TRIGGER IF EXISTS " + t + "_no_update");
            exec("DROP TRIGGER IF EXISTS " + t + "_no_delete");
        }
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

    byte[] bytes(String column, long position) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM entries WHERE position=?")) {
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
