package io.ciaf.anchor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.ciaf.api.internal.CanonicalJson;

/**
 * A commitment to one value, as an inference receipt holds it: its kind, the hex digest, the id of the salt
 * or key in the {@link CommitmentKeys} store that opens it (not for PLAINTEXT), and for PLAINTEXT the value's
 * canonical JSON. Open one with {@link CommitmentKeys#opens}.
 */
public final class Commitment {

    private final CommitmentKind kind;
    private final String digest;
    private final String keyId;
    private final String plaintext;

    Commitment(CommitmentKind kind, String digest, String keyId, String plaintext) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.digest = Objects.requireNonNull(digest, "digest");
        this.keyId = keyId;
        this.plaintext = plaintext;
    }

    public CommitmentKind kind() {
        return kind;
    }

    /** Lower-case hex SHA-256 (PLAINTEXT, SALTED) or HMAC-SHA256 (HMAC_SHA256). */
    public String digest() {
        return digest;
    }

    /** The id of the salt or key that opens this commitment; null for PLAINTEXT. */
    public String keyId() {
        return keyId;
    }

    /** The committed value's canonical JSON, for PLAINTEXT only; null otherwise. */
    public String plaintext() {
        return plaintext;
    }

    /** The receipt's JSON form: {@code kind}, {@code digest}, and {@code key_id} or {@code value}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.name());
        m.put("digest", digest);
        if (keyId != null) {
            m.put("key_id", keyId);
        }
        if (plaintext != null) {
            m.put("value", plaintext);
        }
        return m;
    }

    /** The canonical JSON of {@link #toMap}, written directly: receipts are made for every inference. */
    String canonicalJson() {
        StringBuilder out = new StringBuilder(64 + digest.length() + (keyId == null ? 0 : keyId.length())
                + (plaintext == null ? 0 : 12 + plaintext.length()));
        out.append("{\"digest\":");
        CanonicalJson.writeString(digest, out);
        if (keyId != null) {
            out.append(",\"key_id\":");
            CanonicalJson.writeString(keyId, out);
        }
        out.append(",\"kind\":\"").append(kind.name()).append('"');
        if (plaintext != null) {
            out.append(",\"value\":");
            CanonicalJson.writeString(plaintext, out);
        }
        return out.append('}').toString();
    }

    /**
     * Reads the form {@link #toMap} writes.
     *
     * @throws IllegalArgumentException naming the missing or bad member
     */
    public static Commitment fromMap(Map<?, ?> m) {
        Object kind = m.get("kind");
        Object digest = m.get("digest");
        if (!(kind instanceof String) || !(digest instanceof String)) {
            throw new IllegalArgumentException("a commitment needs string members 'kind' and 'digest'; got " + m);
        }
        CommitmentKind k;
        try {
            k = CommitmentKind.valueOf((String) kind);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown commitment kind '" + kind + "'; known: PLAINTEXT, SALTED,"
                    + " HMAC_SHA256");
        }
        Object keyId = m.get("key_id");
        Object value = m.get("value");
        if (k != CommitmentKind.PLAINTEXT && !(keyId instanceof String)) {
            throw new IllegalArgumentException("a " + k + " commitment needs a 'key_id'");
        }
        if (k == CommitmentKind.PLAINTEXT && !(value instanceof String)) {
            throw new IllegalArgumentException("a PLAINTEXT commitment needs its 'value'");
        }
        return new Commitment(k, (String) digest, (String) keyId, (String) value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Commitment c && kind == c.kind && digest.equals(c.digest) && Objects.equals(keyId, c.keyId)
                && Objects.equals(plaintext, c.plaintext);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, digest, keyId);
    }

    @Override
    public String toString() {
        return kind + ":" + digest;
    }
}
