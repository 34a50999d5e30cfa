package io.ciaf.cli;

import java.util.concurrent.Callable;

import java.util.List;

import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerTamperedException;
import io.ciaf.runtime.CiafConfig;
import io.ciaf.webhook.AuditEvents;
import io.ciaf.ledger.VerificationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "verify", description = "Recompute the ledger from genesis (payload hashes, chain, Merkle tree) "
        + "and check it against every signed checkpoint. Prints OK or TAMPERED at the first bad position.")
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    CiafCommand parent;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--from-checkpoint", description = "Start at the last checkpoint an earlier full verification "
            + "found intact (faster; use the full one for audits)")
    boolean fromCheckpoint;

    @Option(names = "--entity-type", paramLabel = "model|dataset",
            description = "Verify one model (its whole recovery integrity map) or one dataset anchor instead")
    String entityType;

    @Option(names = "--entity-id", paramLabel = "X", description = "The model name or dataset id")
    String entityId;

    @Override
    public Integer call() {
        Console console = parent.console;
        if (entityType != null || entityId != null) {
            return verifyEntity(console);
        }
        try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
            VerificationReport report;
            try (Progress progress = new Progress(console, "verifying", ledger.size())) {
                report = fromCheckpoint ? ledger.verifyFromLastVerifiedCheckpoint(progress) : ledger.verify(progress);
            } catch (LedgerTamperedException t) {
                CiafConfig config = homeOption.config(console);
                if (config.validate().isEmpty()) {
                    Notify.events(config, ledger.home(), List.of(AuditEvents.integrityViolation(
                            ledger.home().toString(), t.reason(), t.position().isPresent() ? t.position().getAsLong()
                                    : null)), console);
                }
                throw t;
            }
            console.out().println("OK: " + report.size() + " entries, root " + report.rootBase64());
            if (report.checkpoint().isPresent()) {
                console.out().println("matches signed checkpoint " + report.checkpoint().get().size() + " ("
                        + report.checkpoint().get().origin() + ")"
                        + (report.full() ? "" : "; entries from position " + report.firstChecked() + " recomputed"));
            } else {
                console.out().println("no signed checkpoint yet: run ciaf checkpoint, so that a truncated or "
                        + "replaced ledger can be detected");
            }
        }
        return Console.OK;
    }

    private int verifyEntity(Console console) {
        if (entityType == null || entityId == null || !(entityType.equals("model") || entityType.equals("dataset"))) {
            throw new IllegalArgumentException("--entity-type model|dataset and --entity-id go together; got "
                    + entityType + " / " + entityId);
        }
        try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
            io.ciaf.anchor.Recovery recovery = new io.ciaf.anchor.Recovery(ledger);
            java.util.Map<String, Object> report = entityType.equals("model") ? recovery.recoverModel(entityId, null)
                    : recovery.verifyDatasetAnchor(entityId);
            boolean intact = Boolean.TRUE.equals(report.get("intact"));
            console.out().println((intact ? "OK: " : "FAILED: ") + entityType + " " + entityId);
            ((java.util.Map<?, ?>) report.get("integrity")).forEach((check, result) -> {
                java.util.Map<?, ?> r = (java.util.Map<?, ?>) result;
                console.out().println("  " + check + ": " + (Boolean.TRUE.equals(r.get("ok")) ? "ok" : "FAILED, "
                        + r.get("problem")));
            });
            return intact ? Console.OK : Console.TAMPERED;
        }
    }
}
