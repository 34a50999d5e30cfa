package io.ciaf.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * entry_hash = SHA-256(prev_hash ‖ u64be(position) ‖ u64be(timestamp) ‖ u8(len(type)) ‖ type ‖ payload_hash),
 * as FORMATS.md defines it.
 */
final class EntryHash {

    private EntryHash() {
    }

    static byte[] compute(MessageDigest md, byte[] prevHash, long position, long timestamp, String type,
            byte[] payloadHash) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        byte[] fixed = new byte[17];
        putLong(fixed, 0, position);
        putLong(fixed, 8, timestamp);
        fixed[16] = (byte) typeBytes.length;
        md.reset();
        md.update(prevHash);
        md.update(fixed);
        md.update(typeBytes);
        return md.digest(payloadHash);
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}
