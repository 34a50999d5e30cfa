package io.ciaf.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;

import io.ciaf.ledger.AppendReceipt;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.NewEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Appends one entry per JSON line of standard input. A reader thread parses and canonicalizes lines while
 * this thread commits batches, so the two cores a small machine has both work.
 */
@Command(name = "append", description = "Append each line of standard input (one JSON object per line) as one "
        + "entry. A line's idempotency_key field, when present, is its idempotency key. A malformed line stops the "
        + "command with exit code 2; the lines before it stay committed.")
final class AppendCommand implements Callable<Integer> {

    private static final int BATCH = 1000;

    @ParentCommand
    CiafCommand parent;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--type", required = true, paramLabel = "TYPE",
            description = "Entry type: 1 to 32 characters A-Z or _, e.g. METADATA")
    String type;

    /** A batch of parsed lines, or the end of input, or the line that could not be parsed. */
    private record Chunk(List<NewEntry> entries, long badLine, String problem) {
    }

    @Override
    public Integer call() throws InterruptedException {
        Console console = parent.console;
        NewEntry.requireType(type); // before any input is read
        try (AuditLedger ledger = AuditLedger.open(console.home(homeOption.home))) {
            BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(4);
            Thread reader = new Thread(() -> read(console, queue), "ciaf-append-reader");
            reader.setDaemon(true);
            reader.start();
            long appended = 0;
            long duplicates = 0;
            long first = -1;
            long last = -1;
            Chunk chunk;
            while (true) {
                chunk = queue.take();
                if (!chunk.entries().isEmpty()) {
                    for (AppendReceipt r : ledger.appendAll(chunk.entries())) {
                        if (r.alreadyCommitted()) {
                            duplicates++;
                        } else {
                            appended++;
                            first = first < 0 ? r.position() : first;
                            last = r.position();
                        }
                    }
                }
                if (chunk.problem() != null || chunk.entries().isEmpty()) {
                    break;
                }
            }
            console.out().println("appended " + appended + " entries"
                    + (appended > 0 ? " (positions " + first + ".." + last + ")" : ""));
            if (duplicates > 0) {
                console.out().println(duplicates + " lines were already committed (same idempotency_key): "
                        + "nothing added for them");
            }
            if (chunk.problem() != null) {
                console.err().println("ciaf: line " + chunk.badLine() + ": " + chunk.problem() + ". The lines before "
                        + "it are committed; fix it and append the lines from " + chunk.badLine() + " on");
                return Console.BAD_INPUT;
            }
        }
        return Console.OK;
    }

    private void read(Console console, BlockingQueue<Chunk> queue) {
        long lineNumber = 0;
        List<NewEntry> batch = new ArrayList<>(BATCH);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(console.in(), StandardCharsets.UTF_8
                .newDecoder().onMalformedInput(CodingErrorAction.REPORT)), 1 << 16)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    batch.add(NewEntry.ofJson(type, line));
                } catch (IllegalArgumentException e) {
                    queue.put(new Chunk(batch, lineNumber, e.getMessage()));
                    return;
                }
                if (batch.size() == BATCH) {
                    queue.put(new Chunk(batch, 0, null));
                    batch = new ArrayList<>(BATCH);
                }
            }
            if (!batch.isEmpty()) {
                queue.put(new Chunk(batch, 0, null));
            }
            queue.put(new Chunk(List.of(), 0, null));
        } catch (IOException e) {
            putQuietly(queue, new Chunk(batch, lineNumber + 1, "cannot read standard input (" + e.getMessage()
                    + "); is it UTF-8?"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void putQuietly(BlockingQueue<Chunk> queue, Chunk chunk) {
        try {
            queue.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
