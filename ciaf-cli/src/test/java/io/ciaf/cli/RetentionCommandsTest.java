package io.ciaf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.ledger.AuditLedger;

/** ciaf retention apply, hold place|release|list and subject export|erase, through the real command line. */
class RetentionCommandsTest {

    @TempDir
    Path dir;
    Path home;

    @BeforeEach
    void setUp() {
        home = dir.resolve("home");
        assertThat(ciaf("", "init", "--origin", "ciaf.test/retention").exit()).isZero();
        String lines = """
                {"model_name":"credit","stage":"inference","customer":"cust-001"}
                {"model_name":"fraud","stage":"inference","customer":"cust-002"}
                {"model_name":"fraud","stage":"training"}
                """;
        CliRun r = ciaf(lines, "append", "--type", "METADATA");
        assertThat(r.exit()).as(r.err()).isZero();
    }

    private CliRun ciaf(String stdin, String... args) {
        return CliRun.inHome(home, stdin, args);
    }

    private boolean erased(long position) {
        try (AuditLedger ledger = AuditLedger.open(home)) {
            return ledger.entry(position).orElseThrow().payload().isEmpty();
        }
    }

    @Test
    void retentionSkipsHeldEntriesUntilTheHoldIsReleased() {
        CliRun placed = ciaf("", "hold", "place", "--model", "credit", "--from", "2026-01-01", "--reason",
                "case 17", "--by", "legal");
        assertThat(placed.exit()).as(placed.err()).isZero();
        String holdId = placed.out().strip();
        assertThat(ciaf("", "hold", "list").out()).contains(holdId).contains("case 17").contains("placed by legal");

        String later = Instant.now().plus(Duration.ofDays(400)).toString();
        CliRun dry = ciaf("", "retention", "apply", "--dry-run", "--as-of", later);
        assertThat(dry.out()).startsWith("would erase 2 of ").contains("kept under legal hold: 1");
        assertThat(erased(2)).isFalse();

        CliRun applied = ciaf("", "retention", "apply", "--as-of", later, "--by", "ops");
        assertThat(applied.exit()).as(applied.err()).isZero();
        assertThat(applied.out()).startsWith("erased 2 of ").contains("{operational=2}").contains(holdId);
        assertThat(erased(1)).as("held").isFalse();
        assertThat(erased(2)).isTrue();
        assertThat(erased(3)).isTrue();
        assertThat(ciaf("", "verify").exit()).isZero();

        assertThat(ciaf("", "hold", "release", "nope").exit()).isEqualTo(2);
        assertThat(ciaf("", "hold", "release", holdId).exit()).isZero();
        assertThat(ciaf("", "retention", "apply", "--as-of", later).out()).startsWith("erased 1 of ");
        assertThat(erased(1)).isTrue();
        assertThat(ciaf("", "verify").exit()).isZero();
    }

    @Test
    void aBadDateOrAMissingReasonIsBadInput() {
        CliRun bad = ciaf("", "hold", "place", "--model", "credit", "--from", "yesterday", "--reason", "x");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--from 'yesterday' is neither a date");
        assertThat(ciaf("", "hold", "place", "--model", "credit").exit()).isEqualTo(2);
    }

    @Test
    void aSubjectIsExportedThenErasedUnlessHeld() {
        CliRun export = ciaf("", "subject", "export", "cust-002");
        assertThat(export.exit()).isZero();
        assertThat(export.out().lines().count()).isEqualTo(1);
        assertThat(export.out()).contains("\"position\":2,");

        String holdId = ciaf("", "hold", "place", "--model", "fraud", "--reason", "audit").out().strip();
        CliRun refused = ciaf("", "subject", "erase", "cust-002", "--reason", "GDPR art. 17");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("under hold " + holdId).contains("nothing was erased");
        assertThat(erased(2)).isFalse();

        ciaf("", "hold", "release", holdId);
        CliRun done = ciaf("", "subject", "erase", "cust-002", "--reason", "GDPR art. 17");
        assertThat(done.exit()).as(done.err()).isZero();
        assertThat(done.out()).startsWith("erased 1 payloads [2]");
        assertThat(erased(2)).isTrue();
        assertThat(ciaf("", "subject", "export", "cust-002").out()).isEmpty();
        assertThat(ciaf("", "verify").exit()).isZero();
    }

