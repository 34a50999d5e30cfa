package io.ciaf.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.anchor.CommitmentKeys.Opening;
import io.ciaf.ledger.AuditLedger;

class InferenceReceiptsTest {

    /** The input's canonical JSON, and its SHA-256 as printed by {@code printf '%s' … | sha256sum}. */
    private static final String INPUT_JSON = "{\"age\":42,\"income\":5000.5,\"purpose\":\"car\"}";
    private static final String INPUT_SHA256 = "65dc542e8419f217388a52014bd3f70ffb0d3af4ace5df1170acd07f7a50e4ee";

    @TempDir
    Path home;

    private static Map<String, Object> input() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("purpose", "car");
        m.put("income", 5000.5);
        m.put("age", 42);
        return m;
    }

    @Test
    void plaintextCommitmentIsTheSha256OfTheCanonicalValue() {
        try (CommitmentKeys keys = CommitmentKeys.open(home)) {
            Commitment c = keys.commit(CommitmentKind.PLAINTEXT, input(), null);
            assertThat(c.digest()).isEqualTo(INPUT_SHA256);
            assertThat(c.plaintext()).isEqualTo(INPUT_JSON);
            assertThat(keys.opens(c, input())).isEqualTo(Opening.MATCHES);
            assertThat(keys.opens(c, Map.of("age", 43))).isEqualTo(Opening.DOES_NOT_MATCH);
        }
    }

    @Test
    void saltedAndHmacCommitmentsOpenWithTheirSecretAndFailWithAWrongOne() throws Exception {
        try (CommitmentKeys keys = CommitmentKeys.open(home)) {
            Commitment salted = keys.commit(CommitmentKind.SALTED, input(), null);
            Commitment other = keys.commit(CommitmentKind.SALTED, input(), null);
            assertThat(salted.digest()).isNotEqualTo(other.digest()).isNotEqualTo(INPUT_SHA256);
            // Recomputed by hand from the stored salt: SHA-256(salt ‖ canonical JSON).
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(secret(salted.keyId()));
            md.update(INPUT_JSON.getBytes(StandardCharsets.UTF_8));
            assertThat(salted.digest()).isEqualTo(HexFormat.of().formatHex(md.digest()));
            assertThat(keys.opens(salted, input())).isEqualTo(Opening.MATCHES);
            assertThat(keys.opens(salted, Map.of("age", 42))).isEqualTo(Opening.DOES_NOT_MATCH);
            Commitment wrongSalt = Commitment.fromMap(Map.of("kind", "SALTED", "digest", salted.digest(),
                    "key_id", other.keyId()));
            assertThat(keys.opens(wrongSalt, input())).isEqualTo(Opening.DOES_NOT_MATCH);

            Commitment hmac = keys.commit(CommitmentKind.HMAC_SHA256, input(), "hmac:credit");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret("hmac:credit"), "HmacSHA256"));
            assertThat(hmac.digest()).isEqualTo(HexFormat.of().formatHex(
                    mac.doFinal(INPUT_JSON.getBytes(StandardCharsets.UTF_8))));
            assertThat(keys.commit(CommitmentKind.HMAC_SHA256, input(), "hmac:credit")).isEqualTo(hmac);
            assertThat(keys.opens(hmac, input())).isEqualTo(Opening.MATCHES);
            Commitment wrongKey = Commitment.fromMap(Map.of("kind", "HMAC_SHA256", "digest", hmac.digest(),
                    "key_id", "hmac:other"));
            keys.commit(CommitmentKind.HMAC_SHA256, "x", "hmac:other");
            assertThat(keys.opens(wrongKey, input())).isEqualTo(Opening.DOES_NOT_MATCH);
            assertThatThrownBy(() -> keys.commit(CommitmentKind.HMAC_SHA256, input(), null))
                    .hasMessageContaining("needs a key id");
        }
    }

    @Test
    void anErasedSaltOrKeyMakesItsCommitmentsUnopenableAndLeavesNoCopyInTheFile() throws Exception {
        try (CommitmentKeys keys = CommitmentKeys.open(home)) {
            Commitment salted = keys.commit(CommitmentKind.SALTED, input(), null);
            Commitment hmac = keys.commit(CommitmentKind.HMAC_SHA256, input(), "hmac:credit");
            byte[] salt = secret(salted.keyId());
            assertThat(keys.erase(salted.keyId())).isTrue();
            assertThat(keys.erase("hmac:credit")).isTrue();
            assertThat(keys.erase("hmac:credit")).isFalse();
            assertThat(keys.opens(salted, input())).isEqualTo(Opening.UNOPENABLE);
            assertThat(keys.opens(hmac, input())).isEqualTo(Opening.UNOPENABLE);
            assertThat(keys.holds(salted.keyId())).isFalse();
            byte[] file = Files.readAllBytes(home.resolve(CommitmentKeys.FILE));
            Path wal = home.resolve(CommitmentKeys.FILE + "-wal");
            byte[] log = Files.exists(wal) ? Files.readAllBytes(wal) : new byte[0];
            assertThat(indexOf(file, salt)).as("salt bytes left in the database file").isNegative();
            assertThat(indexOf(log, salt)).as("salt bytes left in the write-ahead log").isNegative();
        }
    }

    @Test
    void theKeyStoreIsOwnerOnlyAndRefusedOtherwise() throws Exception {
        CommitmentKeys.open(home).close();
        Path file = home.resolve(CommitmentKeys.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> CommitmentKeys.open(home)).hasMessageContaining("others can read it")
                .hasMessageContaining("chmod 600 " + file);
    }

    @Test
    void receiptsChainPerModelAcrossRestartsAndTheChainIsRecomputed() throws Exception {
        Path ledgerHome = home.resolve("ledger");
        String last;
        try (AuditLedger ledger = AuditLedger.create(ledgerHome, "ciaf.test/receipts");
                CommitmentKeys keys = CommitmentKeys.open(ledgerHome)) {
            InferenceReceipts receipts = new InferenceReceipts(ledger, keys);
            InferenceReceipt first = receipts.record("credit", "aa11", "req-1", input(), Map.of("approved", true),
                    CommitmentKind.HMAC_SHA256);
            assertThat(first.previousReceipt()).isNull();
            InferenceReceipt other = receipts.record("fraud", null, "req-2", "x", 0.1, CommitmentKind.SALTED);
            assertThat(other.previousReceipt()).isNull();
            InferenceReceipt second = receipts.record("credit", "aa11", "req-3", input(), Map.of("approved", false),
                    CommitmentKind.HMAC_SHA256, List.of("ab".repeat(32)));
            assertThat(second.previousReceipt()).isEqualTo(first.digest());
            assertThat(keys.opens(second.output(), Map.of("approved", false))).isEqualTo(Opening.MATCHES);
            assertThat(keys.opens(second.output(), Map.of("approved", true))).isEqualTo(Opening.DOES_NOT_MATCH);
            last = second.digest();
        }
        try (AuditLedger ledger = AuditLedger.open(ledgerHome); CommitmentKeys keys = CommitmentKeys.open(ledgerHome)) {
            InferenceReceipt third = new InferenceReceipts(ledger, keys).record("credit", "aa11", "req-4", input(),
                    Map.of("approved", true), CommitmentKind.PLAINTEXT);
            assertThat(third.previousReceipt()).isEqualTo(last);
            InferenceReceipts.ChainCheck check = InferenceReceipts.verifyChain(ledger, "credit");
            assertThat(check.intact()).isTrue();
            assertThat(check.receipts()).isEqualTo(3);
            // The receipt as stored reads back equal, digest recomputed from its members.
            Map<?, ?> stored = ledger.findLast("INFERENCE", "model", "credit").orElseThrow().payloadFields();
            assertThat(InferenceReceipt.fromPayload(stored).digest()).isEqualTo(third.digest());
        }
    }

    @Test
    void everyStoredReceiptDigestIsTheSha256OfItsMembersCanonicalJson() throws Exception {
        // Recomputed the way docs/auditor-guide.md tells a third party to: drop receipt_digest, nonce and
        // idempotency_key from the stored payload, write the rest as RFC 8785 JSON, SHA-256 it.
        Path ledgerHome = home.resolve("ledger");
        try (AuditLedger ledger = AuditLedger.create(ledgerHome, "ciaf.test/receipts");
                CommitmentKeys keys = CommitmentKeys.open(ledgerHome)) {
            InferenceReceipts receipts = new InferenceReceipts(ledger, keys);
            receipts.record("credit", "aa11", "req-1", input(), Map.of("approved", true), CommitmentKind.HMAC_SHA256);
            receipts.record("credit", null, null, "a \"quoted\"\n\u00e9 value", 0.1, CommitmentKind.PLAINTEXT,
                    List.of("ab".repeat(32), "cd".repeat(32)));
            receipts.record("credit", "aa11", "req-\u2603", List.of(1, 2.5), null, CommitmentKind.SALTED);
            List<io.ciaf.ledger.LedgerEntry> stored = ledger.findAllWithErased("INFERENCE", "model", "credit");
            assertThat(stored).hasSize(3);
            for (io.ciaf.ledger.LedgerEntry e : stored) {
                Map<String, Object> members = new java.util.TreeMap<>();
                e.payloadFields().forEach((k, v) -> members.put(String.valueOf(k), v));
                String claimed = (String) members.remove("receipt_digest");
                members.remove("nonce");
                members.remove("idempotency_key");
                String canonical = io.ciaf.api.internal.CanonicalJson.write(
                        io.ciaf.api.internal.JsonValues.normalize(members, "receipt"));
                String recomputed = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(canonical.getBytes(StandardCharsets.UTF_8)));
                assertThat(claimed).as(canonical).isEqualTo(recomputed);
                assertThat(e.payload().orElseThrow()).contains("\"idempotency_key\":\"receipt:" + members.get("receipt_id"));
            }
        }
    }

    @Test
    void aChangedOrErasedReceiptIsFoundByTheChainCheck() throws Exception {
        try (AuditLedger ledger = AuditLedger.create(home, "ciaf.test/receipts");
                CommitmentKeys keys = CommitmentKeys.open(home)) {
            InferenceReceipts receipts = new InferenceReceipts(ledger, keys);
            for (int i = 0; i < 4; i++) {
                receipts.record("credit", null, "req-" + i, i, i * 2, CommitmentKind.SALTED);
            }
            long second = ledger.findAll("INFERENCE", "model", "credit").get(1).position();
            ledger.erase(List.of(second), Map.of("reason", "subject request"));
            InferenceReceipts.ChainCheck check = InferenceReceipts.verifyChain(ledger, "credit");
            assertThat(check.intact()).isTrue();
            assertThat(check.erased()).isEqualTo(1);
            assertThat(check.receipts()).isEqualTo(3);
            assertThat(ledger.verify().size()).isEqualTo(ledger.size());
        }
        long third;
        try (AuditLedger ledger = AuditLedger.open(home)) {
            third = ledger.findAll("INFERENCE", "model", "credit").get(2).position();
        }
        TamperedPayloads.replace(home, third, "\"request_id\":\"req-", "\"request_id\":\"rex-");
        try (AuditLedger ledger = AuditLedger.open(home)) {
            InferenceReceipts.ChainCheck check = InferenceReceipts.verifyChain(ledger, "credit");
            assertThat(check.intact()).isFalse();
            assertThat(check.brokenAt()).isEqualTo(third);
            assertThat(check.reason()).contains("receipt_digest does not match");
        }
    }

    private byte[] secret(String id) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve(CommitmentKeys.FILE));
                PreparedStatement s = c.prepareStatement("SELECT secret FROM secrets WHERE id=?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("secret " + id).isTrue();
                return rs.getBytes(1);
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
