package io.ciaf.anchor;

/**
 * How a value is committed to in an inference receipt. All three bind the receipt to the value's canonical
 * JSON bytes; they differ in who can check it later.
 */
public enum CommitmentKind {
    /** The value itself is in the receipt, with its SHA-256: anyone can read and check it. */
    PLAINTEXT,
    /**
     * SHA-256(salt ‖ value) with a random 32-byte salt per commitment, kept in the {@link CommitmentKeys}
     * store: only the salt's holder can open it; erasing the salt makes it unopenable for good.
     */
    SALTED,
    /**
     * HMAC-SHA256(key, value) with a named key from the {@link CommitmentKeys} store (one per model by
     * default): erasing the key makes every commitment made with it unopenable.
     */
    HMAC_SHA256
}
