package io.ciaf.benchmarks;

import io.ciaf.anchor.LedgerRecords;
import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.CaptureMode;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.NewEntry;
import io.ciaf.runtime.Ciaf;
import io.ciaf.storage.MetadataStorage;
import java.nio.file.Path;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What capture costs an application. Run from the repository root (the forks load
 * {@code ciaf-agent/target/ciaf-agent.jar}); each fork records into its own home under {@code target/}.
 *
 * <ul>
 *   <li>{@code callAtPaceWithAgent} vs {@code callAtPaceWithoutAgent}: the captured call alone, timed per
 *       invocation, with the application's work between calls ({@link Pace}) done outside the timed part; every
 *       call is recorded. This is the "added cost of an annotated no-op method".</li>
 *   <li>{@code pacedNoOpWithAgent} vs {@code pacedNoOpWithoutAgent}: the application does ~40 µs of work
 *       between calls (25,000 captured calls a second, a pace the pipeline keeps up with, as it must in
 *       production); the difference of the two is what each captured call adds, default settings.</li>
 *   <li>{@code noOpWithAgent} vs {@code noOpWithoutAgent}: an annotated method that does nothing, with and
 *       without the agent (SampleTime: mean and percentiles). The agent fork drops records once its queue is
 *       full ({@code capture.overload=drop}), so the figure is the application thread's work per call and
 *       not the pipeline's pace, which {@code sustainedAsync} measures.</li>
 *   <li>{@code sustainedAsync}: 100,000 async calls, then {@code Ciaf.flush}: durable records per second
 *       through ledger and sqlite backend. Baseline in the same run: {@code sustainedStorageOnly}, the same
 *       100,000 records built, appended to a ledger and saved to a sqlite store in batches of 1,000 on one
 *       thread, without the agent: what the storage alone costs on this machine at this hour, so that a
 *       figure can be read against the machine's speed, which moves by tens of per cent between hours.</li>
 *   <li>{@code syncEightThreads} vs {@code syncEightThreadsWithoutAgent}: 8 threads calling a SYNC-annotated
 *       method; each call returns after its record is durable.</li>
 * </ul>
 */
@State(Scope.Benchmark)
public class CaptureBenchmark {

    static final String AGENT = "-javaagent:ciaf-agent/target/ciaf-agent.jar";

    /**
     * The heap as a service has it after its first minutes: every page touched once. Without it, a 15 s
     * measurement is still touching the heap's pages for the first time; each first touch is a page fault of
     * 10 µs or more on this VM, and two thirds of the calls over 10 µs at 3,000 calls/s were one (see
     * docs/PERFORMANCE.md). Both forks of a pair get it.
     */
    static final String STEADY_HEAP = "-XX:+AlwaysPreTouch";

    /** The captured methods. */
    public static final class Target {
        private Target() {
        }

        @CaptureMetadata(model = "bench", stage = Stage.INFERENCE, event = "noop")
        public static int noOp(int x) {
            return x;
        }

        @CaptureMetadata(model = "bench", stage = Stage.INFERENCE, event = "sync", mode = CaptureMode.SYNC)
        public static int syncNoOp(int x) {
            return x;
        }
    }

    private int next;

    /**
     * Each trial starts from an empty home, so that a result does not depend on how many runs came before (the
     * ledger of {@code callAtPaceWithAgent} had grown to 7.5 GB over a day of runs). The agent opens its home when
     * {@link Target} loads, at the first captured call, which comes after this.
     */
    @Setup(Level.Trial)
    public void emptyHome() throws java.io.IOException {
        TempFiles.emptyCiafHome();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 2, time = 3)
    @Measurement(iterations = 5, time = 3)
    @Fork(value = 1, jvmArgsAppend = {AGENT, "-Dciaf.home=target/bench-capture-noop",
        "-Dciaf.capture.overload=drop", "-Dciaf.checkpoint.interval_seconds=0"})
    public int noOpWithAgent() {
        return Target.noOp(next++);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 2, time = 3)
    @Measurement(iterations = 5, time = 3)
    @Fork(1)
    public int noOpWithoutAgent() {
        return Target.noOp(next++);
    }

