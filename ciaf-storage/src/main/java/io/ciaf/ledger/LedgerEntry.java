package io.ciaf.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import io.ciaf.api.internal.CanonicalJson;

/** One stored ledger entry, as read. Immutable. */
public final class LedgerEntry {

    private final long position;
    private final long timestamp;
    private final String type;
    private final byte[] payload;
    private final byte[] payloadHash;
    private final byte[] prevHash;
    private final byte[] entryHash;

    LedgerEntry(long position, long timestamp, String type, byte[] payload, byte[] payloadHash, byte[] prevHash,
            byte[] entryHash) {
        this.position = position;
        this.timestamp = timestamp;
        this.type = type;
        this.payload = payload;
        this.payloadHash = payloadHash;
        this.prevHash = prevHash;
        this.entryHash = entryHash;
    }

    public long position() {
        return position;
    }

    /** Nanoseconds since the Unix epoch. */
    public long timestamp() {
        return timestamp;
    }

    public String type() {
        return type;
    }

    /** The stored payload text, or empty if it was erased. */
    public Optional<String> payload() {
        return payload == null ? Optional.empty() : Optional.of(new String(payload, StandardCharsets.UTF_8));
    }

    /**
     * The payload's members, parsed; empty when the payload was erased or is not a JSON object (which
     * {@link AuditLedger#verify} reports as tampering).
     */
    public java.util.Map<String, Object> payloadFields() {
        if (payload == null) {
            return java.util.Map.of();
        }
        try {
            return io.ciaf.storage.internal.RecordJson.MAPPER.readValue(payload,
                    new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>() { });
        } catch (java.io.IOException e) {
            return java.util.Map.of();
        }
    }

    /** The stored payload bytes, not copied (package-private readers only), or null if erased. */
    byte[] payloadBytes() {
        return payload;
    }

    public byte[] payloadHash() {
        return payloadHash.clone();
    }

    public byte[] prevHash() {
        return prevHash.clone();
    }

    public byte[] entryHash() {
        return entryHash.clone();
    }

    /** The entry as one line of the JSON Lines export of FORMATS.md (no line terminator). */
    public String toJsonLine() {
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder out = new StringBuilder(160 + (payload == null ? 0 : payload.length * 4 / 3 + 4));
        out.append("{\"position\":").append(position)
                .append(",\"timestamp\":").append(timestamp)
                .append(",\"type\":");
        CanonicalJson.writeString(type, out);
        out.append(",\"payload\":");
        if (payload == null) {
            out.append("null");
        } else {
            out.append('"').append(b64.encodeToString(payload)).append('"');
        }
        out.append(",\"payload_hash\":\"").append(b64.encodeToString(payloadHash))
                .append("\",\"prev_hash\":\"").append(b64.encodeToString(prevHash))
                .append("\",\"entry_hash\":\"").append(b64.encodeToString(entryHash)).append("\"}");
        return out.toString();
    }

    @Override
    public String toString() {
        return toJsonLine();
    }
}
