package io.ciaf.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import io.ciaf.anchor.DatasetAnchor;
import io.ciaf.anchor.Recovery;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.storage.internal.RecordJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "recover", description = "Recover a model's or a dataset's history from the ledger, every check"
        + " recomputed; exit 1 when something does not verify.",
        subcommands = {RecoverCommand.Model.class, RecoverCommand.Dataset.class})
final class RecoverCommand implements Runnable {

    @ParentCommand
    CiafCommand parent;

    @Override
    public void run() {
        parent.spec.subcommands().get("recover").usage(parent.console.err());
    }

    static int print(Console console, Map<String, Object> report) {
        try {
            console.out().println(RecordJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Boolean.TRUE.equals(report.get("intact")) ? Console.OK : Console.TAMPERED;
    }

    @Command(name = "model", description = "JSON report: the model anchor, its datasets, environment, inference"
            + " history, audit trail, and an integrity map (ledger chain, model anchor, dataset anchors, inference"
            + " chain, Merkle proofs).")
    static final class Model implements Callable<Integer> {
        @ParentCommand
        RecoverCommand parent;
        @Mixin
        HomeOption homeOption;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--version", paramLabel = "V", description = "A version (default: the latest anchor).")
        String version;

        @Override
        public Integer call() {
            Console console = parent.parent.console;
            try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
                return print(console, new Recovery(ledger).recoverModel(name, version));
            }
        }
    }

    @Command(name = "dataset", description = "Check a dataset anchor: its hash, its inclusion in the latest"
            + " checkpoint and its tree file's sample proofs (--verify-merkle, the default); with --data, also"
            + " re-anchor the data as the anchor describes and name the first changed sample.")
    static final class Dataset implements Callable<Integer> {
        @ParentCommand
        RecoverCommand parent;
        @Mixin
        HomeOption homeOption;
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--split", paramLabel = "S", description = "The split (default: the latest anchor of ID).")
        String split;
        @Option(names = "--data", paramLabel = "FILE", description = "The data file to compare with the anchor.")
        Path data;
        @Option(names = "--verify-merkle", description = "Check the tree file's root and sample proofs (always done).")
        boolean verifyMerkle;
        @Option(names = "--format", paramLabel = "F", description = "csv, arff or jsonl (default: from the file name).")
        String format;
        @Option(names = "--id-column", paramLabel = "C", description = "Sample id column or field (default: line number).")
        String idColumn;

        @Override
        public Integer call() throws IOException {
            Console console = parent.parent.console;
            if (data == null) {
                try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
                    return print(console, new Recovery(ledger).verifyDatasetAnchor(id));
                }
            }
            String f = format != null ? format : data.getFileName().toString().replaceAll(".*\\.", "");
            if (!f.equals("csv") && !f.equals("arff") && !f.equals("jsonl")) {
                throw new IllegalArgumentException("--format must be csv, arff or jsonl; got '" + f + "'");
            }
            try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home));
                    Reader in = Files.newBufferedReader(data)) {
                java.util.function.Consumer<DatasetAnchor.Builder> read = switch (f) {
                    case "csv" -> b -> b.readCsv(in, idColumn);
                    case "arff" -> b -> b.readArff(in);
                    default -> b -> b.readJsonLines(in, idColumn);
                };
                return print(console, new Recovery(ledger).verifyDataset(id, split, read));
            }
        }
    }
}
