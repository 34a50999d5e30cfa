package io.ciaf.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.ciaf.anchor.DatasetAnchor;
import io.ciaf.ledger.InclusionProof;
import io.ciaf.ledger.MerkleTreeFile;

/**
 * Issue 5 targets: anchoring 1,000,000 samples of ~100 bytes in at most 1 s, and a sample's inclusion proof in
 * at most 1 ms.
 *
 * <p>{@code anchorMillionSamples} streams 1,000,000 rows of five fields (~100 bytes as canonical JSON) through
 * {@link DatasetAnchor.Builder#addRow}: statistics, the sample hash, and the tree file. Baseline in the same
 * run: {@code sha256MillionSamples}, the SHA-256 of the same sample bytes and nothing else.
 * {@code sampleProof} materializes the proof of a random sample of a 1,000,000-sample tree file (no cache);
 * baseline {@code readOneNode}, one 32-byte read from that file.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class DatasetAnchorBenchmark {

    static final int SAMPLES = 1_000_000;

    private Path dir;
    private List<String>[] rows;
    private byte[][] sampleBytes;
    private MerkleTreeFile tree;
    private int run;

    @SuppressWarnings("unchecked")
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("ciaf-bench-dataset");
        rows = new List[SAMPLES];
        sampleBytes = new byte[SAMPLES][];
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < SAMPLES; i++) {
            rows[i] = List.of(Integer.toString(18 + r.nextInt(60)), Integer.toString(r.nextInt(20_000)),
                    r.nextBoolean() ? "female" : "male", Double.toString(r.nextDouble()), "A" + r.nextInt(40));
            sampleBytes[i] = ("{\"id\":\"" + i + "\",\"row\":[\"" + String.join("\",\"", rows[i]) + "\"]}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        DatasetAnchor.Builder b = DatasetAnchor.builder("bench", "full").into(dir.resolve("proof.tree"))
                .columns(List.of("age", "amount", "sex", "score", "purpose"));
        for (int i = 0; i < SAMPLES; i++) {
            b.addRow(Integer.toString(i), rows[i]);
        }
        b.build();
        tree = MerkleTreeFile.open(dir.resolve("proof.tree"));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        tree.close();
        TempFiles.deleteTree(dir);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public DatasetAnchor anchorMillionSamples() {
        return anchor(DatasetAnchor.builder("bench", "full"));
    }

    private DatasetAnchor anchor(DatasetAnchor.Builder b) {
        b.into(dir.resolve("run-" + run++ + ".tree")).columns(List.of("age", "amount", "sex", "score", "purpose"));
        for (int i = 0; i < SAMPLES; i++) {
            b.addRow(Integer.toString(i), rows[i]);
        }
        return b.build();
    }

    /** The same, also counting duplicate rows ({@code countDuplicates()}). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public DatasetAnchor anchorMillionSamplesCountingDuplicates() {
        return anchor(DatasetAnchor.builder("bench", "full").countDuplicates());
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public byte[] sha256MillionSamples() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] last = null;
        for (byte[] s : sampleBytes) {
            last = md.digest(s);
        }
        return last;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 5, time = 2)
    public InclusionProof sampleProof() {
        return tree.proveInclusion(ThreadLocalRandom.current().nextInt(SAMPLES));
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 5, time = 2)
    public byte[] readOneNode() {
        return tree.leafHash(ThreadLocalRandom.current().nextInt(SAMPLES));
    }
}
