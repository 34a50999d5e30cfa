package io.ciaf.benchmarks;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

import io.ciaf.anchor.CommitmentKeys;
import io.ciaf.anchor.CommitmentKind;
import io.ciaf.anchor.DatasetAnchor;
import io.ciaf.anchor.InferenceReceipts;
import io.ciaf.anchor.ModelAnchor;
import io.ciaf.anchor.Recovery;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.NewEntry;
import io.ciaf.ledger.VerificationReport;

/**
 * Issue 5 target: {@code ciaf recover model} on a ledger of 1,000,000 entries in at most 5 s.
 *
 * <p>The ledger (built once per trial in a temp directory): a dataset anchor with its tree file, a model
 * anchor, 1,000 inference receipts, and METADATA records of two models (~250 bytes) up to 1,000,000 entries,
 * then a checkpoint. {@code recoverModel} is {@link Recovery#recoverModel}, which verifies the whole ledger
 * too. Baseline in the same fork: {@code verifyOnly}, the full verification alone.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class RecoverBenchmark {

    static final int ENTRIES = 1_000_000;

    private Path home;
    private AuditLedger ledger;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        home = Files.createTempDirectory("ciaf-bench-recover");
        ledger = AuditLedger.create(home, "ciaf.bench/recover");
        StringBuilder csv = new StringBuilder("id,age,amount\n");
        for (int i = 0; i < 10_000; i++) {
            csv.append(i).append(',').append(18 + i % 60).append(',').append(i * 7 % 20_000).append('\n');
        }
        DatasetAnchor data = DatasetAnchor.builder("loans", "train").into(Recovery.treeFile(home, "loans", "train"))
                .readCsv(new StringReader(csv.toString()), "id").build();
        data.appendTo(ledger);
        ModelAnchor model = ModelAnchor.builder("credit", "1").hyperparameters(Map.of("learning_rate", 0.1))
                .parameters(new double[] {0.5, -1.25, 3}).authorizedDataset(data).build();
        model.appendTo(ledger);
        try (CommitmentKeys keys = CommitmentKeys.open(home)) {
            InferenceReceipts receipts = new InferenceReceipts(ledger, keys);
            for (int i = 0; i < 1_000; i++) {
                receipts.record("credit", model.modelHash(), "req-" + i, Map.of("age", i % 80), i % 3 == 0,
                        CommitmentKind.HMAC_SHA256);
            }
        }
        long n = ledger.size();
        while (n < ENTRIES - 1) {
            List<NewEntry> batch = new ArrayList<>(1000);
            for (int i = 0; i < 1000 && n < ENTRIES - 1; i++, n++) {
                batch.add(NewEntry.of("METADATA", Map.of("model_name", n % 2 == 0 ? "credit" : "fraud", "stage",
                        "inference", "event_type", "prediction", "timestamp", "2026-11-21T10:00:00Z", "metadata",
                        Map.of("score", n % 1000 / 1000.0, "features", 20, "approved", n % 3 == 0)), null));
            }
            ledger.appendAll(batch);
        }
        ledger.checkpoint();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        ledger.close();
        TempFiles.deleteTree(home);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 5)
    public Map<String, Object> recoverModel() {
        Map<String, Object> r = new Recovery(ledger).recoverModel("credit", null);
        if (!Boolean.TRUE.equals(r.get("intact"))) {
            throw new IllegalStateException("recovery found a problem: " + r.get("integrity"));
        }
        return r;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 5)
    public VerificationReport verifyOnly() {
        return ledger.verify();
    }
}
