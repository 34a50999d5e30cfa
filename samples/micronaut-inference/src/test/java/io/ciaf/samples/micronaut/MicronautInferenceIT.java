package io.ciaf.samples.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.anchor.CommitmentKeys;
import io.ciaf.anchor.InferenceReceipt;
import io.ciaf.anchor.InferenceReceipts;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;

/**
 * The service in a real JVM with {@code -javaagent:ciaf-agent.jar}, on a port of its choosing on 127.0.0.1; 1,000
 * real HTTP requests; then the ledger it leaves after a normal stop (SIGTERM).
 */
class MicronautInferenceIT {

    static final int REQUESTS = 1000;
    static final Pattern RUNNING = Pattern.compile("Server Running: http://127\\.0\\.0\\.1:(\\d+)");

    /** A distinct application per request, integers only, so the test can rebuild each exactly. */
    static Map<String, Object> application(int i) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("application_id", "app-" + i);
        a.put("amount", 500 + 37 * i);
        a.put("duration_months", 6 + i % 48);
        a.put("age", 19 + i % 60);
        a.put("existing_credits", i % 4);
        return a;
    }

    static String json(Map<String, Object> a) {
        StringBuilder s = new StringBuilder("{");
        a.forEach((k, v) -> s.append(s.length() > 1 ? "," : "").append('"').append(k).append("\":")
                .append(v instanceof String ? "\"" + v + "\"" : v));
        return s.append('}').toString();
    }

    @Test
    void everyRequestGetsAReceiptInAVerifiedLedger(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home");
        Path log = dir.resolve("service.log");
        Process service = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + System.getProperty("ciaf.agent.jar"), "-Dciaf.home=" + home,
                "-Dciaf.capture.inference_receipts=hmac", "-Dciaf.checkpoint.interval_seconds=0",
                "-Dmicronaut.server.host=127.0.0.1", "-Dmicronaut.server.port=-1",
                "-jar", System.getProperty("service.jar"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int port = awaitPort(log, service);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI predict = URI.create("http://127.0.0.1:" + port + "/predict");
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                answers.add(http.sendAsync(HttpRequest.newBuilder(predict).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json(application(i)))).build(),
                        HttpResponse.BodyHandlers.ofString()));
                if (answers.size() % 16 == 0) {
                    answers.get(answers.size() - 1).join(); // at most ~16 in flight
                }
            }
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                HttpResponse<String> r = a.join();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).containsPattern("\"decision\":\"(approve|deny)\"");
            }
            // a request the service refuses is recorded as a failed call, with no receipt
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(predict).header("Content-Type",
                    "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"a lot\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
        } finally {
            service.destroy(); // SIGTERM: the shutdown hooks run, CIAF flushes and signs a checkpoint
            if (!service.waitFor(60, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
        assertThat(Files.readString(log)).doesNotContain("[ciaf]");

        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ledger.verify().full()).isTrue();
            assertThat(ledger.latestCheckpoint()).isPresent();
            List<LedgerEntry> receipts = ledger.findAll(InferenceReceipt.TYPE, "model", "loan-scorecard");
            assertThat(receipts).hasSize(REQUESTS);
            InferenceReceipts.ChainCheck chain = InferenceReceipts.verifyChain(ledger, "loan-scorecard");
            assertThat(chain.intact()).as(chain.reason()).isTrue();
            assertThat(chain.receipts()).isEqualTo(REQUESTS);

            List<LedgerEntry> records = ledger.findAll("METADATA", "model_name", "loan-scorecard");
            assertThat(records).hasSize(REQUESTS + 1);
            Set<Object> ok = new HashSet<>();
            long failed = 0;
            for (LedgerEntry e : records) {
                Map<?, ?> m = (Map<?, ?>) e.payloadFields().get("metadata");
                if ("ok".equals(m.get("outcome"))) {
                    ok.add(e.payloadFields().get("id"));
                } else {
                    failed++;
                    assertThat(m.get("exception")).isEqualTo("io.micronaut.http.exceptions.HttpStatusException");
                }
            }
            assertThat(failed).isEqualTo(1);
            // one receipt per successful request, naming its record
            Set<Object> requestIds = new HashSet<>();
            receipts.forEach(r -> requestIds.add(r.payloadFields().get("request_id")));
            assertThat(requestIds).isEqualTo(ok);

            // a receipt opens with the application that was sent, and with no other
            InferenceReceipt sample = InferenceReceipt.fromPayload(receipts.get(REQUESTS / 2).payloadFields());
            int matches = 0;
            try (CommitmentKeys keys = CommitmentKeys.open(home)) {
                for (int i = 0; i < REQUESTS; i++) {
                    if (keys.opens(sample.input(), Map.of("application", application(i)))
                            == CommitmentKeys.Opening.MATCHES) {
                        matches++;
                    }
                }
            }
            assertThat(matches).isEqualTo(1);
        }
    }

    private static int awaitPort(Path log, Process service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = RUNNING.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!service.isAlive()) {
                throw new IllegalStateException("the service exited: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the service did not start in 60 s: " + Files.readString(log));
    }
}
