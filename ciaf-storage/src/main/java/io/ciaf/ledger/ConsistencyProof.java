package io.ciaf.ledger;

import java.util.Base64;
import java.util.List;

/**
 * An RFC 6962 consistency proof that the tree of size {@code size1} is a prefix of the tree of size
 * {@code size2}: nothing before {@code size1} was changed, removed or reordered. Immutable.
 */
public final class ConsistencyProof {

    private final long size1;
    private final long size2;
    private final byte[] root1;
    private final byte[] root2;
    private final List<byte[]> proof;

    public ConsistencyProof(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        this.size1 = size1;
        this.size2 = size2;
        this.root1 = root1.clone();
        this.root2 = root2.clone();
        this.proof = Hashes.copy(proof);
    }

    public long size1() {
        return size1;
    }

    public long size2() {
        return size2;
    }

    public byte[] root1() {
        return root1.clone();
    }

    public byte[] root2() {
        return root2.clone();
    }

    public List<byte[]> proof() {
        return Hashes.copy(proof);
    }

    /**
     * Checks the proof (RFC 9162 §2.1.4.2). A proof from size 0 is refused: it would prove nothing.
     *
     * @throws VerificationException if the two roots are not of consistent trees
     */
    public void verify() {
        ProofVerifier.verifyConsistency(size1, size2, root1, root2, proof);
    }

    /** The proof as JSON, in the shape of FORMATS.md (standard padded base64). */
    public String toJson() {
        Base64.Encoder b64 = Base64.getEncoder();
        return "{\"size1\":" + size1 + ",\"size2\":" + size2 + ",\"root1\":\"" + b64.encodeToString(root1)
                + "\",\"root2\":\"" + b64.encodeToString(root2) + "\",\"proof\":" + Hashes.jsonArray(proof) + "}";
    }

    @Override
    public String toString() {
        return toJson();
    }
}
