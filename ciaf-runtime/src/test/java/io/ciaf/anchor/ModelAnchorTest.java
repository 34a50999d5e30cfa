package io.ciaf.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.ledger.AuditLedger;

class ModelAnchorTest {

    @TempDir
    Path dir;

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    private static ModelAnchor.Builder model() {
        return ModelAnchor.builder("credit", "1.0").architecture(Map.of("kind", "logistic_regression", "features", 2))
                .hyperparameters(Map.of("learning_rate", 0.1, "epochs", 200)).parameters(new double[] {0.5, -1.25})
                .parameters(new double[] {3.0}).environment(Map.of("java_version", "17")).trainerCommit("abc123");
    }

    @Test
    void theParametersRootIsAnRfc6962RootOverEachArraysBigEndianDoubles() throws Exception {
        byte[] a = sha256(ByteBuffer.allocate(16).putDouble(0.5).putDouble(-1.25).array());
        byte[] b = sha256(ByteBuffer.allocate(8).putDouble(3.0).array());
        byte[] expected = sha256(new byte[] {1}, sha256(new byte[] {0}, a), sha256(new byte[] {0}, b));
        ModelAnchor m = model().build();
        assertThat(m.parametersRoot()).isEqualTo(HexFormat.of().formatHex(expected));
        assertThat(m.toPayload()).containsEntry("parameters_count", 2).containsEntry("trainer_commit", "abc123")
                .containsEntry("hyperparameters_digest", HexFormat.of().formatHex(sha256(
                        "{\"epochs\":200,\"learning_rate\":0.1}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(ModelAnchor.check(m.toPayload())).isEmpty();
    }

    @Test
    void aChangedHyperparameterOrParameterChangesTheModelHashAndTheCheckSaysWhich() {
        ModelAnchor m = model().build();
        assertThat(model().hyperparameters(Map.of("learning_rate", 0.2, "epochs", 200)).build().modelHash())
                .isNotEqualTo(m.modelHash());
        assertThat(ModelAnchor.builder("credit", "1.0").parameters(new double[] {0.5, -1.5}).build().parametersRoot())
                .isNotEqualTo(ModelAnchor.builder("credit", "1.0").parameters(new double[] {0.5, -1.25}).build()
                        .parametersRoot());

        Map<String, Object> edited = new TreeMap<>(m.toPayload());
        edited.put("hyperparameters", Map.of("learning_rate", 0.2, "epochs", 200));
        assertThat(ModelAnchor.check(edited)).containsExactly("model_hash", "hyperparameters_digest");
    }

    @Test
    void aModelFileIsHashedInChunksAndDatasetsAndTheGitCommitAreRecorded() throws Exception {
        byte[] bytes = new byte[(1 << 20) + 10];
        bytes[5] = 7;
        Path file = Files.write(dir.resolve("model.bin"), bytes);
        DatasetAnchor data = DatasetAnchor.builder("d", "train").into(dir.resolve("d.tree"))
                .readCsv(new StringReader("id,x\n1,2\n"), "id").build();
        ModelAnchor m = ModelAnchor.builder("credit", "2").parametersFile(file).authorizedDataset(data).build();
        byte[] first = sha256(java.util.Arrays.copyOf(bytes, 1 << 20));
        byte[] second = sha256(java.util.Arrays.copyOfRange(bytes, 1 << 20, bytes.length));
        assertThat(m.parametersRoot()).isEqualTo(HexFormat.of().formatHex(
                sha256(new byte[] {1}, sha256(new byte[] {0}, first), sha256(new byte[] {0}, second))));
        assertThat(m.toPayload()).containsEntry("authorized_datasets", List.of(data.datasetHash()))
                .containsEntry("parameters_source", "file");

        Path repo = Files.createDirectories(dir.resolve("repo/.git/refs/heads"));
        Files.writeString(dir.resolve("repo/.git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(repo.resolve("main"), "0123456789abcdef0123456789abcdef01234567\n");
        Path sub = Files.createDirectories(dir.resolve("repo/src/deep"));
        assertThat(ModelAnchor.gitCommit(sub)).isEqualTo("0123456789abcdef0123456789abcdef01234567");
        Files.delete(repo.resolve("main"));
        Files.writeString(dir.resolve("repo/.git/packed-refs"),
                "# pack-refs with: peeled\nfedcba9876543210fedcba9876543210fedcba98 refs/heads/main\n");
        assertThat(ModelAnchor.gitCommit(sub)).isEqualTo("fedcba9876543210fedcba9876543210fedcba98");
    }

    @Test
    void theDefaultEnvironmentNamesTheJdkOsAndJarsAndTheAnchorRoundTripsThroughTheLedger() throws Exception {
        ModelAnchor m = ModelAnchor.builder("credit", "3").parameters(new double[] {1}).build();
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) m.toPayload().get("environment");
        assertThat(env).containsEntry("java_version", System.getProperty("java.version"))
                .containsEntry("os_arch", System.getProperty("os.arch")).containsKey("dependencies");
        try (AuditLedger ledger = AuditLedger.create(dir.resolve("home"), "ciaf.test/models")) {
            long p = m.appendTo(ledger).position();
            Map<?, ?> stored = ledger.entry(p).orElseThrow().payloadFields();
            assertThat(ModelAnchor.check(stored)).isEmpty();
            assertThat(stored.get("model_hash")).isEqualTo(m.modelHash());
        }
    }
}
