package io.ciaf.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 note signing key (C2SP {@code PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>}). Opaque:
 * {@link #toString()} never prints the secret, and the only way to get the encoded form out is
 * {@link #writeNew(Path)}, which creates the file with mode 0600. Thread-safe.
 */
public final class SigningKey {

    private static final String PREFIX = "PRIVATE+KEY+";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Ed25519PrivateKeyParameters privateKey;
    private final VerifierKey verifierKey;

    private SigningKey(String name, byte[] seed) {
        this.privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        this.verifierKey = new VerifierKey(name, privateKey.generatePublicKey().getEncoded());
    }

    /** A new random key named {@code name} (the ledger's origin: no spaces, no '+'). */
    public static SigningKey generate(String name) {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return new SigningKey(name, seed);
    }

    /**
     * Parses a signing key in the C2SP note format.
     *
     * @throws IllegalArgumentException naming what is wrong; the message never contains the secret
     */
    public static SigningKey parse(String text) {
        String t = text.strip();
        if (!t.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a signing key starts with PRIVATE+KEY+");
        }
        String[] parts = t.substring(PREFIX.length()).split("\\+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a signing key has the form PRIVATE+KEY+<name>+<key id>+<base64>");
        }
        SigningKey key = new SigningKey(parts[0], Notes.decodeKey(parts[2], "signing key"));
        if (!parts[1].equals(key.verifierKey.keyIdHex())) {
            throw new IllegalArgumentException("signing key '" + parts[0] + "' says key id " + parts[1]
                    + " but its seed gives key id " + key.verifierKey.keyIdHex());
        }
        return key;
    }

    /**
     * Reads a key file, refusing one that other users can read.
     *
     * @throws LedgerException if the file is missing, unreadable, too open, or not a signing key
     */
    public static SigningKey read(Path file) {
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (view != null) {
                Set<PosixFilePermission> perms = view.readAttributes().permissions();
                if (!OWNER_ONLY.containsAll(perms)) {
                    throw new LedgerException("signing key " + file + " is readable or writable by other users (mode "
                            + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file);
                }
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LedgerException("cannot read signing key " + file + ": " + e, e);
        } catch (IllegalArgumentException e) {
            throw new LedgerException("signing key " + file + " is not valid: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the key to a new file with mode 0600 (owner read/write only) and syncs it.
     *
     * @throws LedgerException if the file already exists (a key is never overwritten) or cannot be written
     */
    public void writeNew(Path file) {
        byte[] typed = new byte[33];
        typed[0] = VerifierKey.ED25519;
        privateKey.encode(typed, 1);
        String text = PREFIX + verifierKey.name() + "+" + verifierKey.keyIdHex() + "+"
                + Base64.getEncoder().encodeToString(typed) + "\n";
        try {
            boolean posix = Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix");
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        } catch (FileAlreadyExistsException e) {
            throw new LedgerException("refusing to overwrite the existing signing key " + file
                    + "; a ledger's key is never replaced");
        } catch (IOException e) {
            throw new LedgerException("cannot write signing key " + file + ": " + e, e);
        }
    }

    /** The public half, for auditors. */
    public VerifierKey verifierKey() {
        return verifierKey;
    }

    /** The key name. */
    public String name() {
        return verifierKey.name();
    }

    /**
     * Signs a note: returns {@code text} followed by a blank line and this key's signature line.
     *
     * @throws IllegalArgumentException if {@code text} is not valid note text (must end with a newline, no
     *     blank-line-free control characters)
     */
    public String sign(String text) {
        return text + "\n" + signatureLine(text);
    }

    /** The C2SP signature line for {@code text}, ending with a newline. */
    String signatureLine(String text) {
        Notes.requireText(text);
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        byte[] signature = signer.generateSignature();
        int id = verifierKey.keyId();
        byte[] line = new byte[4 + signature.length];
        line[0] = (byte) (id >>> 24);
        line[1] = (byte) (id >>> 16);
        line[2] = (byte) (id >>> 8);
        line[3] = (byte) id;
        System.arraycopy(signature, 0, line, 4, signature.length);
        return Notes.SIGNATURE_PREFIX + verifierKey.name() + " " + Base64.getEncoder().encodeToString(line) + "\n";
    }

    @Override
    public String toString() {
        return "SigningKey[" + verifierKey.name() + "+" + verifierKey.keyIdHex() + ", secret not shown]";
    }
}
