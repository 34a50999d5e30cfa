package io.ciaf.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** C2SP signed-note known answers: signing reproduces each signature line, negatives are rejected. */
class SignedNoteVectorsTest {

    private static JsonNode vectors() throws Exception {
        return new ObjectMapper().readTree(SignedNoteVectorsTest.class.getResourceAsStream(
                "/ledger-vectors/signed-note/vectors.json"));
    }

    @TestFactory
    Stream<DynamicTest> positiveVectors() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : vectors().get("vectors")) {
            String text = v.get("text").asText();
            String line = v.get("signature_line").asText();
            tests.add(DynamicTest.dynamicTest("verify " + v.get("name").asText(), () -> {
                VerifierKey key = VerifierKey.parse(v.get("vkey").asText());
                assertThat(key.toString()).isEqualTo(v.get("vkey").asText());
                assertThat(key.verify(text + "\n" + line)).isEqualTo(text);
            }));
            if (v.has("skey")) {
                tests.add(DynamicTest.dynamicTest("sign " + v.get("name").asText(), () -> {
                    SigningKey key = SigningKey.parse(v.get("skey").asText());
                    assertThat(key.signatureLine(text)).isEqualTo(line);
                    assertThat(key.sign(text)).isEqualTo(text + "\n" + line);
                    assertThat(key.verifierKey().toString()).isEqualTo(v.get("vkey").asText());
                }));
            }
        }
        assertThat(tests).hasSize(5);
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> negativeVectors() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : vectors().get("negative")) {
            tests.add(DynamicTest.dynamicTest(v.get("why").asText(), () -> {
                VerifierKey key = VerifierKey.parse(v.get("vkey").asText());
                String note = v.get("text").asText() + "\n" + v.get("signature_line").asText();
                assertThatThrownBy(() -> key.verify(note)).isInstanceOf(VerificationException.class);
            }));
        }
        assertThat(tests).hasSize(2);
        return tests.stream();
    }

    @Test
    void aNoteSignedByAnotherKeyOrMalformedIsRejectedWithTheReason() throws Exception {
        SigningKey ours = SigningKey.generate("example.com/log");
        SigningKey other = SigningKey.generate("example.com/log");
        String note = other.sign("hello\n");
        assertThatThrownBy(() -> ours.verifierKey().verify(note)).hasMessageContaining("no signature by example.com/log");
        assertThatThrownBy(() -> ours.verifierKey().verify("hello\n")).hasMessageContaining("no blank line");
        assertThatThrownBy(() -> ours.verifierKey().verify("hello\n\nnot a signature\n"))
                .hasMessageContaining("em dash");
        assertThat(ours.verifierKey().verify(ours.sign("hello\n"))).isEqualTo("hello\n");
    }

    @Test
    void keyIdMismatchAndBadNamesAreRefused() throws Exception {
        JsonNode v = vectors().get("vectors").get(0);
        String vkey = v.get("vkey").asText().replace("c74f20a3", "c74f20a4");
        assertThatThrownBy(() -> VerifierKey.parse(vkey)).hasMessageContaining("key id");
        assertThatThrownBy(() -> SigningKey.generate("has space")).hasMessageContaining("without spaces");
        assertThatThrownBy(() -> SigningKey.generate("a+b")).hasMessageContaining("'+'");
    }

    @Test
    void signingKeyFileIsOwnerOnlyNeverOverwrittenAndNeverPrinted(@TempDir Path dir) throws Exception {
        SigningKey key = SigningKey.generate("ciaf.test/log");
        Path file = dir.resolve("signing.key");
        key.writeNew(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(SigningKey.read(file).verifierKey()).isEqualTo(key.verifierKey());
        assertThatThrownBy(() -> SigningKey.generate("ciaf.test/log").writeNew(file))
                .hasMessageContaining("refusing to overwrite");
        assertThat(SigningKey.read(file).verifierKey()).isEqualTo(key.verifierKey());
        String secret = Files.readString(file).strip();
        // PRIVATE+KEY+<name>+<key id>+<base64>: the base64 may itself contain '+', so split from the left.
        String encoded = secret.split("\\+", 5)[4];
        assertThat(encoded).hasSize(44);
        assertThat(key.toString()).doesNotContain(encoded)
                .contains("secret not shown");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SigningKey.read(file)).hasMessageContaining("chmod 600");
    }
}
