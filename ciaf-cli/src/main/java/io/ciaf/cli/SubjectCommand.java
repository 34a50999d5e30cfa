package io.ciaf.cli;

import java.util.concurrent.Callable;

import io.ciaf.anchor.CommitmentKeys;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;
import io.ciaf.retention.SubjectRequests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "subject", description = "Data-subject requests: export or erase what mentions a subject id.",
        subcommands = {SubjectCommand.Export.class, SubjectCommand.Erase.class})
final class SubjectCommand implements Runnable {

    @ParentCommand
    CiafCommand parent;

    @Override
    public void run() {
        parent.spec.subcommands().get("subject").usage(parent.console.err());
    }

    @Command(name = "export", description = "Print every ledger entry that mentions the subject id, as JSON Lines.")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        SubjectCommand parent;
        @Mixin
        HomeOption homeOption;
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            Console console = parent.parent.console;
            try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
                int n = 0;
                for (LedgerEntry e : new SubjectRequests(ledger).find(id)) {
                    console.out().println(e.toJsonLine());
                    n++;
                }
                console.err().println(n + " entries mention " + id);
            }
            return Console.OK;
        }
    }

    @Command(name = "erase", description = "Erase the payloads that mention the subject id, and the salts of their"
            + " SALTED commitments; refused, with the hold named, while a legal hold covers any of them.")
    static final class Erase implements Callable<Integer> {
        @ParentCommand
        SubjectCommand parent;
        @Mixin
        HomeOption homeOption;
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Recorded in the ERASURE entry (do not put"
                + " the subject id here: ERASURE entries are never erased).")
        String reason;
        @Option(names = "--by", paramLabel = "WHO", description = "Who erases (default: the OS user).")
        String by = System.getProperty("user.name");

        @Override
        public Integer call() {
            Console console = parent.parent.console;
            java.nio.file.Path home = console.home(homeOption.home);
            io.ciaf.runtime.CiafConfig config = homeOption.config(console);
            try (AuditLedger ledger = AuditLedger.open(home); CommitmentKeys keys = CommitmentKeys.open(home);
                    io.ciaf.storage.MetadataStorage view = Views.open(config)) {
                SubjectRequests.Erasure e = new SubjectRequests(ledger).erase(id, reason, by, keys, view);
                console.out().println("erased " + e.positions().size() + " payloads " + e.positions()
                        + (e.erasurePosition() == null ? "" : " (ERASURE entry at " + e.erasurePosition() + ")")
                        + " and " + e.secretsErased().size() + " commitment salts");
                e.problems().forEach(p -> console.err().println("ciaf: " + p));
                return e.problems().isEmpty() ? Console.OK : Console.FAILED;
            }
        }
    }
}
