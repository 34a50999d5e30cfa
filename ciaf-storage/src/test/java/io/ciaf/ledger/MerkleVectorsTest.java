package io.ciaf.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every RFC 6962 inclusion and consistency vector of transparency-dev/merkle (copied into the test
 * resources): verification must accept exactly the ones without wantErr, and proofs built by {@link Merkle}
 * over the same eight leaves must equal the happy-path proofs byte for byte.
 */
class MerkleVectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The leaves of the RFC 6962 reference tree the vectors were made from. */
    static final List<byte[]> LEAVES = Stream.of("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f").map(HexFormat.of()::parseHex).toList();

    static Merkle.Nodes referenceTree(List<byte[]> leafData) {
        return (level, index) -> {
            long start = index << level;
            return hashRange(leafData, start, start + (1L << level));
        };
    }

    private static byte[] hashRange(List<byte[]> leaves, long start, long end) {
        if (end - start == 1) {
            return Merkle.leafHash(leaves.get((int) start));
        }
        long k = Merkle.splitPoint(end - start);
        return Merkle.nodeHash(hashRange(leaves, start, start + k), hashRange(leaves, start + k, end));
    }

    static List<Path> vectors(String kind) throws IOException, URISyntaxException {
        Path root = Path.of(MerkleVectorsTest.class.getResource("/ledger-vectors/rfc6962/" + kind).toURI());
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static byte[] b64(JsonNode n) {
        return n == null || n.isNull() ? null : Base64.getDecoder().decode(n.asText());
    }

    private static List<byte[]> proof(JsonNode n) {
        List<byte[]> out = new ArrayList<>();
        if (n != null && !n.isNull()) {
            n.forEach(h -> out.add(Base64.getDecoder().decode(h.asText())));
        }
        return out;
    }

    @Test
    void allVectorsArePresent() throws Exception {
        assertThat(vectors("inclusion")).hasSize(98);
        assertThat(vectors("consistency")).hasSize(98);
    }

    @TestFactory
    Stream<DynamicTest> inclusionVectors() throws Exception {
        return vectors("inclusion").stream().map(file -> DynamicTest.dynamicTest(name(file), () -> {
            JsonNode v = JSON.readTree(file.toFile());
            InclusionProof p = new InclusionProof(v.get("leafIdx").bigIntegerValue().longValue(),
                    v.get("treeSize").bigIntegerValue().longValue(), b64(v.get("root")), b64(v.get("leafHash")),
                    proof(v.get("proof")));
            if (v.get("wantErr").asBoolean()) {
                assertThatThrownBy(p::verify).isInstanceOf(VerificationException.class);
            } else {
                assertThatCode(p::verify).doesNotThrowAnyException();
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> consistencyVectors() throws Exception {
        return vectors("consistency").stream().map(file -> DynamicTest.dynamicTest(name(file), () -> {
            JsonNode v = JSON.readTree(file.toFile());
            ConsistencyProof p = new ConsistencyProof(v.get("size1").asLong(), v.get("size2").asLong(),
                    b64(v.get("root1")), b64(v.get("root2")), proof(v.get("proof")));
            if (v.get("wantErr").asBoolean()) {
                assertThatThrownBy(p::verify).isInstanceOf(VerificationException.class);
            } else {
                assertThatCode(p::verify).doesNotThrowAnyException();
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> builtProofsEqualTheHappyPaths() throws Exception {
        Merkle.Nodes tree = referenceTree(LEAVES);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : vectors("inclusion")) {
            JsonNode v = JSON.readTree(file.toFile());
            if (!file.getFileName().toString().equals("happy-path.json")) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest("inclusion " + name(file), () -> {
                long index = v.get("leafIdx").asLong();
                long size = v.get("treeSize").asLong();
                assertThat(Merkle.root(tree, size)).isEqualTo(b64(v.get("root")));
                assertThat(tree.node(0, index)).isEqualTo(b64(v.get("leafHash")));
                assertThat(Merkle.inclusionPath(tree, index, size)).containsExactlyElementsOf(proof(v.get("proof")));
            }));
        }
        for (Path file : vectors("consistency")) {
            JsonNode v = JSON.readTree(file.toFile());
            long size1 = v.get("size1").asLong();
            long size2 = v.get("size2").asLong();
            if (!file.getFileName().toString().equals("happy-path.json") || size1 == size2) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest("consistency " + name(file), () -> {
                assertThat(Merkle.root(tree, size1)).isEqualTo(b64(v.get("root1")));
                assertThat(Merkle.root(tree, size2)).isEqualTo(b64(v.get("root2")));
                assertThat(Merkle.consistencyPath(tree, size1, size2))
                        .containsExactlyElementsOf(proof(v.get("proof")));
            }));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(8);
        return tests.stream();
    }

    @Test
    void everyProofOverSmallTreesVerifiesAndAFlippedBitFails() {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            leaves.add(new byte[] {(byte) i, (byte) (i * 7)});
        }
        Merkle.Nodes tree = referenceTree(leaves);
        for (long n = 1; n <= leaves.size(); n++) {
            long size = n;
            byte[] root = Merkle.root(tree, size);
            for (long i = 0; i < size; i++) {
                new InclusionProof(i, size, root, tree.node(0, i), Merkle.inclusionPath(tree, i, size)).verify();
            }
            for (long s1 = 1; s1 < size; s1++) {
                long m = s1;
                List<byte[]> path = Merkle.consistencyPath(tree, m, size);
                new ConsistencyProof(m, size, Merkle.root(tree, m), root, path).verify();
                byte[] flipped = path.get(0).clone();
                flipped[5] ^= 1;
                List<byte[]> bad = new ArrayList<>(path);
                bad.set(0, flipped);
                assertThatThrownBy(() -> new ConsistencyProof(m, size, Merkle.root(tree, m), root, bad).verify())
                        .isInstanceOf(VerificationException.class);
            }
        }
    }

    @Test
    void emptyTreeRootIsTheHashOfNothing() {
        assertThat(Base64.getEncoder().encodeToString(Merkle.emptyRoot()))
                .isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    private static String name(Path file) {
        return file.getParent().getFileName() + "/" + file.getFileName();
    }
}
