package io.ciaf.anchor;

import java.nio.file.Path;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.ciaf.ledger.InclusionProof;
import io.ciaf.ledger.MerkleTreeFile;

/**
 * Inclusion proofs of dataset samples, materialized from a dataset's tree file on demand and cached (the same
 * samples tend to be asked about again: an auditor's sample, a data subject's rows). Thread-safe.
 */
public final class SampleProofs {

    private record Key(Path tree, long index) {
    }

    private final Cache<Key, InclusionProof> cache;

    /** A cache of up to {@code maximumProofs} proofs. */
    public SampleProofs(long maximumProofs) {
        this.cache = Caffeine.newBuilder().maximumSize(maximumProofs).build();
    }

    /**
     * The inclusion proof of sample {@code index} in the tree file a {@link DatasetAnchor} was built into;
     * check it with {@link InclusionProof#verify()} and compare its root with the anchor's {@code merkle_root}.
     */
    public InclusionProof prove(Path treeFile, long index) {
        return cache.get(new Key(treeFile.toAbsolutePath().normalize(), index), k -> {
            try (MerkleTreeFile tree = MerkleTreeFile.open(k.tree())) {
                return tree.proveInclusion(k.index());
            }
        });
    }
}
