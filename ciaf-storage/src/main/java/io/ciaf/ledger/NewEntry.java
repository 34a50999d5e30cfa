package io.ciaf.ledger;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.ciaf.api.InvalidMetadataException;
import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.JsonValues;
import io.ciaf.storage.internal.RecordJson;

/**
 * An entry ready to be appended: its type and its payload as the exact bytes the ledger will store
 * (canonical JSON, keys sorted, with a fresh random {@code nonce}) and their SHA-256. The expensive part of
 * an append (JSON, nonce, hashing the payload) happens here, in the caller's thread, so that many threads
 * can prepare entries while one commits them. Immutable and thread-safe.
 */
public final class NewEntry {

    /** The payload field holding the idempotency key. */
    public static final String IDEMPOTENCY_KEY = "idempotency_key";
    /** The payload field the ledger adds: 16 random bytes, base64, so an erased payload's hash reveals nothing. */
    public static final String NONCE = "nonce";

    static final Pattern TYPE = Pattern.compile("[A-Z_]{1,32}");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Each thread takes nonces from its own 4 KiB of SecureRandom output: one system call per 256 nonces. */
    private static final ThreadLocal<NonceSource> NONCES = ThreadLocal.withInitial(NonceSource::new);

    private static final class NonceSource {
        private final byte[] buffer = new byte[4096];
        private int next = buffer.length;

        String nextNonce() {
            if (next == buffer.length) {
                RANDOM.nextBytes(buffer);
                next = 0;
            }
            String nonce = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(buffer, next, next + 16));
            java.util.Arrays.fill(buffer, next, next + 16, (byte) 0); // a nonce handed out is not kept
            next += 16;
            return nonce;
        }
    }
    private static final int MAX_KEY_LENGTH = 512;

    final String type;
    final byte[] payload;
    final byte[] payloadHash;
    final String idempotencyKey;

    private NewEntry(String type, byte[] payload, String idempotencyKey) {
        this.type = type;
        this.payload = payload;
        this.payloadHash = Merkle.sha256().digest(payload);
        this.idempotencyKey = idempotencyKey;
    }

    /**
     * Prepares an entry. {@code idempotencyKey} may be null; when given it is also stored in the payload as
     * {@code idempotency_key}, and a payload that already holds that field supplies the key.
     *
     * @throws IllegalArgumentException if the type is not 1–32 characters of {@code [A-Z_]}, the payload
     *     holds {@code nonce} (the ledger adds it), or the key and the payload's {@code idempotency_key} differ
     * @throws InvalidMetadataException naming the path of a value that is not JSON
     */
    public static NewEntry of(String type, Map<String, ?> payload, String idempotencyKey) {
        requireType(type);
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null; use an empty map for no fields");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> normalized = (Map<String, Object>) JsonValues.normalize(payload, "payload");
        if (normalized.containsKey(NONCE)) {
            throw new IllegalArgumentException("payload field 'nonce' is reserved: the ledger adds a random nonce"
                    + " to every payload; rename the field");
        }
        Object stored = normalized.get(IDEMPOTENCY_KEY);
        String key = idempotencyKey;
        if (stored != null && !(stored instanceof String)) {
            throw new IllegalArgumentException("payload field 'idempotency_key' must be a string, not " + stored);
        }
        if (key == null) {
            key = (String) stored;
        } else if (stored != null && !stored.equals(key)) {
            throw new IllegalArgumentException("idempotency key '" + key + "' differs from the payload's"
                    + " idempotency_key '" + stored + "'");
        }
        if (key != null) {
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("an idempotency key must be 1 to " + MAX_KEY_LENGTH
                        + " characters long");
            }
            if (stored == null) {
                normalized = new LinkedHashMap<>(normalized);
                normalized.put(IDEMPOTENCY_KEY, key);
            }
        }
        StringBuilder json = new StringBuilder(64 + normalized.size() * 24);
        CanonicalJson.writeObject(normalized, NONCE, NONCES.get().nextNonce(), json);
        return new NewEntry(type, CanonicalJson.utf8(json), key);
    }

    /**
     * Prepares an entry from one JSON object in text form; its {@code idempotency_key} field, when present,
     * is the idempotency key. Duplicate keys in the text are an error.
     *
     * @throws IllegalArgumentException if the text is not one JSON object, or as for {@link #of}
     */
    public static NewEntry ofJson(String type, String jsonObject) {
        Object parsed;
        try {
            parsed = RecordJson.MAPPER.readValue(jsonObject, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage() + " (column "
                    + e.getLocation().getColumnNr() + ")");
        }
        if (!(parsed instanceof Map)) {
            throw new IllegalArgumentException("expected one JSON object per line, found "
                    + (parsed == null ? "null" : parsed instanceof String ? "a string" : parsed instanceof Iterable
                            ? "an array" : "a " + parsed.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) parsed;
        return of(type, map, null);
    }

    /**
     * Prepares an entry from members whose values are already canonical JSON text (as
     * {@code CanonicalJson.write} produces): the fast path for CIAF's own capture pipeline, which has the
     * canonical form of a record's metadata at hand and need not build it twice. The ledger sorts the members,
     * adds the nonce and, when {@code idempotencyKey} is given, the {@code idempotency_key} member. A
     * {@code TreeMap} in natural order is filled in place rather than copied.
     *
     * @throws IllegalArgumentException if the type is invalid or a member is named {@code nonce} or
     *     {@code idempotency_key}
     */
    public static NewEntry ofCanonicalMembers(String type, Map<String, String> members, String idempotencyKey) {
        requireType(type);
        // A TreeMap in natural order is used as it is (the pipeline builds one); anything else is sorted.
        java.util.TreeMap<String, String> sorted = members instanceof java.util.TreeMap<String, String> t
                && t.comparator() == null ? t : new java.util.TreeMap<>(members);
        if (sorted.containsKey(NONCE) || sorted.containsKey(IDEMPOTENCY_KEY)) {
            throw new IllegalArgumentException("members 'nonce' and 'idempotency_key' are added by the ledger");
        }
        if (idempotencyKey != null) {
            sorted.put(IDEMPOTENCY_KEY, CanonicalJson.quote(idempotencyKey));
        }
        sorted.put(NONCE, "\"" + NONCES.get().nextNonce() + "\"");
        StringBuilder json = new StringBuilder(CanonicalJson.membersLength(sorted));
        CanonicalJson.writeMembers(sorted, json);
        return new NewEntry(type, CanonicalJson.utf8(json), idempotencyKey);
    }

    /**
     * Checks an entry type before anything is prepared (e.g. a command's {@code --type}).
     *
     * @throws IllegalArgumentException unless it is 1 to 32 characters {@code [A-Z_]}
     */
    public static String requireType(String type) {
        if (type == null || !validType(type)) {
            throw new IllegalArgumentException("entry type '" + type + "' is not valid: use 1 to 32 characters"
                    + " A-Z or _, e.g. METADATA");
        }
        return type;
    }

    // TYPE spelled out: a regex match for every appended entry was a measurable part of an append.
    private static boolean validType(String type) {
        if (type.isEmpty() || type.length() > 32) {
            return false;
        }
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if ((c < 'A' || c > 'Z') && c != '_') {
                return false;
            }
        }
        return true;
    }

    /** The entry type. */
    public String type() {
        return type;
    }

    /** The idempotency key, or null. */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    /** The exact payload bytes that will be stored (canonical JSON with the nonce). */
    public String payloadJson() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
