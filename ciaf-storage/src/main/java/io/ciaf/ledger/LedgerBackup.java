package io.ciaf.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.ciaf.storage.internal.RecordJson;

/**
 * Backups of a ledger, and restoring one. A backup directory holds {@code ledger.db} (a consistent online
 * copy made with SQLite's {@code VACUUM INTO} while appends go on), {@code signing.vkey}, the signed
 * checkpoint notes, {@code backup.json} (size, root, latest checkpoint, when) and {@code SHA256SUMS} over all
 * of them, in {@code sha256sum -c} format. The signing key and the commitment key store are secrets and are
 * never copied: keep them apart, as their own secrets.
 *
 * <p>Restoring checks every checksum, then verifies the backed-up chain against its own verifier key and
 * checkpoints, and, when the home already has a ledger, that it is the same ledger (same verifier key) and
 * no shorter than the home's latest signed checkpoint, all before anything in the home is touched. The ledger
 * it replaces is kept beside it, renamed, never deleted.
 */
public final class LedgerBackup {

    static final String SUMS = "SHA256SUMS";
    static final String MANIFEST = "backup.json";

    private LedgerBackup() {
    }

    /** What a backup holds. */
    public record Manifest(long size, String root, Long checkpoint, String created) {
    }

    /**
     * Writes a backup of {@code ledger} into {@code dir}, which must not exist or be empty.
     *
     * @throws IllegalArgumentException if {@code dir} holds files
     */
    public static Manifest backup(AuditLedger ledger, Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        throw new IllegalArgumentException("backup directory " + dir + " is not empty; give a new one");
                    }
                }
            }
            Files.createDirectories(dir.resolve(AuditLedger.CHECKPOINT_DIR));
            Path db = dir.resolve(AuditLedger.LEDGER_FILE);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger.databaseFile().toAbsolutePath());
                    Statement s = c.createStatement()) {
                s.execute("VACUUM INTO '" + db.toAbsolutePath().toString().replace("'", "''") + "'");
            }
            Files.copy(ledger.home().resolve(AuditLedger.VERIFIER_KEY_FILE), dir.resolve(AuditLedger.VERIFIER_KEY_FILE));
            for (Path note : ledger.checkpointFiles().values()) {
                Files.copy(note, dir.resolve(AuditLedger.CHECKPOINT_DIR).resolve(note.getFileName()));
            }
            Manifest m;
            try (AuditLedger copy = AuditLedger.open(dir)) {
                long size = copy.size();
                m = new Manifest(size, HexFormat.of().formatHex(copy.rootAt(size)),
                        copy.latestCheckpoint().map(Checkpoint::size).orElse(null), Instant.now().toString());
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("size", m.size());
            json.put("root", m.root());
            json.put("checkpoint", m.checkpoint());
            json.put("created", m.created());
            json.put("origin", ledger.origin());
            Files.writeString(dir.resolve(MANIFEST), RecordJson.MAPPER.writeValueAsString(json) + "\n");
            StringBuilder sums = new StringBuilder();
            for (Path f : files(dir)) {
                sums.append(sha256(f)).append("  ").append(dir.relativize(f).toString().replace('\\', '/')).append('\n');
            }
            AuditLedger.writeAtomically(dir.resolve(SUMS), sums.toString());
            return m;
        } catch (SQLException e) {
            throw new LedgerException("cannot copy ledger " + ledger.databaseFile() + " to " + dir + ": " + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the backup in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Restores the backup in {@code dir} into {@code home}, after checking it (see the class comment).
     *
     * @param allowOlder restore even when the home's latest signed checkpoint covers more entries than the
     *     backup has (those entries are then lost from the restored ledger; the replaced file is kept)
     * @return the path the replaced ledger file was moved to, if there was one
     * @throws LedgerException naming the file, checksum or check that failed; nothing in the home changed then
     */
    public static Optional<Path> restore(Path dir, Path home, boolean allowOlder) {
        checkSums(dir);
        Path staging = home.resolveSibling(home.getFileName() + ".restore-" + System.nanoTime());
        try {
            Files.createDirectories(staging.resolve(AuditLedger.CHECKPOINT_DIR));
            Files.copy(dir.resolve(AuditLedger.LEDGER_FILE), staging.resolve(AuditLedger.LEDGER_FILE));
            Files.copy(dir.resolve(AuditLedger.VERIFIER_KEY_FILE), staging.resolve(AuditLedger.VERIFIER_KEY_FILE));
            try (Stream<Path> notes = Files.list(dir.resolve(AuditLedger.CHECKPOINT_DIR))) {
                for (Path n : notes.toList()) {
                    Files.copy(n, staging.resolve(AuditLedger.CHECKPOINT_DIR).resolve(n.getFileName()));
                }
            }
            long size;
            VerifierKey key;
            try (AuditLedger staged = AuditLedger.open(staging)) {
                try {
                    size = staged.verify().size();
                } catch (LedgerTamperedException e) {
                    throw new LedgerException("backup " + dir + " does not verify: " + e.getMessage()
                            + "; nothing was restored", e);
                }
                key = staged.verifierKey();
            }
            Path current = home.resolve(AuditLedger.LEDGER_FILE);
            if (Files.exists(home.resolve(AuditLedger.VERIFIER_KEY_FILE))) {
                VerifierKey homeKey = VerifierKey.parse(Files.readString(home.resolve(AuditLedger.VERIFIER_KEY_FILE)).strip());
                if (!homeKey.equals(key)) {
                    throw new LedgerException("backup " + dir + " is of ledger " + key.name() + " (" + key.keyIdHex()
                            + ") but " + home + " belongs to " + homeKey.name() + " (" + homeKey.keyIdHex()
                            + "); nothing was restored");
                }
            }
            Long homeCheckpoint = latestNote(home);
            if (homeCheckpoint != null && homeCheckpoint > size && !allowOlder) {
                throw new LedgerException("backup " + dir + " has " + size + " entries but " + home
                        + " has a checkpoint signed over " + homeCheckpoint + ": restoring it would lose entries."
                        + " Use a newer backup, or --allow-older to restore it anyway; nothing was restored");
            }
            Files.createDirectories(home.resolve(AuditLedger.CHECKPOINT_DIR));
            Path replaced = null;
            if (Files.exists(current)) {
                replaced = home.resolve(AuditLedger.LEDGER_FILE + ".replaced-" + Instant.now().toString().replace(':', '-'));
                for (String suffix : new String[] {"-wal", "-shm"}) {
                    Path side = home.resolve(AuditLedger.LEDGER_FILE + suffix);
                    if (Files.exists(side)) {
                        Files.move(side, replaced.resolveSibling(replaced.getFileName() + suffix));
                    }
                }
                Files.move(current, replaced);
            }
            Files.move(staging.resolve(AuditLedger.LEDGER_FILE), current, StandardCopyOption.ATOMIC_MOVE);
            if (!Files.exists(home.resolve(AuditLedger.VERIFIER_KEY_FILE))) {
                Files.copy(staging.resolve(AuditLedger.VERIFIER_KEY_FILE), home.resolve(AuditLedger.VERIFIER_KEY_FILE));
            }
            try (Stream<Path> notes = Files.list(staging.resolve(AuditLedger.CHECKPOINT_DIR))) {
                for (Path n : notes.toList()) {
                    Path target = home.resolve(AuditLedger.CHECKPOINT_DIR).resolve(n.getFileName());
                    if (!Files.exists(target)) {
                        Files.copy(n, target);
                    }
                }
            }
            return Optional.ofNullable(replaced);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore " + dir + " into " + home + ": " + e.getMessage(), e);
        } finally {
            deleteTree(staging);
        }
    }

    /** Checks every line of SHA256SUMS, and that no file of the backup is left out of it. */
    static void checkSums(Path dir) {
        Path sums = dir.resolve(SUMS);
        if (!Files.isRegularFile(sums)) {
            throw new LedgerException(dir + " is not a CIAF backup: " + SUMS + " is missing; nothing was restored");
        }
        try {
            Map<String, String> listed = new TreeMap<>();
            for (String line : Files.readAllLines(sums, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                int sep = line.indexOf("  ");
                if (sep != 64) {
                    throw new LedgerException(sums + " has a malformed line: " + line + "; nothing was restored");
                }
                listed.put(line.substring(sep + 2), line.substring(0, sep));
            }
            for (Path f : files(dir)) {
                String name = dir.relativize(f).toString().replace('\\', '/');
                if (name.equals(SUMS)) {
                    continue;
                }
                String expected = listed.remove(name);
                if (expected == null) {
                    throw new LedgerException("backup file " + f + " is not listed in " + SUMS + "; nothing was restored");
                }
                if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                        sha256(f).getBytes(StandardCharsets.US_ASCII))) {
                    throw new LedgerException("backup file " + f + " does not match its checksum in " + SUMS
                            + " (corrupted or altered); nothing was restored");
                }
            }
            if (!listed.isEmpty()) {
                throw new LedgerException("backup files listed in " + SUMS + " are missing: " + listed.keySet()
                        + "; nothing was restored");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the backup " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Long latestNote(Path home) throws IOException {
        Path dir = home.resolve(AuditLedger.CHECKPOINT_DIR);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Long max = null;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.matches("[0-9]+\\.note")) {
                    long size = Long.parseLong(n.substring(0, n.length() - 5));
                    max = max == null ? size : Math.max(max, size);
                }
            }
        }
        return max;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String sha256(Path f) throws IOException {
        MessageDigest md = Merkle.newSha256();
        try (var in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a leftover staging directory, named .restore-*
        }
    }
}