    @Test
    void backupAndRestoreThroughTheCommandLineRefusingACorruptedBackup() throws Exception {
        Path out = dir.resolve("backup");
        CliRun b = ciaf("", "backup", "--out", out.toString());
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(b.out()).startsWith("backed up 4 entries");

        Path db = out.resolve("ledger.db");
        byte[] original = java.nio.file.Files.readAllBytes(db);
        byte[] bytes = original.clone();
        bytes[100] ^= 1;
        java.nio.file.Files.write(db, bytes);
        CliRun refused = ciaf("", "restore", "--from", out.toString());
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.err()).contains("does not match its checksum").contains("nothing was restored");

        java.nio.file.Files.write(db, original);
        CliRun restored = ciaf("", "restore", "--from", out.toString());
        assertThat(restored.exit()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("the replaced ledger is kept as");
        assertThat(ciaf("", "verify").exit()).isZero();
    }

    @Test
    void recoverModelAndDatasetPrintTheirReportsAndExitOneWhenSomethingChanged() throws Exception {
        String csv = "id,age\nx1,40\nx2,51\n";
        java.nio.file.Path data = java.nio.file.Files.writeString(dir.resolve("train.csv"), csv);
        try (AuditLedger ledger = AuditLedger.open(home)) {
            io.ciaf.anchor.DatasetAnchor d = io.ciaf.anchor.DatasetAnchor.builder("loans", "train")
                    .into(io.ciaf.anchor.Recovery.treeFile(home, "loans", "train"))
                    .readCsv(new java.io.StringReader(csv), "id").build();
            d.appendTo(ledger);
            io.ciaf.anchor.ModelAnchor.builder("credit", "2").parameters(new double[] {1, 2}).authorizedDataset(d)
                    .build().appendTo(ledger);
        }
        CliRun model = ciaf("", "recover", "model", "credit");
        assertThat(model.exit()).as(model.out() + model.err()).isZero();
        assertThat(model.out()).contains("\"intact\" : true").contains("\"dataset_id\" : \"loans\"");
        assertThat(ciaf("", "recover", "model", "nobody").err()).contains("no MODEL anchor of 'nobody'");

        CliRun entity = ciaf("", "verify", "--entity-type", "model", "--entity-id", "credit");
        assertThat(entity.exit()).as(entity.out()).isZero();
        assertThat(entity.out()).startsWith("OK: model credit").contains("  inference_chain: ok");
        CliRun dataset = ciaf("", "verify", "--entity-type", "dataset", "--entity-id", "loans");
        assertThat(dataset.exit()).as(dataset.out()).isZero();
        assertThat(dataset.out()).contains("merkle_proofs: ok");
        assertThat(ciaf("", "verify", "--entity-type", "person", "--entity-id", "x").exit()).isEqualTo(2);

        CliRun same = ciaf("", "recover", "dataset", "loans", "--data", data.toString(), "--id-column", "id");
        assertThat(same.exit()).as(same.out() + same.err()).isZero();
        CliRun intactMerkle = ciaf("", "recover", "dataset", "loans", "--verify-merkle");
        assertThat(intactMerkle.exit()).as(intactMerkle.out()).isZero();
        assertThat(intactMerkle.out()).contains("\"checked\" : 4");
        java.nio.file.Files.writeString(data, csv.replace("x2,51", "x2,52"));
        CliRun changed = ciaf("", "recover", "dataset", "loans", "--data", data.toString(), "--id-column", "id");
        assertThat(changed.exit()).isEqualTo(1);
        assertThat(changed.out()).contains("\"first_changed_sample\" : 1");

        // The tree file no longer matches the anchor once rebuilt from the changed data.
        java.nio.file.Files.delete(io.ciaf.anchor.Recovery.treeFile(home, "loans", "train"));
        io.ciaf.anchor.DatasetAnchor.builder("loans", "train").into(io.ciaf.anchor.Recovery.treeFile(home, "loans", "train"))
                .readCsv(java.nio.file.Files.newBufferedReader(data), "id").build();
        CliRun merkle = ciaf("", "recover", "dataset", "loans", "--verify-merkle");
        assertThat(merkle.exit()).isEqualTo(1);
        assertThat(merkle.out()).contains("the samples changed").contains("\"intact\" : false");
        CliRun broken = ciaf("", "verify", "--entity-type", "dataset", "--entity-id", "loans");
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.out()).startsWith("FAILED: dataset loans").contains("the samples changed");
    }
}
