package io.ciaf.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import io.ciaf.anchor.LedgerRecords;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.PipelineTrace;
import io.ciaf.api.Stage;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "trace", description = "The model's pipeline trace from the ledger, stage by stage, oldest first;"
        + " with --as-of, as it stood at a ledger position or an instant.")
final class TraceCommand implements Callable<Integer> {

    @ParentCommand
    CiafCommand parent;

    @Mixin
    HomeOption homeOption;

    @Parameters(paramLabel = "MODEL")
    String model;

    @Option(names = "--as-of", paramLabel = "POSITION|INSTANT",
            description = "A ledger position (entries up to it) or an ISO-8601 instant (entries committed by then).")
    String asOf;

    @Override
    public Integer call() {
        Console console = parent.console;
        try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
            long last = lastPosition(ledger);
            LedgerRecords.Result r = LedgerRecords.read(ledger, model, last, null);
            PipelineTrace trace = PipelineTrace.of(model, r.records());
            console.out().println("pipeline trace of " + model + (asOf == null ? "" : " as of " + asOf
                    + " (ledger position " + last + ")") + ": " + trace.size() + " records");
            for (Map.Entry<Stage, List<MetadataRecord>> stage : trace.stages().entrySet()) {
                console.out().println(stage.getKey().wireName() + " (" + stage.getValue().size() + ")");
                for (MetadataRecord rec : stage.getValue()) {
                    console.out().println("  " + rec.timestamp() + "  " + rec.eventType() + "  " + rec.id()
                            + rec.version().map(v -> "  v" + v).orElse(""));
                }
            }
            if (r.erased() > 0) {
                console.err().println(r.erased() + " METADATA entries in range were erased (retention or a subject"
                        + " request) and cannot be shown");
            }
            if (trace.size() == 0) {
                // A mistyped name looks like an empty history: say which models the ledger has records of.
                SortedSet<String> models = new TreeSet<>();
                LedgerRecords.read(ledger, null, last, null).records().forEach(rec -> models.add(rec.model()));
                console.err().println("no records of model '" + model + "'" + (asOf == null ? "" : " as of " + asOf)
                        + "; models with records: " + models);
            }
            return Console.OK;
        }
    }

    private long lastPosition(AuditLedger ledger) {
        if (asOf == null) {
            return -1;
        }
        if (asOf.matches("[0-9]+")) {
            long p = Long.parseLong(asOf);
            if (p >= ledger.size()) {
                throw new IllegalArgumentException("--as-of " + p + " is past the ledger's last position "
                        + (ledger.size() - 1));
            }
            return p;
        }
        Instant at;
        try {
            at = Instant.parse(asOf);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--as-of '" + asOf + "' is neither a position nor an ISO-8601 instant"
                    + " (2026-11-21T10:00:00Z)");
        }
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        // Timestamps increase with position: binary search for the last entry committed by then.
        long lo = 0;
        long hi = ledger.size() - 1;
        long found = -2;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            LedgerEntry e = ledger.entry(mid).orElseThrow();
            if (e.timestamp() <= nanos) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) {
            throw new IllegalArgumentException("--as-of " + asOf + " is before the ledger's first entry");
        }
        return found;
    }
}
