package io.ciaf.anchor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.JsonValues;
import io.ciaf.storage.internal.SqlitePragmas;

/**
 * The salts and HMAC keys that open commitments, kept apart from the ledger in {@code commitment-keys.db}
 * (mode 0600) in the CIAF home. Whoever holds this file can open the commitments made with it; erasing a salt
 * or key ({@link #erase}) makes its commitments unopenable for good while the receipts that hold them still
 * verify. Deleted secrets are overwritten in the file ({@code secure_delete}) and the write-ahead log is
 * emptied, so no copy stays behind in it. Thread-safe.
 */
public final class CommitmentKeys implements AutoCloseable {

    public static final String FILE = "commitment-keys.db";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final int SECRET_BYTES = 32;

    /** What checking a value against a commitment found. */
    public enum Opening {
        /** The value is the committed one. */
        MATCHES,
        /** The value is not the committed one (or the commitment was altered). */
        DOES_NOT_MATCH,
        /** The salt or key was erased (or never was in this store): nobody can tell any more. */
        UNOPENABLE
    }

    private final Path file;
    private final Connection connection;
    private final SecureRandom random = new SecureRandom();
    /** HMAC keys in use, so that committing to many values does not read the same key each time. */
    private final java.util.Map<String, byte[]> hmacKeys = new java.util.HashMap<>();
    /** One initialised Mac per key in use: looking up the provider and keying it cost more than the HMAC. */
    private final java.util.Map<String, Mac> macs = new java.util.HashMap<>();

