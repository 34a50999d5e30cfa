package io.ciaf.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;

import io.ciaf.ledger.AuditLedger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "init", description = "Create a CIAF home: the ledger, its Ed25519 signing key (mode 0600) and "
        + "verifier key. Refuses to overwrite an existing ledger or key.")
final class InitCommand implements Callable<Integer> {

    @ParentCommand
    CiafCommand parent;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--origin", paramLabel = "NAME", description = "Checkpoint origin and key name: printable "
            + "ASCII without spaces or '+' (default: ciaf.local/<random>)")
    String origin;

    @Override
    public Integer call() {
        Console console = parent.console;
        Path home = console.home(homeOption.home);
        String name = origin != null ? origin
                : "ciaf.local/" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        try (AuditLedger ledger = AuditLedger.create(home, name)) {
            console.out().println("Created CIAF home " + home.toAbsolutePath());
            console.out().println("  ledger        " + home.resolve(AuditLedger.LEDGER_FILE) + " (genesis entry)");
            console.out().println("  signing key   " + home.resolve(AuditLedger.SIGNING_KEY_FILE)
                    + " (mode 0600: keep it secret, back it up)");
            console.out().println("  verifier key  " + home.resolve(AuditLedger.VERIFIER_KEY_FILE));
            console.out().println("Verifier key (give it to auditors; they check checkpoints with it):");
            console.out().println(ledger.verifierKey());
        }
        return Console.OK;
    }
}
