package io.ciaf.ledger;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** C2SP signed-note text rules: parsing, key names, key encodings. */
final class Notes {

    /** An em dash and a space start every signature line. */
    static final String SIGNATURE_PREFIX = "\u2014 ";

    private static final int MAX_SIGNATURES = 100;

    private Notes() {
    }

    record Signature(String name, int keyId, byte[] signature) {
    }

    record Parsed(String text, List<Signature> signatures) {
        List<String> signatureNames() {
            return signatures.stream().map(Signature::name).toList();
        }
    }

    static String requireKeyName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a key name (the ledger origin) must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == '+' || c > '~') {
                throw new IllegalArgumentException("key name (origin) '" + name + "' may hold printable ASCII only,"
                        + " without spaces or '+' (character " + (i + 1) + " is not allowed)");
            }
        }
        return name;
    }

    static byte[] decodeKey(String base64, String what) {
        byte[] typed;
        try {
            typed = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": key material is not valid base64");
        }
        if (typed.length != 33 || typed[0] != VerifierKey.ED25519) {
            throw new IllegalArgumentException(what + ": only Ed25519 keys (type 0x01, 32 bytes) are supported");
        }
        byte[] key = new byte[32];
        System.arraycopy(typed, 1, key, 0, 32);
        return key;
    }

    static void requireText(String text) {
        if (text.isEmpty() || !text.endsWith("\n")) {
            throw new IllegalArgumentException("note text must end with a newline");
        }
        if (text.contains("\n\n")) {
            throw new IllegalArgumentException("note text must not contain a blank line");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' && c != '\n' || c == 0x7F) {
                throw new IllegalArgumentException("note text must not contain control character U+"
                        + String.format("%04X", (int) c));
            }
        }
    }

    /** Splits a signed note into its text and signature lines; throws VerificationException if malformed. */
    static Parsed parse(String note) {
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new VerificationException("malformed signed note: no blank line before the signatures");
        }
        String text = note.substring(0, split + 1);
        try {
            requireText(text);
        } catch (IllegalArgumentException e) {
            throw new VerificationException("malformed signed note: " + e.getMessage());
        }
        String block = note.substring(split + 2);
        if (block.isEmpty() || !block.endsWith("\n")) {
            throw new VerificationException("malformed signed note: signature lines must end with a newline");
        }
        List<Signature> signatures = new ArrayList<>();
        for (String line : block.substring(0, block.length() - 1).split("\n", -1)) {
            if (signatures.size() == MAX_SIGNATURES) {
                throw new VerificationException("malformed signed note: more than " + MAX_SIGNATURES + " signatures");
            }
            signatures.add(parseSignature(line));
        }
        return new Parsed(text, signatures);
    }

    private static Signature parseSignature(String line) {
        if (!line.startsWith(SIGNATURE_PREFIX)) {
            throw new VerificationException("malformed signed note: signature line does not start with an em dash: '"
                    + line + "'");
        }
        String rest = line.substring(SIGNATURE_PREFIX.length());
        int space = rest.indexOf(' ');
        if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
            throw new VerificationException("malformed signed note: signature line is not '— <name> <base64>'");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(rest.substring(space + 1));
        } catch (IllegalArgumentException e) {
            throw new VerificationException("malformed signed note: signature is not valid base64");
        }
        if (raw.length < 5) {
            throw new VerificationException("malformed signed note: signature is too short");
        }
        int id = ((raw[0] & 0xFF) << 24) | ((raw[1] & 0xFF) << 16) | ((raw[2] & 0xFF) << 8) | (raw[3] & 0xFF);
        byte[] sig = new byte[raw.length - 4];
        System.arraycopy(raw, 4, sig, 0, sig.length);
        return new Signature(rest.substring(0, space), id, sig);
    }
}
