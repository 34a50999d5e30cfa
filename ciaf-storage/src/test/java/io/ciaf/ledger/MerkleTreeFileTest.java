package io.ciaf.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MerkleTreeFileTest {

    @TempDir
    Path dir;

    private static byte[] leafData(int i) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(4).putInt(i).array());
    }

    @Test
    void rootsAndProofsMatchAnIndependentTreeForEverySizeUpTo41() throws Exception {
        for (int n = 0; n <= 41; n++) {
            List<byte[]> leaves = new ArrayList<>();
            Path file = dir.resolve("tree-" + n);
            try (MerkleTreeFile.Builder b = MerkleTreeFile.create(file)) {
                for (int i = 0; i < n; i++) {
                    leaves.add(leafData(i));
                    b.add(leaves.get(i));
                }
                assertThat(b.root()).isEqualTo(Rfc6962Reference.mth(leaves, 0, n));
                try (MerkleTreeFile tree = b.finish()) {
                    assertThat(tree.size()).isEqualTo(n);
                    assertThat(tree.root()).as("root of %d", n).isEqualTo(Rfc6962Reference.mth(leaves, 0, n));
                    for (int i = 0; i < n; i++) {
                        InclusionProof p = tree.proveInclusion(i);
                        assertThat(p.leafHash()).isEqualTo(Rfc6962Reference.mth(leaves, i, i + 1));
                        p.verify();
                    }
                }
            }
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
            }
        }
    }

    @Test
    void aChangedLeafFailsItsProofAndATruncatedFileIsRefused() throws Exception {
        Path file = dir.resolve("tree");
        try (MerkleTreeFile.Builder b = MerkleTreeFile.create(file)) {
            for (int i = 0; i < 13; i++) {
                b.add(leafData(i));
            }
            b.finish().close();
        }
        try (MerkleTreeFile tree = MerkleTreeFile.open(file)) {
            InclusionProof good = tree.proveInclusion(6);
            byte[] otherLeaf = tree.leafHash(7);
            InclusionProof forged = new InclusionProof(6, 13, good.root(), otherLeaf, good.proof());
            assertThatThrownBy(forged::verify).isInstanceOf(VerificationException.class);
            assertThatThrownBy(() -> tree.proveInclusion(13)).hasMessageContaining("outside the tree of 13");
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertThatThrownBy(() -> MerkleTreeFile.open(file)).hasMessageContaining("truncated");
        Files.write(file, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> MerkleTreeFile.open(file)).hasMessageContaining("not a CIAF Merkle tree file");
        assertThatThrownBy(() -> MerkleTreeFile.create(file)).hasMessageContaining("refusing to overwrite");
    }
}
