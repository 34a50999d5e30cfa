package io.ciaf.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "export", description = "Write entries as JSON Lines (FORMATS.md), for auditors and other tools;"
        + " 'export audit' writes a model's records.", subcommands = ExportAuditCommand.class)
final class ExportCommand implements Callable<Integer> {

    @ParentCommand
    CiafCommand parent;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE, replacing it once complete"
            + " (default: standard output)")
    Path out;

    @Option(names = "--from", paramLabel = "A", description = "First position (default: 0)")
    long from;

    @Option(names = "--to", paramLabel = "B", description = "Last position, inclusive (default: the last entry)")
    Long to;

    @Override
    public Integer call() throws IOException {
        Console console = parent.console;
        try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
            long size = ledger.size();
            long last = to != null ? to : size - 1;
            if (from < 0 || last < from || last >= size) {
                throw new IllegalArgumentException("cannot export positions " + from + ".." + last + ": the ledger"
                        + " has positions 0.." + (size - 1));
            }
            long written;
            try (Progress progress = new Progress(console, "exporting", last - from + 1)) {
                if (out == null) {
                    Writer w = new BufferedWriter(new OutputStreamWriter(console.out(), StandardCharsets.UTF_8),
                            1 << 16);
                    written = ledger.export(w, from, last, progress);
                } else {
                    written = exportToFile(ledger, last, progress);
                }
            }
            console.err().println("exported " + written + " entries (positions " + from + ".." + last + ")"
                    + (out == null ? "" : " to " + out));
        }
        return Console.OK;
    }

    // Written beside the target and moved into place, so a failed export never leaves half a file.
    private long exportToFile(AuditLedger ledger, long last, Progress progress) throws IOException {
        Path target = out.toAbsolutePath();
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            long written = ledger.export(w, from, last, progress);
            w.flush();
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return written;
        } catch (IOException | LedgerException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
