package io.ciaf.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.ciaf.ledger.LedgerBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "restore", description = "Restore a backup into the home, after checking its checksums, verifying"
        + " its chain, and checking it is this home's ledger and not older than its latest checkpoint. The"
        + " replaced ledger file is kept beside it. Refused while an application records into the home.")
final class RestoreCommand implements Callable<Integer> {

    @ParentCommand
    CiafCommand parent;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "A directory ciaf backup wrote.")
    Path from;

    @Option(names = "--allow-older", description = "Restore even if the home signed a checkpoint over more entries.")
    boolean allowOlder;

    @Override
    public Integer call() {
        Console console = parent.console;
        Path home = console.home(homeOption.home);
        HomeOption.requireNoneRecording(home, "would replace the ledger it appends to");
        Optional<Path> replaced = LedgerBackup.restore(from, home, allowOlder);
        console.out().println("restored " + from + " into " + home
                + replaced.map(p -> "; the replaced ledger is kept as " + p).orElse(""));
        return Console.OK;
    }
}
