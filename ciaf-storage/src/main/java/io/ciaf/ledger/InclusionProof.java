package io.ciaf.ledger;

import java.util.Base64;
import java.util.List;

/**
 * An RFC 6962 inclusion (audit) proof that the entry at {@code leafIndex} is in the tree of size
 * {@code treeSize}. {@code leafHash} is the RFC leaf hash, SHA-256(0x00 ‖ entry_hash). Immutable: arrays
 * are copied in and out.
 */
public final class InclusionProof {

    private final long leafIndex;
    private final long treeSize;
    private final byte[] root;
    private final byte[] leafHash;
    private final List<byte[]> proof;

    public InclusionProof(long leafIndex, long treeSize, byte[] root, byte[] leafHash, List<byte[]> proof) {
        this.leafIndex = leafIndex;
        this.treeSize = treeSize;
        this.root = root.clone();
        this.leafHash = leafHash.clone();
        this.proof = Hashes.copy(proof);
    }

    public long leafIndex() {
        return leafIndex;
    }

    public long treeSize() {
        return treeSize;
    }

    public byte[] root() {
        return root.clone();
    }

    public byte[] leafHash() {
        return leafHash.clone();
    }

    public List<byte[]> proof() {
        return Hashes.copy(proof);
    }

    /**
     * Checks the proof (RFC 9162 §2.1.3.2).
     *
     * @throws VerificationException if the leaf is not in the tree with this root
     */
    public void verify() {
        ProofVerifier.verifyInclusion(leafIndex, treeSize, leafHash, proof, root);
    }

    /** The proof as JSON, in the shape of FORMATS.md (standard padded base64). */
    public String toJson() {
        Base64.Encoder b64 = Base64.getEncoder();
        return "{\"leafIdx\":" + leafIndex + ",\"treeSize\":" + treeSize + ",\"root\":\"" + b64.encodeToString(root)
                + "\",\"leafHash\":\"" + b64.encodeToString(leafHash) + "\",\"proof\":" + Hashes.jsonArray(proof) + "}";
    }

    @Override
    public String toString() {
        return toJson();
    }
}
