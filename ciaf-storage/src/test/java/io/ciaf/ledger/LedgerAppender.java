package io.ciaf.ledger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A separate JVM that appends to a ledger, for the multi-process and kill -9 tests. Arguments: home, writer
 * name, number of entries (0: until killed). Prints "committed N" after every batch.
 */
public final class LedgerAppender {

    private LedgerAppender() {
    }

    /** Start barrier: the test creates the file once every writer is ready, so that they really overlap. */
    private static void awaitGo(Path go) {
        if (!go.getParent().resolve("use-barrier").toFile().exists()) {
            return;
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!go.toFile().exists() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Path home = Path.of(args[0]);
        String writer = args[1];
        long total = Long.parseLong(args[2]);
        Random random = new Random(writer.hashCode());
        try (AuditLedger ledger = AuditLedger.open(home)) {
            System.out.println("ready");
            System.out.flush();
            awaitGo(home.resolveSibling("go"));
            long committed = 0;
            while (total == 0 || committed < total) {
                int n = 1 + random.nextInt(20);
                if (total > 0) {
                    n = (int) Math.min(n, total - committed);
                }
                List<NewEntry> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    batch.add(NewEntry.of("METADATA", Map.of("writer", writer, "seq", committed + i,
                            "filler", "x".repeat(200)), writer + "-" + (committed + i)));
                }
                ledger.appendAll(batch);
                committed += n;
                System.out.println("committed " + committed);
                System.out.flush();
                if (total > 0) {
                    // Like an application between requests. Without a pause, SQLite's busy handler (sleeping
                    // with back-off) can leave the other writer waiting until this one is done.
                    Thread.sleep(1);
                }
            }
        }
    }
}
