package io.ciaf.ledger;

import java.util.Base64;

/**
 * Where an entry was committed: its position, timestamp and entry hash. For an append whose idempotency
 * key was already in the ledger this is the original entry's receipt and {@link #alreadyCommitted()} is
 * true: the caller can show where its request was committed. Immutable.
 */
public final class AppendReceipt {

    private final long position;
    private final long timestamp;
    private final byte[] entryHash;
    private final boolean alreadyCommitted;

    AppendReceipt(long position, long timestamp, byte[] entryHash, boolean alreadyCommitted) {
        this.position = position;
        this.timestamp = timestamp;
        this.entryHash = entryHash.clone();
        this.alreadyCommitted = alreadyCommitted;
    }

    public long position() {
        return position;
    }

    /** Nanoseconds since the Unix epoch. */
    public long timestamp() {
        return timestamp;
    }

    public byte[] entryHash() {
        return entryHash.clone();
    }

    /** True when this append added nothing because its idempotency key was already committed. */
    public boolean alreadyCommitted() {
        return alreadyCommitted;
    }

    @Override
    public String toString() {
        return "position " + position + ", timestamp " + timestamp + ", entry_hash "
                + Base64.getEncoder().encodeToString(entryHash) + (alreadyCommitted ? " (already committed)" : "");
    }
}