    private CommitmentKeys(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens (creating with mode 0600 if missing) the key store of a CIAF home.
     *
     * @throws IllegalStateException if the file is readable by others than its owner, or cannot be opened
     */
    public static CommitmentKeys open(Path home) {
        Path file = home.resolve(FILE);
        try {
            Files.createDirectories(home);
            PosixFileAttributeView view = Files.getFileAttributeView(home, PosixFileAttributeView.class);
            if (!Files.exists(file)) {
                if (view != null) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } else {
                    Files.createFile(file);
                }
            } else if (view != null) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (!OWNER_ONLY.containsAll(perms)) {
                    throw new IllegalStateException(file + " holds commitment secrets but others can read it ("
                            + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the commitment key store " + file + ": " + e.getMessage(),
                    e);
        }
        Connection c = SqlitePragmas.openDurable(file, "the commitment key store");
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA secure_delete=ON");
            s.execute("CREATE TABLE IF NOT EXISTS secrets (id TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL,"
                    + " secret BLOB NOT NULL, created INTEGER NOT NULL)");
            return new CommitmentKeys(file, c);
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the first failure is the one to report
            }
            throw new IllegalStateException("cannot open the commitment key store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Commits to {@code value} (any JSON-compatible value; its canonical JSON bytes are committed).
     *
     * @param hmacKeyId for HMAC_SHA256, the key to use, created on first use (e.g. {@code hmac:credit-model});
     *     ignored otherwise
     * @throws IllegalArgumentException if the value is not JSON-compatible, or HMAC_SHA256 has no key id
     */
    public synchronized Commitment commit(CommitmentKind kind, Object value, String hmacKeyId) {
        byte[] bytes = canonical(value);
        switch (kind) {
            case PLAINTEXT:
                return new Commitment(kind, CanonicalJson.hex(CanonicalJson.sha256(bytes)), null,
                        new String(bytes, StandardCharsets.UTF_8));
            case SALTED: {
                byte[] salt = new byte[SECRET_BYTES];
                random.nextBytes(salt);
                String id = "salt:" + UUID.randomUUID();
                store(id, kind, salt);
                return new Commitment(kind, CanonicalJson.hex(salted(salt, bytes)), id, null);
            }
            case HMAC_SHA256: {
                if (hmacKeyId == null || hmacKeyId.isBlank()) {
                    throw new IllegalArgumentException("an HMAC_SHA256 commitment needs a key id, e.g. 'hmac:<model>'");
                }
                byte[] key = hmacKeys.get(hmacKeyId);
                if (key == null) {
                    key = secret(hmacKeyId);
                }
                if (key == null) {
                    key = new byte[SECRET_BYTES];
                    random.nextBytes(key);
                    store(hmacKeyId, kind, key);
                }
                hmacKeys.put(hmacKeyId, key);
                Mac mac = macs.get(hmacKeyId);
                if (mac == null) {
                    mac = mac(key);
                    macs.put(hmacKeyId, mac);
                }
                return new Commitment(kind, CanonicalJson.hex(mac.doFinal(bytes)), hmacKeyId, null);
            }
            default:
                throw new IllegalArgumentException("unknown commitment kind " + kind);
        }
    }

    /** Checks {@code value} against {@code commitment}, comparing digests in constant time. */
    public synchronized Opening opens(Commitment commitment, Object value) {
        byte[] bytes = canonical(value);
        byte[] expected;
        switch (commitment.kind()) {
            case PLAINTEXT:
                expected = CanonicalJson.sha256(bytes);
                if (!MessageDigest.isEqual(bytes, commitment.plaintext().getBytes(StandardCharsets.UTF_8))) {
                    return Opening.DOES_NOT_MATCH;
                }
                break;
            case SALTED: {
                byte[] salt = secret(commitment.keyId());
                if (salt == null) {
                    return Opening.UNOPENABLE;
                }
                expected = salted(salt, bytes);
                break;
            }
            default: {
                byte[] key = secret(commitment.keyId());
                if (key == null) {
                    return Opening.UNOPENABLE;
                }
                expected = hmac(key, bytes);
            }
        }
        byte[] stored = CanonicalJson.hex(expected).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(stored, commitment.digest().getBytes(StandardCharsets.US_ASCII))
                ? Opening.MATCHES : Opening.DOES_NOT_MATCH;
    }

    /** Whether the salt or key {@code keyId} is still here. */
    public synchronized boolean holds(String keyId) {
        return secret(keyId) != null;
    }

    /**
     * Erases a salt or key for good: its commitments can no longer be opened by anyone.
     *
     * @return whether it was here
     */
    public synchronized boolean erase(String keyId) {
        hmacKeys.remove(keyId);
        macs.remove(keyId);
        try (PreparedStatement s = connection.prepareStatement("DELETE FROM secrets WHERE id=?")) {
            s.setString(1, keyId);
            boolean removed = s.executeUpdate() > 0;
            try (Statement t = connection.createStatement()) {
                t.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            return removed;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot erase " + keyId + " from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} (commitments) in one transaction, so that many new salts cost one fsync; they are all
     * durable, or none is, when this returns.
     */
    public synchronized <T> T inTransaction(java.util.function.Supplier<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.get();
                connection.commit();
                return result;
            } catch (RuntimeException e) {
                connection.rollback();
                hmacKeys.clear();
                macs.clear();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            hmacKeys.clear();
            macs.clear();
            throw new IllegalStateException("cannot commit secrets to " + file + ": " + e.getMessage(), e);
        }
    }

    private void store(String id, CommitmentKind kind, byte[] secret) {
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO secrets (id, kind, secret, created) VALUES (?,?,?,?)")) {
            s.setString(1, id);
            s.setString(2, kind.name());
            s.setBytes(3, secret);
            s.setLong(4, System.currentTimeMillis());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store " + id + " in " + file + ": " + e.getMessage(), e);
        }
    }

    private byte[] secret(String id) {
        try (PreparedStatement s = connection.prepareStatement("SELECT secret FROM secrets WHERE id=?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static byte[] canonical(Object value) {
        return CanonicalJson.write(JsonValues.normalize(value, "value")).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] salted(byte[] salt, byte[] bytes) {
        byte[] all = new byte[salt.length + bytes.length];
        System.arraycopy(salt, 0, all, 0, salt.length);
        System.arraycopy(bytes, 0, all, salt.length, bytes.length);
        return CanonicalJson.sha256(all);
    }

    private static byte[] hmac(byte[] key, byte[] bytes) {
        return mac(key).doFinal(bytes);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform must provide HmacSHA256", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
