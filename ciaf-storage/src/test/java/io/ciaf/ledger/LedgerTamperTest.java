package io.ciaf.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tamper suite: real ledger files changed behind CIAF's back with plain SQLite. Each change must be
 * detected and reported at the right position. The ledger: genesis, METADATA at 1–24, a signed checkpoint
 * over 25 entries (its CHECKPOINT entry at 25), METADATA at 26–35.
 */
class LedgerTamperTest {

    @TempDir
    Path dir;
    Path home;

    @BeforeEach
    void build() {
        home = dir.resolve("home");
        try (AuditLedger ledger = AuditLedger.create(home, "ciaf.test/tamper")) {
            fill(ledger, 24);
            assertThat(ledger.checkpoint().size()).isEqualTo(25);
            fill(ledger, 10);
            assertThat(ledger.verify().size()).isEqualTo(36);
        }
    }

    private static void fill(AuditLedger ledger, int n) {
        for (int i = 0; i < n; i++) {
            ledger.append("METADATA", Map.of("model", "credit", "i", i, "accuracy", 0.9 + i / 1000.0), null);
        }
    }

    private LedgerTamperedException verifyFails() {
        return RawLedger.verifyFails(home);
    }

    private RawLedger raw() throws Exception {
        return new RawLedger(home).dropTriggers();
    }

    @Test
    void changedPayload() throws Exception {
        try (RawLedger raw = raw()) {
            String payload = new String(raw.bytes("payload", 7), StandardCharsets.UTF_8);
            raw.exec("UPDATE payloads SET payload=? WHERE position=7",
                    payload.replace("\"model\":\"credit\"", "\"model\":\"credix\"").getBytes(StandardCharsets.UTF_8));
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).isEqualTo(OptionalLong.of(7));
        assertThat(e.reason()).isEqualTo("payload does not match its payload_hash");
    }

    @Test
    void changedPayloadHash() throws Exception {
        try (RawLedger raw = raw()) {
            byte[] hash = raw.bytes("payload_hash", 7);
            hash[0] ^= 1;
            raw.exec("UPDATE entries SET payload_hash=? WHERE position=7", hash);
        }
        assertThat(verifyFails().position()).hasValue(7);
    }

