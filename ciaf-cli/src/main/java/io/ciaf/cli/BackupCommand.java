package io.ciaf.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "backup", description = "Write an online backup of the ledger (a consistent copy while appends go"
        + " on), its verifier key and checkpoints, and SHA256SUMS (check with sha256sum -c). Secrets (signing"
        + " key, commitment keys) are never copied.")
final class BackupCommand implements Callable<Integer> {

    @ParentCommand
    CiafCommand parent;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty directory.")
    Path out;

    @Override
    public Integer call() {
        Console console = parent.console;
        try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
            LedgerBackup.Manifest m = LedgerBackup.backup(ledger, out);
            console.out().println("backed up " + m.size() + " entries (root " + m.root() + ", checkpoint "
                    + m.checkpoint() + ") to " + out);
        }
        return Console.OK;
    }
}
