package io.ciaf.ledger;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The right edge of the Merkle tree: the hashes of the perfect subtrees that make up a tree of {@code size}
 * leaves, largest first (one per set bit of size), plus the chain tip. Appending a leaf merges equal-sized
 * subtrees; the merged hashes are exactly the subtree hashes the new entry's row stores.
 */
final class Frontier {

    private long size;
    private byte[][] hashes = new byte[64][];
    private int[] levels = new int[64];
    private int count;
    private byte[] tipHash;
    private long tipTimestamp;

    Frontier(long size, byte[] tipHash, long tipTimestamp) {
        this.size = size;
        this.tipHash = tipHash;
        this.tipTimestamp = tipTimestamp;
    }

    /** The tree before genesis: no leaves, a zero chain tip, no timestamp yet. */
    static Frontier empty() {
        return new Frontier(0, new byte[Merkle.HASH_LENGTH], Long.MIN_VALUE);
    }

    /** The frontier of the stored tree of {@code size} leaves, read through {@code nodes}. */
    static Frontier load(Merkle.Nodes nodes, long size, byte[] tipHash, long tipTimestamp) {
        Frontier f = new Frontier(0, tipHash, tipTimestamp);
        long start = 0;
        for (int level = 62; level >= 0; level--) {
            long width = 1L << level;
            if ((size & width) != 0) {
                f.push(level, nodes.node(level, start >> level));
                start += width;
            }
        }
        f.size = size;
        return f;
    }

    Frontier copy() {
        Frontier f = new Frontier(size, tipHash, tipTimestamp);
        f.hashes = hashes.clone();
        f.levels = levels.clone();
        f.count = count;
        return f;
    }

    long size() {
        return size;
    }

    byte[] tipHash() {
        return tipHash;
    }

    long tipTimestamp() {
        return tipTimestamp;
    }

    private void push(int level, byte[] hash) {
        hashes[count] = hash;
        levels[count] = level;
        count++;
    }

    /**
     * Adds the entry that becomes leaf {@code size}. Returns the hashes of the subtrees it completes, lowest
     * level first (level 1, 2, …), concatenated, or null when it completes none (even positions).
     */
    byte[] append(MessageDigest md, byte[] entryHash, long timestamp) {
        byte[] completed = appendLeafHash(md, Merkle.leafHash(md, entryHash));
        tipHash = entryHash;
        tipTimestamp = timestamp;
        return completed;
    }

    /** {@link #append} for a tree that is not a chain: takes the leaf hash, returns the completed subtrees. */
    byte[] appendLeafHash(MessageDigest md, byte[] leafHash) {
        byte[] h = leafHash;
        int merges = Long.numberOfTrailingZeros(~size);
        byte[] completed = merges == 0 ? null : new byte[merges * Merkle.HASH_LENGTH];
        int level = 0;
        for (int i = 0; i < merges; i++) {
            count--;
            h = Merkle.nodeHash(md, hashes[count], h);
            System.arraycopy(h, 0, completed, i * Merkle.HASH_LENGTH, Merkle.HASH_LENGTH);
            level++;
        }
        push(level, h);
        size++;
        return completed;
    }

    /** The RFC 6962 root of the tree of {@link #size()} leaves. */
    byte[] root(MessageDigest md) {
        if (count == 0) {
            md.reset();
            return md.digest();
        }
        byte[] r = hashes[count - 1];
        for (int i = count - 2; i >= 0; i--) {
            r = Merkle.nodeHash(md, hashes[i], r);
        }
        return r;
    }

    @Override
    public String toString() {
        return "Frontier[size=" + size + ", levels=" + Arrays.toString(Arrays.copyOf(levels, count)) + "]";
    }
}
