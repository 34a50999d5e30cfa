package io.ciaf.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLedgerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path home;
    AuditLedger ledger;

    @BeforeEach
    void create() {
        home = dir.resolve("home");
        ledger = AuditLedger.create(home, "ciaf.test/ledger");
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    @Test
    void createWritesOwnerOnlyKeyVerifierKeyAndAGenesisEntryNamingTheKey() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("signing.key"))))
                .isEqualTo("rw-------");
        VerifierKey vkey = VerifierKey.parse(Files.readString(home.resolve("signing.vkey")));
        assertThat(vkey).isEqualTo(ledger.verifierKey());
        assertThat(vkey.name()).isEqualTo("ciaf.test/ledger");
        assertThat(Files.isDirectory(home.resolve("checkpoints"))).isTrue();
        assertThat(ledger.size()).isEqualTo(1);
        LedgerEntry genesis = ledger.entry(0).orElseThrow();
        assertThat(genesis.type()).isEqualTo("GENESIS");
        assertThat(JSON.readTree(genesis.payload().orElseThrow()).get("verifier_key").asText()).isEqualTo(vkey.toString());
        assertThat(genesis.prevHash()).isEqualTo(new byte[32]);
    }

    @Test
    void createRefusesToOverwriteAndOpenWithoutLedgerSuggestsInit() throws Exception {
        byte[] before = Files.readAllBytes(home.resolve("signing.key"));
        assertThatThrownBy(() -> AuditLedger.create(home, "other")).isInstanceOf(LedgerException.class)
                .hasMessageContaining("refusing to overwrite");
        assertThat(Files.readAllBytes(home.resolve("signing.key"))).isEqualTo(before);
        assertThatThrownBy(() -> AuditLedger.open(dir.resolve("nowhere"))).isInstanceOf(LedgerException.class)
                .hasMessageContaining("no ledger at").hasMessageContaining("ciaf init --home");
        assertThatThrownBy(() -> AuditLedger.create(dir.resolve("x"), "bad origin"))
                .hasMessageContaining("without spaces");
    }

    @Test
    void anotherSqliteFileIsNotTakenForALedger() throws Exception {
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        Files.copy(home.resolve("signing.vkey"), other.resolve("signing.vkey"));
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + other.resolve("ledger.db"))) {
            c.createStatement().execute("CREATE TABLE t(x)");
        }
        assertThatThrownBy(() -> AuditLedger.open(other)).hasMessageContaining("not a CIAF ledger");
    }

    @Test
    void appendStoresCanonicalPayloadWithNonceAndChainsHashesAsFormatsSays() throws Exception {
        AppendReceipt r1 = ledger.append("METADATA", Map.of("z", 1, "a", List.of(true, "x")), null);
        AppendReceipt r2 = ledger.append("INFERENCE", Map.of("score", 0.5), null);
        assertThat(r1.position()).isEqualTo(1);
        assertThat(r2.position()).isEqualTo(2);
        assertThat(r2.timestamp()).isGreaterThan(r1.timestamp());
        LedgerEntry e1 = ledger.entry(1).orElseThrow();
        String payload = e1.payload().orElseThrow();
        assertThat(payload).matches("\\{\"a\":\\[true,\"x\"],\"nonce\":\"[A-Za-z0-9+/]{22}==\",\"z\":1}");
        assertThat(Base64.getDecoder().decode(JSON.readTree(payload).get("nonce").asText())).hasSize(16);
        byte[] payloadHash = RawLedger.sha256(payload.getBytes(StandardCharsets.UTF_8));
        assertThat(e1.payloadHash()).isEqualTo(payloadHash);
        byte[] genesisHash = ledger.entry(0).orElseThrow().entryHash();
        assertThat(e1.prevHash()).isEqualTo(genesisHash);
        assertThat(e1.entryHash()).isEqualTo(RawLedger.entryHash(genesisHash, 1, e1.timestamp(), "METADATA",
                payloadHash)).isEqualTo(r1.entryHash());
        assertThat(ledger.entry(2).orElseThrow().prevHash()).isEqualTo(e1.entryHash());
        // Two appends of the same fields differ in nonce, so their hashes reveal nothing once erased.
        AppendReceipt r3 = ledger.append("METADATA", Map.of("z", 1, "a", List.of(true, "x")), null);
        assertThat(ledger.entry(3).orElseThrow().payloadHash()).isNotEqualTo(payloadHash);
        assertThat(r3.alreadyCommitted()).isFalse();
    }

    @Test
    void anEntryTypeIsAcceptedExactlyWhenTheVerifiersPatternMatchesIt() {
        List<String> types = new ArrayList<>(List.of("", "A", "_", "METADATA", "A".repeat(32), "A".repeat(33),
                "metadata", "MODEL-ANCHOR", "MODEL ANCHOR", "MODEL1", "\u00c4", "[", "@", "Z_"));
        Random random = new Random(32);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder t = new StringBuilder();
            for (int n = random.nextInt(36); n > 0; n--) {
                t.append((char) random.nextInt('@', '`' + 1)); // '@', 'A'..'Z', '[', ..., '_', '`'
            }
            types.add(t.toString());
        }
        for (String type : types) {
            boolean accepted;
            try {
                NewEntry.requireType(type);
                accepted = true;
            } catch (IllegalArgumentException e) {
                accepted = false;
            }
            assertThat(accepted).as("'%s'", type).isEqualTo(NewEntry.TYPE.matcher(type).matches());
        }
    }

    @Test
    void badTypesAndReservedFieldsAreRefusedWithTheFix() {
        assertThatThrownBy(() -> ledger.append("metadata", Map.of(), null)).hasMessageContaining("A-Z or _");
        assertThatThrownBy(() -> ledger.append("X".repeat(33), Map.of(), null)).hasMessageContaining("1 to 32");
        assertThatThrownBy(() -> ledger.append("METADATA", Map.of("nonce", "x"), null))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> ledger.append("METADATA", Map.of("v", Double.NaN), null))
                .hasMessageContaining("payload.v");
        assertThat(ledger.size()).isEqualTo(1);
    }

    @Test
    void anIdempotencyKeyAlreadyCommittedReturnsTheOriginalReceiptAndAddsNothing() {
        AppendReceipt first = ledger.append("INFERENCE", Map.of("request", "r-1"), "req-1");
        AppendReceipt again = ledger.append("INFERENCE", Map.of("request", "r-1"), "req-1");
        assertThat(again.alreadyCommitted()).isTrue();
        assertThat(again.position()).isEqualTo(first.position());
        assertThat(again.timestamp()).isEqualTo(first.timestamp());
        assertThat(again.entryHash()).isEqualTo(first.entryHash());
        assertThat(ledger.size()).isEqualTo(2);
        assertThat(ledger.entry(1).orElseThrow().payload().orElseThrow()).contains("\"idempotency_key\":\"req-1\"");

        List<AppendReceipt> batch = ledger.appendAll(List.of(
                NewEntry.of("INFERENCE", Map.of("request", "r-2"), "req-2"),
                NewEntry.ofJson("INFERENCE", "{\"request\":\"r-2\",\"idempotency_key\":\"req-2\"}"),
                NewEntry.of("INFERENCE", Map.of("request", "r-1"), "req-1")));
        assertThat(batch.get(0).alreadyCommitted()).isFalse();
        assertThat(batch.get(1).alreadyCommitted()).isTrue();
        assertThat(batch.get(1).position()).isEqualTo(batch.get(0).position());
        assertThat(batch.get(2).position()).isEqualTo(first.position());
        assertThat(ledger.size()).isEqualTo(3);
    }

    /** Keys are looked up in one query as a JSON array: any text must survive it, in batches of any size. */
    @Test
    void committedKeysAreFoundInLargeBatchesWhateverTheirCharacters() {
        List<String> odd = List.of("q\"uote", "back\\slash", "tab\tnew\nline", "\u0001ctl", "ümlaut-日本", "😀", "[\"a\"]",
                "a,b", "%_like", " ");
        Map<String, Long> positions = new java.util.HashMap<>();
        for (String key : odd) {
            positions.put(key, ledger.append("INFERENCE", Map.of("request", key), key).position());
        }
        List<NewEntry> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            batch.add(NewEntry.of("INFERENCE", Map.of("request", "n-" + i), "n-" + i));
            if (i % 120 == 0) {
                String key = odd.get(i / 120);
                batch.add(NewEntry.of("INFERENCE", Map.of("request", key), key));
            }
        }
        long sizeBefore = ledger.size();
        List<AppendReceipt> receipts = ledger.appendAll(batch);
        for (int i = 0; i < batch.size(); i++) {
            String key = batch.get(i).idempotencyKey();
            if (positions.containsKey(key)) {
                assertThat(receipts.get(i).alreadyCommitted()).as(key).isTrue();
                assertThat(receipts.get(i).position()).as(key).isEqualTo(positions.get(key));
            } else {
                assertThat(receipts.get(i).alreadyCommitted()).as(key).isFalse();
            }
        }
        assertThat(ledger.size()).isEqualTo(sizeBefore + 1_200);
        assertThat(ledger.verify().size()).isEqualTo(ledger.size());
    }

    /**
     * New keys are inserted without a lookup and the unique index refuses a reused one, here only after many rows
     * of the batch were written: none of them may stay, and the batch is appended once, without a gap.
     */
    @Test
    void aKeyReusedAtTheEndOfALargeBatchGetsItsReceiptAndTheRestIsAppendedOnce() {
        AppendReceipt first = ledger.append("INFERENCE", Map.of("request", "r-1"), "req-1");
        List<NewEntry> batch = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            batch.add(NewEntry.of("METADATA", Map.of("i", i), "m-" + i));
        }
        batch.add(NewEntry.of("INFERENCE", Map.of("request", "r-1"), "req-1"));
        long before = ledger.size();

        List<AppendReceipt> receipts = ledger.appendAll(batch);

        assertThat(receipts.get(2_000).alreadyCommitted()).isTrue();
        assertThat(receipts.get(2_000).position()).isEqualTo(first.position());
        for (int i = 0; i < 2_000; i++) {
            assertThat(receipts.get(i).alreadyCommitted()).isFalse();
            assertThat(receipts.get(i).position()).isEqualTo(before + i);
        }
        assertThat(ledger.size()).isEqualTo(before + 2_000);
        assertThat(ledger.appendAll(batch.subList(1_999, 2_001))).allMatch(AppendReceipt::alreadyCommitted);
        assertThat(ledger.append("METADATA", Map.of("after", true), "m-after").position()).isEqualTo(before + 2_000);
        assertThat(ledger.verify().size()).isEqualTo(ledger.size());
    }

    @Test
    void reusingAKeyForADifferentRequestFailsTheWholeBatch() {
        ledger.append("INFERENCE", Map.of("request", "r-1"), "req-1");
        assertThatThrownBy(() -> ledger.appendAll(List.of(NewEntry.of("METADATA", Map.of("ok", 1), null),
                NewEntry.of("INFERENCE", Map.of("request", "other"), "req-1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already used at position 1");
        assertThat(ledger.size()).isEqualTo(2);
        ledger.append("METADATA", Map.of("after", true), null);
        assertThat(ledger.size()).isEqualTo(3);
        assertThat(ledger.verify().size()).isEqualTo(3);
    }

    @Test
    void rowsCannotBeUpdatedDeletedOrReplacedThroughSqlite() throws Exception {
        ledger.append("METADATA", Map.of("k", "v"), null);
        try (RawLedger raw = new RawLedger(home)) {
            assertThatThrownBy(() -> raw.exec("UPDATE entries SET type='X' WHERE position=1"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("write-once");
            assertThatThrownBy(() -> raw.exec("DELETE FROM entries WHERE position=1"))
                    .hasMessageContaining("write-once");
            raw.exec("PRAGMA recursive_triggers=ON");
            assertThatThrownBy(() -> raw.exec("INSERT OR REPLACE INTO entries"
                    + " (position, timestamp, type, payload_hash, prev_hash, entry_hash) VALUES (1, 1, 'X', x'00',"
                    + " x'00', x'00')")).hasMessageContaining("write-once");
            assertThat(raw.count()).isEqualTo(2);
            try (var rs = raw.c.createStatement().executeQuery("PRAGMA journal_mode")) {
                assertThat(rs.getString(1)).isEqualTo("wal");
            }
        }
        assertThat(ledger.verify().size()).isEqualTo(2);
    }

    @Test
    void threadsAppendingConcurrentlyKeepOneChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<AppendReceipt>>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                List<AppendReceipt> mine = new ArrayList<>();
                Random random = new Random(thread);
                for (int i = 0; i < 300; ) {
                    int n = 1 + random.nextInt(7);
                    List<NewEntry> batch = new ArrayList<>();
                    for (int j = 0; j < n; j++, i++) {
                        batch.add(NewEntry.of("METADATA", Map.of("thread", thread, "i", i), null));
                    }
                    mine.addAll(ledger.appendAll(batch));
                }
                return mine;
            }));
        }
        Set<Long> positions = new HashSet<>();
        for (Future<List<AppendReceipt>> f : futures) {
            for (AppendReceipt r : f.get()) {
                assertThat(positions.add(r.position())).isTrue();
            }
        }
        pool.shutdown();
        long size = ledger.size();
        assertThat(size).isEqualTo(1 + positions.size());
        assertThat(ledger.verify().size()).isEqualTo(size);
    }

    @Test
    void proofsForEverySizeMatchAnIndependentTreeOverTheEntryHashesAndVerify() throws Exception {
        for (int i = 0; i < 40; i++) {
            ledger.append("METADATA", Map.of("i", i), null);
        }
        List<byte[]> entryHashes = new ArrayList<>();
        for (long p = 0; p < ledger.size(); p++) {
            entryHashes.add(ledger.entry(p).orElseThrow().entryHash());
        }
        Merkle.Nodes reference = MerkleVectorsTest.referenceTree(entryHashes);
        for (long size = 1; size <= ledger.size(); size++) {
            byte[] root = Merkle.root(reference, size);
            assertThat(ledger.rootAt(size)).isEqualTo(root);
            for (long i = 0; i < size; i += 3) {
                InclusionProof proof = ledger.proveInclusion(i, size);
                proof.verify();
                assertThat(proof.proof()).containsExactlyElementsOf(Merkle.inclusionPath(reference, i, size));
                assertThat(proof.leafHash()).isEqualTo(RawLedger.sha256(new byte[] {0}, entryHashes.get((int) i)));
            }
            for (long m = 1; m <= size; m += 2) {
                ConsistencyProof proof = ledger.proveConsistency(m, size);
                proof.verify();
                assertThat(proof.root1()).isEqualTo(Merkle.root(reference, m));
            }
        }
        JsonNode json = JSON.readTree(ledger.proveInclusion(5, 8).toJson());
        assertThat(json.fieldNames()).toIterable().containsExactly("leafIdx", "treeSize", "root", "leafHash", "proof");
        JsonNode cons = JSON.readTree(ledger.proveConsistency(3, 8).toJson());
        assertThat(cons.fieldNames()).toIterable().containsExactly("size1", "size2", "root1", "root2", "proof");
        assertThatThrownBy(() -> ledger.proveInclusion(0, 1000)).hasMessageContaining("the ledger has 41 entries");
        assertThatThrownBy(() -> ledger.proveInclusion(8, 8)).hasMessageContaining("valid: 0 to 7");
        assertThatThrownBy(() -> ledger.proveConsistency(0, 8)).hasMessageContaining("1 <= from");
    }

    @Test
    void checkpointsAreSignedNotesKeptAsFilesAndEntriesAndConsistentWithEachOther() throws Exception {
        for (int i = 0; i < 5; i++) {
            ledger.append("METADATA", Map.of("i", i), null);
        }
        Checkpoint first = ledger.checkpoint();
        assertThat(first.size()).isEqualTo(6);
        assertThat(first.root()).isEqualTo(ledger.rootAt(6));
        Path note = home.resolve("checkpoints/6.note");
        assertThat(Files.readString(note)).isEqualTo(first.signedNote())
                .startsWith("ciaf.test/ledger\n6\n" + first.rootBase64() + "\n\n\u2014 ciaf.test/ledger ");
        assertThat(ledger.verifierKey().verify(first.signedNote())).isEqualTo("ciaf.test/ledger\n6\n"
                + first.rootBase64() + "\n");
        LedgerEntry sealed = ledger.entry(6).orElseThrow();
        assertThat(sealed.type()).isEqualTo("CHECKPOINT");
        assertThat(JSON.readTree(sealed.payload().orElseThrow()).get("checkpoint").asText())
                .isEqualTo(first.signedNote());

        ledger.append("METADATA", Map.of("later", true), null);
        Checkpoint second = ledger.checkpoint();
        assertThat(second.size()).isEqualTo(8);
        assertThat(ledger.latestCheckpoint().orElseThrow().size()).isEqualTo(8);
        ledger.proveConsistency(6, 8).verify();
        assertThat(ledger.proveConsistency(6, 8).root1()).isEqualTo(first.root());

        VerificationReport report = ledger.verify();
        assertThat(report.size()).isEqualTo(9);
        assertThat(report.checkpoint().orElseThrow().size()).isEqualTo(8);
        assertThat(report.full()).isTrue();
    }

    @Test
    void theLedgerRefusesToSignACheckpointInconsistentWithTheLastOne() throws Exception {
        for (int i = 0; i < 6; i++) {
            ledger.append("METADATA", Map.of("i", i), null);
        }
        ledger.checkpoint();
        ledger.append("METADATA", Map.of("after", 1), null);
        ledger.close();
        try (RawLedger raw = new RawLedger(home)) {
            raw.dropTriggers();
            raw.exec("UPDATE entries SET subtree_hashes = zeroblob(64) WHERE position = 3");
        }
        ledger = AuditLedger.open(home);
        // Re-creating the triggers is all an attacker needs to make the file writable again.
        try (RawLedger raw = new RawLedger(home)) {
            raw.recreateTriggers();
        }
        ledger.close();
        ledger = AuditLedger.open(home);
        assertThatThrownBy(ledger::checkpoint).isInstanceOf(LedgerTamperedException.class)
                .hasMessageContaining("refusing to sign");
        try (var notes = Files.list(home.resolve("checkpoints"))) {
            assertThat(notes.map(p -> p.getFileName().toString())).containsExactly("7.note");
        }
    }

    @Test
    void aLedgerWhoseTriggersWereRemovedRefusesAppends() throws Exception {
        ledger.close();
        try (RawLedger raw = new RawLedger(home)) {
            raw.dropTriggers();
        }
        ledger = AuditLedger.open(home);
        assertThatThrownBy(() -> ledger.append("METADATA", Map.of(), null))
                .hasMessageContaining("lost its write-once triggers");
    }

    @Test
    void verifyingFromTheLastVerifiedCheckpointStartsThereAndStillCatchesLaterTampering() throws Exception {
        for (int i = 0; i < 20; i++) {
            ledger.append("METADATA", Map.of("i", i), null);
        }
        ledger.checkpoint();
        for (int i = 0; i < 10; i++) {
            ledger.append("METADATA", Map.of("j", i), null);
        }
        assertThat(ledger.verifyFromLastVerifiedCheckpoint(null).full()).isTrue();
        assertThat(ledger.verify().full()).isTrue();
        VerificationReport fast = ledger.verifyFromLastVerifiedCheckpoint(null);
        assertThat(fast.firstChecked()).isEqualTo(21);
        assertThat(fast.size()).isEqualTo(32);
        assertThat(fast.root()).isEqualTo(ledger.verify().root());
        try (RawLedger raw = new RawLedger(home)) {
            raw.dropTriggers();
            raw.exec("UPDATE payloads SET payload = CAST('{}' AS BLOB) WHERE position = 25");
        }
        assertThatThrownBy(() -> ledger.verifyFromLastVerifiedCheckpoint(null))
                .isInstanceOfSatisfying(LedgerTamperedException.class,
                        e -> assertThat(e.position()).hasValue(25));
    }

    @Test
    void exportWritesJsonLinesAThirdPartyCanRecheck() throws Exception {
        ledger.append("METADATA", Map.of("a", 1), null);
        ledger.append("INFERENCE", Map.of("b", "ü"), "k-1");
        StringWriter out = new StringWriter();
        assertThat(ledger.export(out, 0, Long.MAX_VALUE, null)).isEqualTo(3);
        String[] lines = out.toString().split("\n");
        assertThat(lines).hasSize(3);
        byte[] prev = new byte[32];
        for (int i = 0; i < lines.length; i++) {
            JsonNode line = JSON.readTree(lines[i]);
            assertThat(line.fieldNames()).toIterable().containsExactly("position", "timestamp", "type", "payload",
                    "payload_hash", "prev_hash", "entry_hash");
            byte[] payload = Base64.getDecoder().decode(line.get("payload").asText());
            byte[] payloadHash = Base64.getDecoder().decode(line.get("payload_hash").asText());
            assertThat(RawLedger.sha256(payload)).isEqualTo(payloadHash);
            assertThat(Base64.getDecoder().decode(line.get("prev_hash").asText())).isEqualTo(prev);
            prev = RawLedger.entryHash(prev, line.get("position").asLong(), line.get("timestamp").asLong(),
                    line.get("type").asText(), payloadHash);
            assertThat(Base64.getDecoder().decode(line.get("entry_hash").asText())).isEqualTo(prev);
        }
        StringWriter part = new StringWriter();
        assertThat(ledger.export(part, 1, 1, null)).isEqualTo(1);
        assertThat(part.toString()).isEqualTo(lines[1] + "\n");
    }
}
