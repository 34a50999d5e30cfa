package io.ciaf.ledger;

import java.security.MessageDigest;
import java.util.List;

/**
 * RFC 9162 §2.1.3.2 and §2.1.4.2 proof verification, written from the RFC, independent of how proofs are
 * built. Every failure throws; nothing here returns a boolean.
 */
final class ProofVerifier {

    private ProofVerifier() {
    }

    static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        if (size <= 0 || index < 0 || index >= size) {
            throw new VerificationException("inclusion proof: leaf index " + Long.toUnsignedString(index)
                    + " is not inside a tree of size " + Long.toUnsignedString(size));
        }
        requireHash(leafHash, "leaf hash");
        requireHash(root, "root");
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (int i = 0; i < proof.size(); i++) {
            byte[] p = requireHash(proof.get(i), "proof[" + i + "]");
            if (sn == 0) {
                throw new VerificationException("inclusion proof has " + proof.size() + " hashes; a tree of size "
                        + size + " needs fewer");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = Merkle.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                r = Merkle.nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new VerificationException("inclusion proof has " + proof.size() + " hashes; a tree of size "
                    + size + " needs more");
        }
        if (!MessageDigest.isEqual(r, root)) {
            throw new VerificationException("inclusion proof for leaf " + index + " does not lead to the root of"
                    + " the tree of size " + size);
        }
    }

    static void verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        if (size1 <= 0 || size2 <= 0) {
            // Every tree is consistent with the empty tree, so such a proof shows nothing; callers that ask
            // for one have a bug, and a verifier that accepts one would accept anything.
            throw new VerificationException("consistency proof from a tree of size " + Long.toUnsignedString(size1)
                    + " proves nothing: sizes must be at least 1");
        }
        if (size1 > size2) {
            throw new VerificationException("consistency proof: size1 " + size1 + " is larger than size2 " + size2);
        }
        if (size1 == size2) {
            if (!proof.isEmpty()) {
                throw new VerificationException("consistency proof between equal sizes must be empty; it has "
                        + proof.size() + " hashes");
            }
            if (!MessageDigest.isEqual(root1, root2)) {
                throw new VerificationException("trees of the same size " + size1 + " have different roots");
            }
            return;
        }
        if (proof.isEmpty()) {
            throw new VerificationException("consistency proof from size " + size1 + " to " + size2 + " is empty");
        }
        requireHash(root1, "root1");
        requireHash(root2, "root2");
        int first = 0;
        byte[] seed;
        if (Long.bitCount(size1) == 1) {
            seed = root1;
        } else {
            seed = requireHash(proof.get(0), "proof[0]");
            first = 1;
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = seed;
        byte[] sr = seed;
        for (int i = first; i < proof.size(); i++) {
            byte[] c = requireHash(proof.get(i), "proof[" + i + "]");
            if (sn == 0) {
                throw new VerificationException("consistency proof has " + proof.size() + " hashes; from size "
                        + size1 + " to " + size2 + " it needs fewer");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = Merkle.nodeHash(c, fr);
                sr = Merkle.nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                sr = Merkle.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new VerificationException("consistency proof has " + proof.size() + " hashes; from size "
                    + size1 + " to " + size2 + " it needs more");
        }
        boolean firstMatches = MessageDigest.isEqual(fr, root1);
        boolean secondMatches = MessageDigest.isEqual(sr, root2);
        if (!firstMatches || !secondMatches) {
            throw new VerificationException("consistency proof from size " + size1 + " to " + size2
                    + " does not reproduce " + (firstMatches ? "root2" : "root1"));
        }
    }

    private static byte[] requireHash(byte[] hash, String what) {
        if (hash == null || hash.length != Merkle.HASH_LENGTH) {
            throw new VerificationException(what + " must be " + Merkle.HASH_LENGTH + " bytes, not "
                    + (hash == null ? "missing" : hash.length + " bytes"));
        }
        return hash;
    }
}
