package io.ciaf.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 §2.1 Merkle tree hashing and proof construction. The leaf data of entry i is its
 * entry hash; the tree itself is read through {@link Nodes}, so proofs over the stored ledger and over an
 * in-memory test tree are built by the same code.
 */
final class Merkle {

    static final int HASH_LENGTH = 32;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Merkle::newSha256);

    private Merkle() {
    }

    /**
     * Hashes of perfect, aligned subtrees: level 0 is the leaf hash of entry {@code index}; level k covers
     * leaves {@code [index << k, (index + 1) << k)}.
     */
    interface Nodes {
        byte[] node(int level, long index);
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    static MessageDigest sha256() {
        MessageDigest md = SHA256.get();
        md.reset();
        return md;
    }

    static byte[] emptyRoot() {
        return sha256().digest();
    }

    static byte[] leafHash(byte[] leafData) {
        return leafHash(sha256(), leafData);
    }

    static byte[] leafHash(MessageDigest md, byte[] leafData) {
        md.update((byte) 0x00);
        return md.digest(leafData);
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
        return nodeHash(sha256(), left, right);
    }

    static byte[] nodeHash(MessageDigest md, byte[] left, byte[] right) {
        md.update((byte) 0x01);
        md.update(left);
        return md.digest(right);
    }

    /** The largest power of two strictly less than {@code n} (n ≥ 2): RFC 6962's split point k. */
    static long splitPoint(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** MTH(D[start:end]) for a range the RFC recursion produces (its left edge aligned to its size's split). */
    static byte[] rangeHash(Nodes nodes, long start, long end) {
        long n = end - start;
        if (Long.bitCount(n) == 1 && start % n == 0) {
            return nodes.node(Long.numberOfTrailingZeros(n), start / n);
        }
        long k = splitPoint(n);
        return nodeHash(rangeHash(nodes, start, start + k), rangeHash(nodes, start + k, end));
    }

    /** Root of the tree of size {@code size} (the empty-tree hash for 0). */
    static byte[] root(Nodes nodes, long size) {
        return size == 0 ? emptyRoot() : rangeHash(nodes, 0, size);
    }

    /** RFC 6962 PATH(m, D[0:size]): the audit path, from the leaf's sibling up to the root's child. */
    static List<byte[]> inclusionPath(Nodes nodes, long index, long size) {
        List<byte[]> path = new ArrayList<>(64);
        inclusionPath(nodes, index, 0, size, path);
        return path;
    }

    private static void inclusionPath(Nodes nodes, long m, long start, long end, List<byte[]> out) {
        if (end - start == 1) {
            return;
        }
        long k = splitPoint(end - start);
        if (m < start + k) {
            inclusionPath(nodes, m, start, start + k, out);
            out.add(rangeHash(nodes, start + k, end));
        } else {
            inclusionPath(nodes, m, start + k, end, out);
            out.add(rangeHash(nodes, start, start + k));
        }
    }

    /** RFC 6962 PROOF(size1, D[0:size2]) for 0 < size1 < size2. */
    static List<byte[]> consistencyPath(Nodes nodes, long size1, long size2) {
        List<byte[]> path = new ArrayList<>(64);
        subproof(nodes, size1, 0, size2, true, path);
        return path;
    }

    private static void subproof(Nodes nodes, long m, long start, long end, boolean complete, List<byte[]> out) {
        long n = end - start;
        if (m == n) {
            if (!complete) {
                out.add(rangeHash(nodes, start, end));
            }
            return;
        }
        long k = splitPoint(n);
        if (m <= k) {
            subproof(nodes, m, start, start + k, complete, out);
            out.add(rangeHash(nodes, start + k, end));
        } else {
            subproof(nodes, m - k, start + k, end, false, out);
            out.add(rangeHash(nodes, start, start + k));
        }
    }
}
