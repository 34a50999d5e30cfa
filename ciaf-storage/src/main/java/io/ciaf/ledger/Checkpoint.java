package io.ciaf.ledger;

import java.util.Base64;

/**
 * A signed checkpoint: the C2SP {@code tlog-checkpoint} body ({@code origin}, tree size, base64 root) in a
 * C2SP signed note with the ledger's Ed25519 key. Only obtained by signing or by verifying a note, so every
 * instance carries a signature that verified. Immutable.
 */
public final class Checkpoint {

    private final String origin;
    private final long size;
    private final byte[] root;
    private final String signedNote;

    private Checkpoint(String origin, long size, byte[] root, String signedNote) {
        this.origin = origin;
        this.size = size;
        this.root = root;
        this.signedNote = signedNote;
    }

    static String body(String origin, long size, byte[] root) {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
    }

    static Checkpoint sign(SigningKey key, long size, byte[] root) {
        String note = key.sign(body(key.name(), size, root));
        return new Checkpoint(key.name(), size, root.clone(), note);
    }

    /**
     * Verifies a signed checkpoint note with {@code key} and parses it.
     *
     * @throws VerificationException if the signature does not verify, or the body is not a checkpoint of
     *     the key's origin
     */
    public static Checkpoint verify(String signedNote, VerifierKey key) {
        String text = key.verify(signedNote);
        String[] lines = text.split("\n", -1);
        if (lines.length < 4) {
            throw new VerificationException("checkpoint body must have origin, size and root lines");
        }
        if (!lines[0].equals(key.name())) {
            throw new VerificationException("checkpoint origin '" + lines[0] + "' is not the key's origin '"
                    + key.name() + "'");
        }
        long size;
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new VerificationException("checkpoint tree size '" + lines[1] + "' is not a decimal number");
        }
        size = Long.parseLong(lines[1]);
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new VerificationException("checkpoint root is not base64");
        }
        if (root.length != Merkle.HASH_LENGTH) {
            throw new VerificationException("checkpoint root must be 32 bytes, not " + root.length);
        }
        return new Checkpoint(lines[0], size, root, signedNote);
    }

    /** The log's origin line (equals the signing key's name). */
    public String origin() {
        return origin;
    }

    /** The tree size: the checkpoint covers positions 0 … size − 1. */
    public long size() {
        return size;
    }

    /** The RFC 6962 root of the tree of that size. */
    public byte[] root() {
        return root.clone();
    }

    /** The root in standard base64, as in the note. */
    public String rootBase64() {
        return Base64.getEncoder().encodeToString(root);
    }

    /** The whole signed note, as kept in {@code checkpoints/<size>.note}. */
    public String signedNote() {
        return signedNote;
    }

    @Override
    public String toString() {
        return "checkpoint " + origin + " size " + size + " root " + rootBase64();
    }
}
