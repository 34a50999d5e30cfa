package io.ciaf.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup-restoration test: backups restore, and a corrupted, altered or foreign one never does. */
class LedgerBackupTest {

    @TempDir
    Path dir;
    Path home;
    Path backup;

    @BeforeEach
    void build() {
        home = dir.resolve("home");
        backup = dir.resolve("backup");
        try (AuditLedger ledger = AuditLedger.create(home, "ciaf.test/backup")) {
            for (int i = 0; i < 20; i++) {
                ledger.append("METADATA", Map.of("model_name", "credit", "i", i), null);
            }
            ledger.checkpoint();
            ledger.erase(List.of(3L), Map.of("reason", "test"));
            LedgerBackup.Manifest m = LedgerBackup.backup(ledger, backup);
            assertThat(m.size()).isEqualTo(23);
            assertThat(m.checkpoint()).isEqualTo(21);
            assertThat(m.root()).isEqualTo(HexFormat.of().formatHex(ledger.rootAt(23)));
        }
    }

    private byte[] homeLedger() throws Exception {
        return Files.readAllBytes(home.resolve(AuditLedger.LEDGER_FILE));
    }

    @Test
    void aBackupHoldsNoSecretsAndItsChecksumsAreSha256sumFormat() throws Exception {
        assertThat(backup.resolve(AuditLedger.SIGNING_KEY_FILE)).doesNotExist();
        List<String> sums = Files.readAllLines(backup.resolve("SHA256SUMS"));
        assertThat(sums).anyMatch(l -> l.matches("[0-9a-f]{64}  ledger\\.db"))
                .anyMatch(l -> l.endsWith("  checkpoints/21.note")).anyMatch(l -> l.endsWith("  backup.json"));
        Process p = new ProcessBuilder("sha256sum", "-c", "--quiet", "SHA256SUMS").directory(backup.toFile())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
        assertThatThrownBy(() -> {
            try (AuditLedger ledger = AuditLedger.open(home)) {
                LedgerBackup.backup(ledger, backup);
            }
        }).hasMessageContaining("is not empty");
    }

    @Test
    void aBackupRestoresIntoAFreshHomeAndOverALostLedger() throws Exception {
        Path fresh = dir.resolve("fresh");
        assertThat(LedgerBackup.restore(backup, fresh, false)).isEmpty();
        try (AuditLedger restored = AuditLedger.open(fresh)) {
            assertThat(restored.verify().size()).isEqualTo(23);
            assertThat(restored.entry(3).orElseThrow().payload()).isEmpty();
        }

        // The home's ledger is damaged: restore replaces it, keeping the damaged file beside it.
        try (var ch = java.nio.channels.FileChannel.open(home.resolve(AuditLedger.LEDGER_FILE), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("garbage".getBytes(StandardCharsets.US_ASCII)), 9000);
        }
        Path replaced = LedgerBackup.restore(backup, home, false).orElseThrow();
        assertThat(replaced.getFileName().toString()).startsWith("ledger.db.replaced-");
        assertThat(replaced).exists();
        try (AuditLedger restored = AuditLedger.open(home)) {
            assertThat(restored.verify().size()).isEqualTo(23);
            restored.append("METADATA", Map.of("after", "restore"), null);
            restored.checkpoint();
        }
        try (var s = Files.list(dir)) {
            assertThat(s.map(x -> x.getFileName().toString())).noneMatch(n -> n.contains(".restore-"));
        }
    }

    @Test
    void aCorruptedBackupIsRefusedAndTheHomeIsUntouched() throws Exception {
        byte[] before = homeLedger();
        Path db = backup.resolve(AuditLedger.LEDGER_FILE);
        byte[] original = Files.readAllBytes(db);
        byte[] bytes = original.clone();
        bytes[bytes.length / 2] ^= 1;
        Files.write(db, bytes);
        assertThatThrownBy(() -> LedgerBackup.restore(backup, home, false)).isInstanceOf(LedgerException.class)
                .hasMessageContaining("ledger.db does not match its checksum").hasMessageContaining("nothing was restored");
        assertThat(homeLedger()).isEqualTo(before);

        Files.write(db, original);
        Files.delete(backup.resolve("checkpoints/21.note"));
        assertThatThrownBy(() -> LedgerBackup.restore(backup, home, false)).hasMessageContaining("are missing");
    }

    @Test
    void anAlteredBackupWithRecomputedChecksumsFailsVerificationAndIsRefused() throws Exception {
        byte[] before = homeLedger();
        try (RawLedger raw = new RawLedger(backup).dropTriggers()) {
            raw.exec("UPDATE payloads SET payload = CAST('{\"i\":99}' AS BLOB) WHERE position = 5");
        }
        rewriteSums();
        assertThatThrownBy(() -> LedgerBackup.restore(backup, home, false)).isInstanceOf(LedgerException.class)
                .hasMessageContaining("does not verify").hasMessageContaining("position 5");
        assertThat(homeLedger()).isEqualTo(before);
    }

    @Test
    void aBackupOfAnotherLedgerOrAnOlderOneIsRefused() throws Exception {
        Path other = dir.resolve("other");
        Path otherBackup = dir.resolve("other-backup");
        try (AuditLedger ledger = AuditLedger.create(other, "ciaf.test/other")) {
            LedgerBackup.backup(ledger, otherBackup);
        }
        assertThatThrownBy(() -> LedgerBackup.restore(otherBackup, home, false))
                .hasMessageContaining("is of ledger ciaf.test/other").hasMessageContaining("belongs to ciaf.test/backup");

        try (AuditLedger ledger = AuditLedger.open(home)) {
            ledger.append("METADATA", Map.of("later", 1), null);
            ledger.checkpoint();
        }
        byte[] before = homeLedger();
        assertThatThrownBy(() -> LedgerBackup.restore(backup, home, false))
                .hasMessageContaining("has 23 entries").hasMessageContaining("--allow-older");
        assertThat(homeLedger()).isEqualTo(before);
        assertThat(LedgerBackup.restore(backup, home, true)).isPresent();
    }

    private void rewriteSums() throws Exception {
        StringBuilder out = new StringBuilder();
        try (var files = Files.walk(backup)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = backup.relativize(f).toString();
                if (!name.equals("SHA256SUMS")) {
                    out.append(HexFormat.of().formatHex(RawLedger.sha256(Files.readAllBytes(f)))).append("  ")
                            .append(name).append('\n');
                }
            }
        }
        Files.writeString(backup.resolve("SHA256SUMS"), out.toString());
    }
}
