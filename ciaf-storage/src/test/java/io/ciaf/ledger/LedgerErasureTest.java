package io.ciaf.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Erasure: a payload may go, the entry, its payload hash and the chain stay. The ledger: genesis, METADATA at
 * 1–9, a checkpoint over 10 entries (its CHECKPOINT entry at 10), METADATA at 11–14.
 */
class LedgerErasureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path home;

    @BeforeEach
    void build() {
        home = dir.resolve("home");
        try (AuditLedger ledger = AuditLedger.create(home, "ciaf.test/erasure")) {
            fill(ledger, 9);
            ledger.checkpoint();
            fill(ledger, 4);
        }
    }

    private static void fill(AuditLedger ledger, int n) {
        for (int i = 0; i < n; i++) {
            ledger.append("METADATA", Map.of("model", "credit", "subject", "s-" + i), null);
        }
    }

    @Test
    void anErasedPayloadLeavesALedgerThatStillVerifiesAndProves() throws Exception {
        try (AuditLedger ledger = AuditLedger.open(home)) {
            byte[] hashBefore = ledger.entry(3).orElseThrow().payloadHash();
            byte[] entryHashBefore = ledger.entry(3).orElseThrow().entryHash();
            AppendReceipt r = ledger.erase(List.of(3L, 12L), Map.of("reason", "retention: operational, 1 year",
                    "by", "ciaf retention apply"));
            assertThat(r.position()).isEqualTo(15);

            LedgerEntry erased = ledger.entry(3).orElseThrow();
            assertThat(erased.payload()).isEmpty();
            assertThat(erased.payloadHash()).isEqualTo(hashBefore);
            assertThat(erased.entryHash()).isEqualTo(entryHashBefore);
            assertThat(ledger.entry(4).orElseThrow().payload()).isPresent();

            JsonNode erasure = JSON.readTree(ledger.entry(15).orElseThrow().payload().orElseThrow());
            assertThat(erasure.get("positions").toString()).isEqualTo("[3,12]");
            assertThat(erasure.get("reason").asText()).isEqualTo("retention: operational, 1 year");
            assertThat(ledger.entry(15).orElseThrow().type()).isEqualTo("ERASURE");

            assertThat(ledger.verify().size()).isEqualTo(16);
            assertThat(ledger.verifyFromLastVerifiedCheckpoint(null).size()).isEqualTo(16);
            // The checkpoint signed before the erasure still proves the erased entry.
            Checkpoint before = ledger.latestCheckpoint().orElseThrow();
            InclusionProof proof = ledger.proveInclusion(3, before.size());
            assertThat(proof.root()).isEqualTo(before.root());
            proof.verify();
            ledger.proveConsistency(before.size(), ledger.size()).verify();

            StringWriter out = new StringWriter();
            ledger.export(out, 3, 3, null);
            JsonNode line = JSON.readTree(out.toString());
            assertThat(line.get("payload").isNull()).isTrue();
            byte[] prev = Base64.getDecoder().decode(line.get("prev_hash").asText());
            // Recomputed by the independent implementation from FORMATS.md, from the export alone.
            assertThat(RawLedger.entryHash(prev, 3, line.get("timestamp").asLong(), "METADATA",
                    Base64.getDecoder().decode(line.get("payload_hash").asText()))).isEqualTo(entryHashBefore);
        }
    }

    @Test
    void erasingRefusesWhatMayNotGoAndChangesNothing() {
        try (AuditLedger ledger = AuditLedger.open(home)) {
            ledger.erase(List.of(5L), Map.of("reason", "subject request"));
            long size = ledger.size();
            assertThatThrownBy(() -> ledger.erase(List.of(4L, 0L), Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position 0 is a GENESIS");
            assertThatThrownBy(() -> ledger.erase(List.of(10L), Map.of()))
                    .hasMessageContaining("position 10 is a CHECKPOINT");
            assertThatThrownBy(() -> ledger.erase(List.of(size - 1), Map.of()))
                    .hasMessageContaining("is a ERASURE entry");
            assertThatThrownBy(() -> ledger.erase(List.of(4L, 5L), Map.of()))
                    .hasMessageContaining("position 5 is already erased");
            assertThatThrownBy(() -> ledger.erase(List.of(4L, 99L), Map.of()))
                    .hasMessageContaining("position 99 is not in the ledger");
            assertThatThrownBy(() -> ledger.erase(List.of(), Map.of())).hasMessageContaining("1 to");
            assertThatThrownBy(() -> ledger.erase(List.of(4L), Map.of("positions", List.of(7))))
                    .hasMessageContaining("must not contain 'positions'");
            assertThat(ledger.size()).isEqualTo(size);
            assertThat(ledger.entry(4).orElseThrow().payload()).isPresent();
            assertThat(ledger.verify().size()).isEqualTo(size);
        }
    }

    @Test
    void sqliteRefusesToDeleteAPayloadNoErasureNames() throws Exception {
        try (RawLedger raw = new RawLedger(home)) {
            assertThatThrownBy(() -> raw.exec("DELETE FROM payloads WHERE position=4"))
                    .hasMessageContaining("ERASURE entry names its position");
            assertThatThrownBy(() -> raw.exec("UPDATE payloads SET payload=x'00' WHERE position=4"))
                    .hasMessageContaining("write-once");
            assertThatThrownBy(() -> raw.exec("INSERT INTO erased (position, erasure) VALUES (4, 7)"))
                    .hasMessageContaining("later ERASURE entry");
        }
    }

    @Test
    void aPayloadDeletedBehindCiafsBackIsTampering() throws Exception {
        try (RawLedger raw = new RawLedger(home).dropTriggers()) {
            raw.exec("DELETE FROM payloads WHERE position=4");
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(4);
        assertThat(e.reason()).contains("no ERASURE entry names this position");
    }

    @Test
    void anErasureMarkPointingAtAnEntryThatIsNoErasureIsTampering() throws Exception {
        try (RawLedger raw = new RawLedger(home).dropTriggers()) {
            raw.exec("INSERT INTO erased (position, erasure) VALUES (4, 7)");
            raw.exec("DELETE FROM payloads WHERE position=4");
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(4);
        assertThat(e.reason()).contains("which is a METADATA entry, not an ERASURE");
    }

    @Test
    void anErasureMarkTheErasureEntryDoesNotListIsTampering() throws Exception {
        try (AuditLedger ledger = AuditLedger.open(home)) {
            ledger.erase(List.of(2L), Map.of("reason", "test"));
        }
        try (RawLedger raw = new RawLedger(home).dropTriggers()) {
            raw.exec("INSERT INTO erased (position, erasure) VALUES (6, 15)");
            raw.exec("DELETE FROM payloads WHERE position=6");
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(6);
        assertThat(e.reason()).contains("does not name this position");
    }

    @Test
    void anErasureMarkBeyondTheEndIsTampering() throws Exception {
        try (RawLedger raw = new RawLedger(home).dropTriggers()) {
            raw.exec("INSERT INTO erased (position, erasure) VALUES (6, 500)");
            raw.exec("DELETE FROM payloads WHERE position=6");
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(6);
        assertThat(e.reason()).contains("has only 15 entries");
    }

    @Test
    void theErasureEntrysOwnPayloadAndACheckpointsCannotGo() throws Exception {
        try (AuditLedger ledger = AuditLedger.open(home)) {
            ledger.erase(List.of(2L), Map.of("reason", "test"));
        }
        try (RawLedger raw = new RawLedger(home).dropTriggers()) {
            raw.exec("INSERT INTO erased (position, erasure) VALUES (10, 15)");
            raw.exec("DELETE FROM payloads WHERE position=10");
        }
        LedgerTamperedException e = verifyFails();
        assertThat(e.position()).hasValue(10);
        assertThat(e.reason()).contains("CHECKPOINT payloads are never erased");
    }

    private LedgerTamperedException verifyFails() {
        return RawLedger.verifyFails(home);
    }
}
