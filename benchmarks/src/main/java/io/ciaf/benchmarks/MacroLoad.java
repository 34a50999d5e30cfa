package io.ciaf.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Locale;

/**
 * A diagnostic, not a JMH benchmark: one closed-loop client for a {@code samples/micronaut-inference} service
 * started by hand (so that the service's threads can be inspected, re-prioritised or pinned while it runs), with
 * the same requests as {@link MacroOverheadBenchmark}. It prints the request rate over the whole run and, for its
 * second half (the first is warm-up), the mean and p50 to p99.9 latency and the share of the time spent in
 * requests over 1 ms. Run from the repository root:
 *
 * <pre>
 * java [-javaagent:ciaf-agent/target/ciaf-agent.jar -Dciaf.home=/tmp/h -Dciaf.capture.inference_receipts=hmac] \
 *      -Dmicronaut.server.host=127.0.0.1 -Dmicronaut.server.port=8099 \
 *      -jar samples/micronaut-inference/target/micronaut-inference.jar &amp;
 * java -cp benchmarks/target/benchmarks.jar io.ciaf.benchmarks.MacroLoad 8099 60
 * </pre>
 */
public final class MacroLoad {

    private MacroLoad() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        HttpClient http = HttpClient.newHttpClient();
        URI predict = URI.create("http://127.0.0.1:" + port + "/predict");
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long[] latencies = new long[1 << 24];
        int n = 0;
        long sent = 0;
        while (System.nanoTime() < end) {
            HttpRequest request = MacroOverheadBenchmark.predictRequest(predict, ++sent);
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (n < latencies.length) {
                latencies[n++] = System.nanoTime() - t0;
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] second = Arrays.copyOfRange(latencies, n / 2, n);
        long total = 0;
        long overMilli = 0;
        for (long l : second) {
            total += l;
            if (l > 1_000_000) {
                overMilli += l;
            }
        }
        Arrays.sort(second);
        System.out.printf(Locale.ROOT, "%,d requests, %,.0f/s; second half mean %d p50 %d p90 %d p95 %d p99 %d"
                + " p99.9 %d µs, %.1f%% of its time in requests over 1 ms%n", sent, sent / elapsed,
                total / second.length / 1000, at(second, 0.5), at(second, 0.9), at(second, 0.95), at(second, 0.99),
                at(second, 0.999), 100.0 * overMilli / total);
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[(int) (sorted.length * quantile)] / 1000;
    }
}
