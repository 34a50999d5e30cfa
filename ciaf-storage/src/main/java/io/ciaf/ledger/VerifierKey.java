package io.ciaf.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A C2SP signed-note verifier key for Ed25519 ({@code <name>+<8 hex key id>+<base64(0x01 ‖ public key)>}).
 * This is what a ledger's owner hands to auditors. Immutable and thread-safe.
 */
public final class VerifierKey {

    static final byte ED25519 = 0x01;

    private final String name;
    private final int keyId;
    private final byte[] publicKey;

    VerifierKey(String name, byte[] publicKey) {
        this.name = Notes.requireKeyName(name);
        this.publicKey = publicKey.clone();
        this.keyId = keyId(name, publicKey);
    }

    /**
     * Parses a verifier key in the C2SP note format.
     *
     * @throws IllegalArgumentException naming what is wrong (field count, key type, key id, length)
     */
    public static VerifierKey parse(String text) {
        String t = text.strip();
        String[] parts = t.split("\\+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a verifier key has the form <name>+<key id>+<base64 key>, not '"
                    + t + "'");
        }
        byte[] key = Notes.decodeKey(parts[2], "verifier key");
        VerifierKey parsed = new VerifierKey(parts[0], key);
        if (!parts[1].equals(parsed.keyIdHex())) {
            throw new IllegalArgumentException("verifier key '" + parts[0] + "' says key id " + parts[1]
                    + " but its public key has key id " + parsed.keyIdHex());
        }
        return parsed;
    }

    static int keyId(String name, byte[] publicKey) {
        MessageDigest md = Merkle.sha256();
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x0A);
        md.update(ED25519);
        byte[] h = md.digest(publicKey);
        return ((h[0] & 0xFF) << 24) | ((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF);
    }

    /** The key name, which for a ledger equals its checkpoint origin. */
    public String name() {
        return name;
    }

    String keyIdHex() {
        return String.format(Locale.ROOT, "%08x", keyId);
    }

    int keyId() {
        return keyId;
    }

    /**
     * Verifies a signed note and returns its text (without the signature block).
     *
     * @throws VerificationException if the note is malformed or carries no valid signature by this key
     */
    public String verify(String signedNote) {
        Notes.Parsed note = Notes.parse(signedNote);
        byte[] message = note.text().getBytes(StandardCharsets.UTF_8);
        boolean sawOurs = false;
        for (Notes.Signature s : note.signatures()) {
            if (!s.name().equals(name) || s.keyId() != keyId) {
                continue;
            }
            sawOurs = true;
            if (s.signature().length == 64 && verifies(message, s.signature())) {
                return note.text();
            }
        }
        throw new VerificationException(sawOurs
                ? "the note's signature by " + name + "+" + keyIdHex() + " does not verify: the note or the"
                        + " signature was changed"
                : "the note has no signature by " + name + "+" + keyIdHex() + " (it is signed by "
                        + note.signatureNames() + ")");
    }

    private boolean verifies(byte[] message, byte[] signature) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /** The key in the C2SP verifier key format. */
    @Override
    public String toString() {
        byte[] typed = new byte[1 + publicKey.length];
        typed[0] = ED25519;
        System.arraycopy(publicKey, 0, typed, 1, publicKey.length);
        return name + "+" + keyIdHex() + "+" + Base64.getEncoder().encodeToString(typed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifierKey && ((VerifierKey) o).name.equals(name)
                && MessageDigest.isEqual(((VerifierKey) o).publicKey, publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(publicKey);
    }
}
