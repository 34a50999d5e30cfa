package io.ciaf.benchmarks;

import io.ciaf.api.MetadataRecord;
import io.ciaf.storage.MetadataStorage;
import io.ciaf.storage.internal.RecordJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable save throughput: one operation is one {@code saveAll} of {@code batch} freshly built records
 * (building and hashing included, as a user pays for them), returning only after fsync. Records per second
 * = operations per second x batch.
 *
 * <p>Baseline in the same run: {@code rawFsyncAppend} appends the same JSON Lines bytes (encoded in advance)
 * to one file and fsyncs, the floor any durable file backend sits on.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Thread)
public class MetadataSaveBenchmark {

    @Param({"json", "sqlite", "javaser"})
    public String backend;

    @Param({"1", "100"})
    public int batch;

    private Path dir;
    private MetadataStorage storage;
    private long next;
    private FileChannel raw;
    private byte[] rawBatch;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("ciaf-bench-save");
        storage = MetadataStorage.open(dir.resolve("store"), backend);
        raw = FileChannel.open(dir.resolve("raw.jsonl"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        StringBuilder lines = new StringBuilder();
        for (MetadataRecord r : Records.batch("raw", 0, batch)) {
            lines.append(RecordJson.toJson(r)).append('\n');
        }
        rawBatch = lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        storage.close();
        raw.close();
        TempFiles.deleteTree(dir);
    }

    @Benchmark
    public List<?> saveAll() {
        List<MetadataRecord> records = Records.batch("credit_scoring", next, batch);
        next += batch;
        return storage.saveAll(records);
    }

    @Benchmark
    public int rawFsyncAppend() throws IOException {
        int n = raw.write(ByteBuffer.wrap(rawBatch));
        raw.force(false);
        return n;
    }
}
