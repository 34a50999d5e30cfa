package io.ciaf.ledger;

import java.util.Base64;
import java.util.Optional;

/**
 * The outcome of a verification that passed (a failure throws {@link LedgerTamperedException}). Immutable.
 */
public final class VerificationReport {

    private final long size;
    private final byte[] root;
    private final Checkpoint checkpoint;
    private final long firstChecked;

    VerificationReport(long size, byte[] root, Checkpoint checkpoint, long firstChecked) {
        this.size = size;
        this.root = root.clone();
        this.checkpoint = checkpoint;
        this.firstChecked = firstChecked;
    }

    /** Number of entries in the verified ledger. */
    public long size() {
        return size;
    }

    /** The Merkle root of the whole ledger, recomputed from the entries. */
    public byte[] root() {
        return root.clone();
    }

    public String rootBase64() {
        return Base64.getEncoder().encodeToString(root);
    }

    /** The largest signed checkpoint the tree was found to match, if any checkpoint was sealed yet. */
    public Optional<Checkpoint> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }

    /**
     * The first position whose hashes were recomputed: 0 for a full verification, the size of the trusted
     * checkpoint for one that started there.
     */
    public long firstChecked() {
        return firstChecked;
    }

    /** True when every entry from genesis was recomputed. */
    public boolean full() {
        return firstChecked == 0;
    }

    @Override
    public String toString() {
        return "OK: " + size + " entries, root " + rootBase64()
                + (checkpoint == null ? "" : "; matches checkpoint " + checkpoint.size())
                + (full() ? "" : "; checked from position " + firstChecked);
    }
}
