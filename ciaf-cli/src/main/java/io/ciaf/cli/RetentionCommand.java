package io.ciaf.cli;

import java.time.Instant;
import java.util.concurrent.Callable;

import io.ciaf.ledger.AuditLedger;
import io.ciaf.retention.Retention;
import io.ciaf.runtime.CiafConfig;
import io.ciaf.storage.MetadataStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "retention", description = "Apply the retention classes.", subcommands = RetentionCommand.Apply.class)
final class RetentionCommand implements Runnable {

    @ParentCommand
    CiafCommand parent;

    @Override
    public void run() {
        parent.spec.subcommands().get("retention").usage(parent.console.err());
    }

    @Command(name = "apply", description = "Erase the payloads of entries older than their retention class allows"
            + " (critical, important, operational, transient days from the configuration), except those under a"
            + " legal hold, recording ERASURE entries. The entries and their hashes stay: the ledger still"
            + " verifies.")
    static final class Apply implements Callable<Integer> {

        @ParentCommand
        RetentionCommand parent;

        @Mixin
        HomeOption homeOption;

        @Option(names = "--dry-run", description = "Only report what would be erased.")
        boolean dryRun;

        @Option(names = "--by", paramLabel = "WHO", description = "Who applies it (default: the OS user).")
        String by = System.getProperty("user.name");

        @Option(names = "--as-of", paramLabel = "INSTANT", hidden = true,
                description = "Apply as if it were this instant (ISO-8601), for tests and rehearsals.")
        Instant asOf;

        @Override
        public Integer call() {
            Console console = parent.parent.console;
            CiafConfig config = homeOption.config(console);
            try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home));
                    MetadataStorage view = Views.open(config)) {
                Retention.Result r = new Retention(ledger, config.retentionClassDays(), view)
                        .apply(asOf == null ? Instant.now() : asOf, by, dryRun);
                console.out().println((dryRun ? "would erase " : "erased ") + r.expired().size() + " of "
                        + r.examined() + " entries " + r.expiredByClass() + "; kept under legal hold: " + r.held()
                        + (r.holdsApplied().isEmpty() ? "" : " " + r.holdsApplied()));
                if (!r.erasures().isEmpty()) {
                    console.out().println("ERASURE entries at " + r.erasures());
                }
                console.out().println("retention days: " + config.retentionClassDays());
                r.problems().forEach(p -> console.err().println("ciaf: " + p));
                return r.problems().isEmpty() ? Console.OK : Console.FAILED;
            }
        }
    }
}
