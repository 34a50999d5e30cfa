package io.ciaf.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

/**
 * The macro overhead benchmark, after OpenTelemetry's: {@code samples/micronaut-inference} runs in its own JVM, with
 * the agent (async capture, HMAC receipts: {@code agent=on}) or without ({@code off}), and this JMH fork is the
 * second process that loads it: one client sending the next {@code POST /predict} as soon as the previous one is
 * answered (a fixed closed-loop load that leaves the machine headroom, as production does: on two cores, more
 * clients saturate the CPU and the figure becomes CPU contention; see docs/PERFORMANCE.md). {@code throughput}
 * counts answered requests per second, {@code latency} samples each request's time (p50, p95). The 30 s warm-up
 * is for the steady state: with the agent the service's JIT compiles for about 25 s under this load (the
 * pipeline's code too; 23 s of compiler CPU against 11 s without); that cost is reported apart, not averaged in. Each trial starts its own service; at its end the service is stopped
 * with SIGTERM and the trial prints the service's start-up time (process start to "Server Running") and its
 * allocation (JFR thread allocation statistics, summed over threads) per request, then removes the trial's
 * directory (the service's home, log and recording), also when the trial fails.
 *
 * <p>Run from the repository root after {@code mvn -B -DskipTests install}. To alternate: once with
 * {@code -p agent=off,on}, once with {@code -p agent=on,off}.
 */
@State(Scope.Benchmark)
@Fork(1)
@Threads(1)
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 5)
public class MacroOverheadBenchmark {

    static final Path SERVICE = Path.of("samples/micronaut-inference/target/micronaut-inference.jar");
    static final String AGENT = "ciaf-agent/target/ciaf-agent.jar";
    static final Pattern RUNNING = Pattern.compile("Server Running: http://127\\.0\\.0\\.1:(\\d+)");

    @Param({"off", "on"})
    public String agent;

    /** {@code capture.pipeline_priority} of the service with the agent: {@code low} (the default) or {@code idle}. */
    @Param({"low"})
    public String priority;

    private Process service;
    private Path dir;
    private HttpClient http;
    private URI predict;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private long startupMillis;

    @Setup(Level.Trial)
    public void start() throws Exception {
        if (!Files.isRegularFile(SERVICE) || !Files.isRegularFile(Path.of(AGENT))) {
            throw new IllegalStateException("run from the repository root after mvn -B -DskipTests install");
        }
        dir = Files.createTempDirectory("ciaf-macro-" + agent);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (agent.equals("on")) {
            cmd.addAll(List.of("-javaagent:" + AGENT, "-Dciaf.home=" + dir.resolve("home"),
                    "-Dciaf.capture.inference_receipts=hmac", "-Dciaf.capture.pipeline_priority=" + priority));
        }
        cmd.addAll(List.of("-XX:StartFlightRecording=filename=" + dir.resolve("service.jfr")
                // every second, not only at chunk ends: a thread that ends before the recording does (CIAF's
                // pipeline stops in the shutdown hook) is otherwise missing from the totals
                + ",settings=default,jdk.ThreadAllocationStatistics#period=1s",
                "-Dmicronaut.server.host=127.0.0.1", "-Dmicronaut.server.port=-1", "-jar", SERVICE.toString()));
        Path log = dir.resolve("service.log");
        long t0 = System.nanoTime();
        service = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // A trial that fails skips its tear-down: without this the service outlived the fork and loaded the
        // machine under the next trials, and its directory (a ledger of about 1 GB) stayed behind.
        Process started = service;
        Path startedDir = dir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.destroyForcibly();
            try {
                started.waitFor(10, TimeUnit.SECONDS);
                TempFiles.deleteTree(startedDir);
            } catch (IOException | InterruptedException e) {
                System.err.println("[macro] could not remove " + startedDir + ": " + e);
            }
        }));
        int port = -1;
        while (port < 0) {
            Matcher m = RUNNING.matcher(Files.readString(log));
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            } else if (!service.isAlive() || System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
                throw new IllegalStateException("the service did not start: " + Files.readString(log));
            } else {
                Thread.sleep(5);
            }
        }
        startupMillis = (System.nanoTime() - t0) / 1_000_000;
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        predict = URI.create("http://127.0.0.1:" + port + "/predict");
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        service.destroy();
        if (!service.waitFor(60, TimeUnit.SECONDS)) {
            service.destroyForcibly();
        }
        long allocated = allocatedBytes(dir.resolve("service.jfr"));
        // Each trial with the agent leaves a ledger of about 1 GB: two orders of this benchmark a few times a
        // day filled the disk (and the service's JFR, which cannot write, stops the service's JVM).
        TempFiles.deleteTree(dir);
        System.out.printf(Locale.ROOT, "%n[macro] agent=%s start-up %d ms; %,d requests; service allocated %,d MB,"
                + " %,.0f bytes per request; %d requests sent again after a client-side I/O error%n", agent, startupMillis,
                sent.get(), allocated >> 20, allocated / (double) Math.max(1, sent.get()), retried.get());
    }

    private int send() throws IOException, InterruptedException {
        try {
            return sendOnce();
        } catch (IOException e) {
            // The JDK client's pool sometimes closes a kept-alive connection under a request it has just
            // handed it ("connection closed locally"); that is the load generator's fault, not the service's.
            // Once, counted and printed at the end of the trial; a second failure fails the trial.
            retried.incrementAndGet();
            return sendOnce();
        }
    }

    private int sendOnce() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(predictRequest(predict, sent.incrementAndGet()),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body().length();
    }

    /** The {@code i}-th application of the load: amounts, durations, ages and credits vary with it. */
    static HttpRequest predictRequest(URI predict, long i) {
        String body = String.format(Locale.ROOT, "{\"application_id\":\"app-%d\",\"amount\":%d,\"duration_months\":%d,"
                + "\"age\":%d,\"existing_credits\":%d}", i, 500 + i % 9000, 6 + i % 48, 19 + i % 60, i % 4);
        return HttpRequest.newBuilder(predict).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int throughput() throws Exception {
        return send();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int latency() throws Exception {
        return send();
    }

    /** Sum over threads of each thread's last allocation total in the recording (to within its last second). */
    static long allocatedBytes(Path jfr) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jfr)) {
            return -1;
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(), "print",
                "--json", "--events", "jdk.ThreadAllocationStatistics", jfr.toString())
                .redirectErrorStream(true).start();
        String json = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        Map<String, Long> byThread = new HashMap<>();
        Matcher m = Pattern.compile("\"allocated\"\\s*:\\s*(\\d+)[^}]*?\"osThreadId\"\\s*:\\s*(\\d+)", Pattern.DOTALL)
                .matcher(json);
        while (m.find()) {
            byThread.merge(m.group(2), Long.parseLong(m.group(1)), Math::max);
        }
        return byThread.values().stream().mapToLong(Long::longValue).sum();
    }
}