    /**
     * Work the application does between two captured calls in the paced benchmarks, in
     * {@link Blackhole#consumeCPU} tokens: 16,000 is about 28 µs here (about 35,000 captured calls a second).
     */
    @Param("16000")
    public long work;

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 2, time = 3)
    @Measurement(iterations = 5, time = 3)
    @Fork(value = 1, jvmArgsAppend = {AGENT, "-Dciaf.home=target/bench-capture-paced",
        "-Dciaf.checkpoint.interval_seconds=0"})
    public int pacedNoOpWithAgent() {
        Blackhole.consumeCPU(work);
        return Target.noOp(next++);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 2, time = 3)
    @Measurement(iterations = 5, time = 3)
    @Fork(1)
    public int pacedNoOpWithoutAgent() {
        Blackhole.consumeCPU(work);
        return Target.noOp(next++);
    }

    /**
     * The application's work between two captured calls in the {@code callAt*} benchmarks, done before each
     * invocation and so left out of its time: the figure is the captured call alone, at a pace the pipeline
     * keeps up with, every call recorded (default settings: block, async).
     */
    @State(Scope.Thread)
    public static class Pace {
        @Param("16000")
        public long between;

        @Setup(Level.Invocation)
        public void work() {
            Blackhole.consumeCPU(between);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 2, time = 3)
    @Measurement(iterations = 5, time = 3)
    @Fork(value = 1, jvmArgsAppend = {AGENT, "-Dciaf.home=target/bench-capture-call",
        "-Dciaf.checkpoint.interval_seconds=0", STEADY_HEAP})
    public int callAtPaceWithAgent(Pace pace) {
        return Target.noOp(next++);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 2, time = 3)
    @Measurement(iterations = 5, time = 3)
    @Fork(value = 1, jvmArgsAppend = STEADY_HEAP)
    public int callAtPaceWithoutAgent(Pace pace) {
        return Target.noOp(next++);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    @Fork(value = 1, jvmArgsAppend = {AGENT, "-Dciaf.home=target/bench-capture-async",
        "-Dciaf.checkpoint.interval_seconds=0"})
    public boolean sustainedAsync() {
        for (int i = 0; i < 100_000; i++) {
            Target.noOp(i);
        }
        if (!Ciaf.flush(Duration.ofMinutes(2))) {
            throw new IllegalStateException("records not durable within 2 minutes (is the agent attached?)");
        }
        return true;
    }

    /** A ledger and a sqlite store in a temporary home, for {@link #sustainedStorageOnly}. */
    @State(Scope.Benchmark)
    public static class Storage {
        Path home;
        AuditLedger ledger;
        MetadataStorage store;
        long next;

        @Setup(Level.Trial)
        public void open() throws java.io.IOException {
            home = java.nio.file.Files.createTempDirectory("ciaf-bench-storage");
            ledger = AuditLedger.create(home, "bench.ciaf/storage");
            store = MetadataStorage.open(home.resolve("metadata"), "sqlite");
        }

        @TearDown(Level.Trial)
        public void close() throws java.io.IOException {
            store.close();
            ledger.close();
            TempFiles.deleteTree(home);
        }

        /** A record like the one a captured call of {@link Target#noOp} makes. */
        MetadataRecord record(long i) {
            return MetadataRecord.builder("bench", Stage.INFERENCE, "noop")
                    .put("class", Target.class.getName())
                    .put("method", "noOp")
                    .put("arguments", Map.of("x", i))
                    .put("result", i)
                    .put("outcome", "ok")
                    .put("thread", "io.ciaf.benchmarks.CaptureBenchmark.sustainedAsync-jmh-worker-1")
                    .put("duration_ns", 20_000 + i % 1_000)
                    .build();
        }

        /** The ledger entry of a record, with the payload the capture pipeline writes (less its session). */
        static NewEntry entry(MetadataRecord r) {
            return NewEntry.ofCanonicalMembers("METADATA", LedgerRecords.canonicalMembers(r, CanonicalJson::quote),
                    r.id().toString());
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    @Fork(1)
    public int sustainedStorageOnly(Storage s) {
        int saved = 0;
        for (int b = 0; b < 100; b++) {
            List<MetadataRecord> records = new ArrayList<>(1_000);
            List<NewEntry> entries = new ArrayList<>(1_000);
            for (int i = 0; i < 1_000; i++) {
                MetadataRecord r = s.record(s.next++);
                records.add(r);
                entries.add(Storage.entry(r));
            }
            s.ledger.appendAll(entries);
            saved += s.store.saveAll(records).size();
        }
        return saved;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 2, time = 3)
    @Measurement(iterations = 5, time = 3)
    @Threads(8)
    @Fork(value = 1, jvmArgsAppend = {AGENT, "-Dciaf.home=target/bench-capture-sync",
        "-Dciaf.checkpoint.interval_seconds=0"})
    public int syncEightThreads() {
        return Target.syncNoOp(next++);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 1, time = 2)
    @Measurement(iterations = 3, time = 2)
    @Threads(8)
    @Fork(1)
    public int syncEightThreadsWithoutAgent() {
        return Target.syncNoOp(next++);
    }
}
