package io.ciaf.cli;

import java.util.concurrent.Callable;

import io.ciaf.ledger.AuditLedger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "prove", description = "Print an RFC 6962 proof as JSON (FORMATS.md).",
        subcommands = {ProveCommand.Inclusion.class, ProveCommand.Consistency.class})
final class ProveCommand {

    @ParentCommand
    CiafCommand parent;

    @Command(name = "inclusion", description = "Proof that entry I is in the tree of size N.")
    static final class Inclusion implements Callable<Integer> {

        @ParentCommand
        ProveCommand prove;

        @Mixin
        HomeOption homeOption;

        @Option(names = "--index", required = true, paramLabel = "I", description = "Position of the entry")
        long index;

        @Option(names = "--size", paramLabel = "N", description = "Tree size (default: the current size)")
        Long size;

        @Override
        public Integer call() {
            Console console = prove.parent.console;
            try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
                console.out().println(ledger.proveInclusion(index, size != null ? size : ledger.size()).toJson());
            }
            return Console.OK;
        }
    }

    @Command(name = "consistency", description = "Proof that the tree of size M is a prefix of the tree of size N.")
    static final class Consistency implements Callable<Integer> {

        @ParentCommand
        ProveCommand prove;

        @Mixin
        HomeOption homeOption;

        @Option(names = "--from", required = true, paramLabel = "M", description = "The older tree size")
        long from;

        @Option(names = "--to", paramLabel = "N", description = "The newer tree size (default: the current size)")
        Long to;

        @Override
        public Integer call() {
            Console console = prove.parent.console;
            try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
                console.out().println(ledger.proveConsistency(from, to != null ? to : ledger.size()).toJson());
            }
            return Console.OK;
        }
    }
}
