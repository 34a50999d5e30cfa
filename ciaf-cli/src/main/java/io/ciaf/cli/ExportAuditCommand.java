package io.ciaf.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.ciaf.anchor.LedgerRecords;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.PipelineTrace;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.storage.internal.CsvExport;
import io.ciaf.storage.internal.JsonExport;
import io.ciaf.storage.internal.XmlExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", description = "A model's metadata records from the ledger alone, oldest first, as json,"
        + " csv or xml (the formats of the metadata exports).")
final class ExportAuditCommand implements Callable<Integer> {

    @ParentCommand
    ExportCommand parent;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--model", required = true, paramLabel = "M")
    String model;

    @Option(names = "--format", paramLabel = "F", description = "json (default), csv or xml")
    String format = "json";

    @Option(names = "--start-date", paramLabel = "D", description = "Records from this day (or instant) on.")
    String startDate;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (default: standard output)")
    Path out;

    @Override
    public Integer call() throws IOException {
        Console console = parent.parent.console;
        if (!List.of("json", "csv", "xml").contains(format)) {
            throw new IllegalArgumentException("--format must be json, csv or xml; got '" + format + "'");
        }
        try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
            LedgerRecords.Result r = LedgerRecords.read(ledger, model, -1, HoldCommand.instant(startDate, "--start-date"));
            List<MetadataRecord> records = new ArrayList<>(r.records());
            records.sort(PipelineTrace.CHRONOLOGICAL);
            Writer w = out == null ? new BufferedWriter(new OutputStreamWriter(console.out(), StandardCharsets.UTF_8))
                    : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
            try {
                switch (format) {
                    case "csv" -> CsvExport.write(records, w);
                    case "xml" -> XmlExport.write(records, w);
                    default -> JsonExport.write(records, w);
                }
            } finally {
                if (out == null) {
                    w.flush();
                } else {
                    w.close();
                }
            }
            console.err().println("exported " + records.size() + " records of " + model
                    + (r.erased() > 0 ? "; " + r.erased() + " erased METADATA entries are not included" : ""));
            return r.hashMismatches() + r.unreadable() == 0 ? Console.OK : Console.TAMPERED;
        }
    }
}
