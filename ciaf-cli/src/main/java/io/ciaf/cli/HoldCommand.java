package io.ciaf.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

import io.ciaf.ledger.AuditLedger;
import io.ciaf.retention.Holds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "hold", description = "Legal holds: entries under one are never erased.",
        subcommands = {HoldCommand.Place.class, HoldCommand.Release.class, HoldCommand.ListHolds.class})
final class HoldCommand implements Runnable {

    @ParentCommand
    CiafCommand parent;

    @Override
    public void run() {
        parent.spec.subcommands().get("hold").usage(parent.console.err());
    }

    /** A date (start of day, UTC) or an ISO-8601 instant. */
    static Instant instant(String text, String option) {
        if (text == null) {
            return null;
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is neither a date (2026-01-31) nor an"
                    + " instant (2026-01-31T12:00:00Z)");
        }
    }

    @Command(name = "place", description = "Place a hold on a model's entries, optionally within dates; prints its id.")
    static final class Place implements Callable<Integer> {
        @ParentCommand
        HoldCommand parent;
        @Mixin
        HomeOption homeOption;
        @Option(names = "--model", required = true, paramLabel = "MODEL")
        String model;
        @Option(names = "--from", paramLabel = "DATE", description = "First day (or instant) covered.")
        String from;
        @Option(names = "--to", paramLabel = "DATE", description = "Last day (or instant) covered.")
        String to;
        @Option(names = "--reason", required = true, paramLabel = "TEXT")
        String reason;
        @Option(names = "--by", paramLabel = "WHO", description = "Who places it (default: the OS user).")
        String by = System.getProperty("user.name");

        @Override
        public Integer call() {
            Console console = parent.parent.console;
            Instant end = instant(to, "--to");
            if (end != null && to.length() == 10) {
                end = end.plusSeconds(86_400).minusNanos(1);
            }
            try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
                Holds.Hold h = new Holds(ledger).place(model, instant(from, "--from"), end, reason, by);
                console.out().println(h.id());
                console.err().println("placed " + h);
            }
            return Console.OK;
        }
    }

    @Command(name = "release", description = "Release a hold by its id.")
    static final class Release implements Callable<Integer> {
        @ParentCommand
        HoldCommand parent;
        @Mixin
        HomeOption homeOption;
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--by", paramLabel = "WHO", description = "Who releases it (default: the OS user).")
        String by = System.getProperty("user.name");

        @Override
        public Integer call() {
            Console console = parent.parent.console;
            try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
                new Holds(ledger).release(id, by);
                console.out().println("released " + id);
            }
            return Console.OK;
        }
    }

    @Command(name = "list", description = "List the active holds.")
    static final class ListHolds implements Callable<Integer> {
        @ParentCommand
        HoldCommand parent;
        @Mixin
        HomeOption homeOption;

        @Override
        public Integer call() {
            Console console = parent.parent.console;
            try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
                for (Holds.Hold h : new Holds(ledger).active()) {
                    console.out().println(h);
                }
            }
            return Console.OK;
        }
    }
}
