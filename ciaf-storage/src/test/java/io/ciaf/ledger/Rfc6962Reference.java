package io.ciaf.ledger;

import java.security.MessageDigest;
import java.util.List;

/**
 * RFC 6962 §2.1 written out again from the RFC, independently of {@link Merkle}, for tests of the trees CIAF
 * builds (published in the test jar: the dataset anchors' tests use it too).
 */
public final class Rfc6962Reference {

    private Rfc6962Reference() {
    }

    /** MTH(D[from:to]) over the leaf data {@code leaves}. */
    public static byte[] mth(List<byte[]> leaves, int from, int to) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        if (to - from == 0) {
            return md.digest();
        }
        if (to - from == 1) {
            md.update((byte) 0);
            md.update(leaves.get(from));
            return md.digest();
        }
        int k = 1;
        while (k * 2 < to - from) {
            k *= 2;
        }
        byte[] left = mth(leaves, from, from + k);
        byte[] right = mth(leaves, from + k, to);
        md.update((byte) 1);
        md.update(left);
        md.update(right);
        return md.digest();
    }
}
