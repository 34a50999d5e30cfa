package io.ciaf.ledger;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/** Small helpers for lists of hashes in proofs. */
final class Hashes {

    private Hashes() {
    }

    static List<byte[]> copy(List<byte[]> hashes) {
        List<byte[]> out = new ArrayList<>(hashes == null ? 0 : hashes.size());
        if (hashes != null) {
            for (byte[] h : hashes) {
                out.add(h == null ? null : h.clone());
            }
        }
        return Collections.unmodifiableList(out);
    }

    static String jsonArray(List<byte[]> hashes) {
        StringBuilder out = new StringBuilder(2 + hashes.size() * 48).append('[');
        for (int i = 0; i < hashes.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('"').append(Base64.getEncoder().encodeToString(hashes.get(i))).append('"');
        }
        return out.append(']').toString();
    }
}
