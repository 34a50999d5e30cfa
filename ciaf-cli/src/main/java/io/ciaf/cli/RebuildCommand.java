package io.ciaf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.ciaf.anchor.LedgerRecords;
import io.ciaf.api.MetadataRecord;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.runtime.CiafConfig;
import io.ciaf.storage.MetadataStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "rebuild", description = "Disaster recovery: rebuild the metadata backend from the ledger alone"
        + " (the configured backend and path). An existing store is moved aside, never deleted. Refused while an"
        + " application records into the home.")
final class RebuildCommand implements Callable<Integer> {

    @ParentCommand
    CiafCommand parent;

    @Mixin
    HomeOption homeOption;

    @Override
    public Integer call() throws IOException {
        Console console = parent.console;
        CiafConfig config = homeOption.config(console);
        Path store = config.storagePath();
        Path home = console.home(homeOption.home);
        HomeOption.requireNoneRecording(home, "would move its metadata store from under it");
        try (AuditLedger ledger = AuditLedger.open(home)) {
            LedgerRecords.Result r = LedgerRecords.read(ledger, null, -1, null);
            Path aside = null;
            if (Files.isDirectory(store) && !empty(store)) {
                aside = MetadataStorage.moveAside(store, "replaced");
            }
            try (MetadataStorage storage = MetadataStorage.open(store, config.storageBackend())) {
                List<MetadataRecord> all = r.records();
                for (int from = 0; from < all.size(); from += 1000) {
                    storage.saveAll(all.subList(from, Math.min(all.size(), from + 1000)));
                }
            }
            console.out().println("rebuilt " + r.records().size() + " records into " + store + " ("
                    + config.storageBackend() + ") from " + ledger.size() + " ledger entries; erased payloads: "
                    + r.erased() + "; unreadable: " + r.unreadable() + "; metadata_hash mismatches: "
                    + r.hashMismatches() + (aside == null ? "" : "; the previous store is at " + aside));
            r.problems().forEach(p -> console.err().println("ciaf: " + p));
            return r.unreadable() + r.hashMismatches() == 0 ? Console.OK : Console.TAMPERED;
        }
    }

    private static boolean empty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
