package io.ciaf.cli;

import java.util.concurrent.Callable;

import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "checkpoint", description = "Seal a signed checkpoint over the current tree (after proving it "
        + "consistent with the last one) and print the signed note.")
final class CheckpointCommand implements Callable<Integer> {

    @ParentCommand
    CiafCommand parent;

    @Mixin
    HomeOption homeOption;

    @Override
    public Integer call() {
        Console console = parent.console;
        try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
            Checkpoint c = ledger.checkpoint();
            console.out().print(c.signedNote());
            console.err().println("sealed checkpoint " + c.size() + " in " + AuditLedger.CHECKPOINT_DIR + "/"
                    + c.size() + ".note");
        }
        return Console.OK;
    }
}