    @Test
    void changedPayloadWithItsHashRecomputed() throws Exception {
        try (RawLedger raw = raw()) {
            byte[] payload = "{\"forged\":true}".getBytes(StandardCharsets.UTF_8);
            raw.exec("UPDATE payloads SET payload=? WHERE position=7", payload);
            raw.exec("UPDATE entries SET payload_hash=? WHERE position=7", RawLedger.sha256(payload));
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(7);
        assertThat(e.reason()).contains("entry_hash does not match");
    }

    @Test
    void deletedRow() throws Exception {
        try (RawLedger raw = raw()) {
            raw.exec("DELETE FROM entries WHERE position=7");
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(7);
        assertThat(e.reason()).contains("position gap");
    }

    @Test
    void deletedRowWithLaterPositionsRenumbered() throws Exception {
        try (RawLedger raw = raw()) {
            for (String table : new String[] {"entries", "payloads"}) {
                raw.exec("DELETE FROM " + table + " WHERE position=7");
                raw.exec("UPDATE " + table + " SET position = position + 1000000 WHERE position > 7");
                raw.exec("UPDATE " + table + " SET position = position - 1000001 WHERE position > 1000000");
            }
        }
        assertThat(verifyFails().position()).hasValue(7);
    }

    @Test
    void insertedRowWithACorrectlyChainedHash() throws Exception {
        try (RawLedger raw = raw()) {
            byte[] prev = raw.bytes("entry_hash", 7);
            long ts = raw.number("timestamp", 7) + 1;
            byte[] payload = "{\"forged\":true,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}".getBytes(StandardCharsets.UTF_8);
            byte[] payloadHash = RawLedger.sha256(payload);
            for (String table : new String[] {"entries", "payloads"}) {
                raw.exec("UPDATE " + table + " SET position = position + 1000000 WHERE position >= 8");
                raw.exec("UPDATE " + table + " SET position = position - 999999 WHERE position >= 1000000");
            }
            raw.exec("INSERT INTO entries (position, timestamp, type, payload_hash, prev_hash, entry_hash)"
                    + " VALUES (8, ?, 'METADATA', ?, ?, ?)", ts, payloadHash, prev,
                    RawLedger.entryHash(prev, 8, ts, "METADATA", payloadHash));
            raw.exec("INSERT INTO payloads (position, payload) VALUES (8, ?)", payload);
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(8);
        assertThat(e.reason()).contains("was inserted");
    }

    @Test
    void swappedRows() throws Exception {
        try (RawLedger raw = raw()) {
            for (String table : new String[] {"entries", "payloads"}) {
                raw.exec("UPDATE " + table + " SET position = -1 WHERE position = 5");
                raw.exec("UPDATE " + table + " SET position = 5 WHERE position = 9");
                raw.exec("UPDATE " + table + " SET position = 9 WHERE position = -1");
            }
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(5);
        assertThat(e.reason()).contains("chain break");
    }

    @Test
    void truncatedTailBeforeTheLastCheckpoint() throws Exception {
        try (RawLedger raw = raw()) {
            raw.exec("DELETE FROM entries WHERE position >= 20");
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(20);
        assertThat(e.reason()).contains("checkpoints/25.note").contains("removed");
    }

    @Test
    void tailTruncatedEvenWhenTheCheckpointFileIsDeletedToo() throws Exception {
        Files.delete(home.resolve("checkpoints/25.note"));
        try (RawLedger raw = raw()) {
            raw.exec("DELETE FROM entries WHERE position >= 20");
            raw.exec("DELETE FROM checkpoints");
        }
        // Without any record of the checkpoint a clean truncation is invisible: say so by passing with 20.
        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ledger.verify().size()).isEqualTo(20);
        }
    }

    @Test
    void replacedWithAnotherValidLedger() throws Exception {
        Path other = dir.resolve("other");
        try (AuditLedger ledger = AuditLedger.create(other, "ciaf.test/tamper")) {
            fill(ledger, 40);
            ledger.verify();
        }
        Files.copy(other.resolve("ledger.db"), home.resolve("ledger.db"), StandardCopyOption.REPLACE_EXISTING);
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(0);
        assertThat(e.reason()).contains("replaced");
    }

    @Test
    void replacedWithAnOlderCopyOfItself() throws Exception {
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        Files.copy(home.resolve("ledger.db"), copy.resolve("ledger.db"));
        try (AuditLedger ledger = AuditLedger.open(home)) {
            fill(ledger, 5);
            assertThat(ledger.checkpoint().size()).isEqualTo(41);
        }
        Files.copy(copy.resolve("ledger.db"), home.resolve("ledger.db"), StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(home.resolve("ledger.db-wal"));
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(36);
        assertThat(e.reason()).contains("checkpoints/41.note");
    }

    @Test
    void timestampNotIncreasing() throws Exception {
        try (RawLedger raw = raw()) {
            raw.exec("UPDATE entries SET timestamp=? WHERE position=10", raw.number("timestamp", 9));
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(10);
        assertThat(e.reason()).contains("timestamp");
    }

    @Test
    void changedSubtreeHash() throws Exception {
        try (RawLedger raw = raw()) {
            byte[] subtrees = raw.bytes("subtree_hashes", 15);
            subtrees[40] ^= 1;
            raw.exec("UPDATE entries SET subtree_hashes=? WHERE position=15", subtrees);
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(15);
        assertThat(e.reason()).contains("subtree");
    }

    @Test
    void forgedCheckpointFile() throws Exception {
        SigningKey mallory = SigningKey.generate("ciaf.test/tamper");
        Files.writeString(home.resolve("checkpoints/30.note"),
                mallory.sign("ciaf.test/tamper\n30\n" + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n"));
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).isEmpty();
        assertThat(e.reason()).contains("checkpoints/30.note").contains("does not verify");
        assertThatThrownBy(() -> {
            try (AuditLedger ledger = AuditLedger.open(home)) {
                ledger.checkpoint();
            }
        }).isInstanceOf(LedgerTamperedException.class);
    }
}
