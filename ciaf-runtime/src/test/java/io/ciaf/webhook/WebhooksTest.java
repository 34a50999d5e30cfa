package io.ciaf.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.ciaf.api.AuditEvent;
import io.ciaf.api.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhooksTest {

    private static final String SECRET = "s3cret-for-tests";

    @TempDir
    Path home;

    private final List<String> problems = new CopyOnWriteArrayList<>();

    private static WebhookSettings settings(String url, int timeoutMillis, int maxAttempts) {
        return new WebhookSettings(URI.create(url), SECRET, List.of(), List.of(), List.of(), timeoutMillis, maxAttempts,
                20, 200);
    }

    private static List<AuditEvent> events(int n) {
        List<AuditEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new AuditEvent("metadata_saved", "credit", Stage.INFERENCE, Instant.now(), Map.of("n", i)));
        }
        return out;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The outbox is updated once the receiver's answer is read, just after the receiver counted it. */
    private static void awaitCount(Webhooks w, String state, long n) throws InterruptedException {
        long end = System.currentTimeMillis() + 20_000;
        while (w.outbox().counts().get(state) < n && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
    }

    private Webhooks start(WebhookSettings s) {
        return Webhooks.start(home, s, (k, m) -> problems.add(m));
    }

    /** Every event arrived once after deduplication, with a valid signature and its event header. */
    private static void assertAllArrived(Receiver r, int n) {
        Set<Object> numbers = r.delivered.values().stream()
                .map(b -> b.replaceAll(".*\"n\":(\\d+).*", "$1")).collect(Collectors.toSet());
        assertThat(numbers).hasSize(n);
        assertThat(r.requests).allMatch(Receiver.Request::signatureValid);
        assertThat(r.requests).allMatch(q -> "metadata_saved".equals(q.event()));
        r.delivered.forEach((id, body) -> assertThat(body).contains("\"delivery_id\":\"" + id + "\""));
    }

    @Test
    void aReceiverThatFailsItsFirstRequestsGetsEveryDeliveryWithTheSameId() throws Exception {
        try (Receiver r = new Receiver(SECRET, 0); Webhooks w = start(settings(r.url(), 2000, 10))) {
            r.failFirst.set(7);
            w.onEvents(events(50));
            assertThat(r.await(50, 20_000)).isTrue();
            assertAllArrived(r, 50);
            // the 7 failed requests were retried under their own delivery ids
            assertThat(r.requests.size()).isEqualTo(57);
            List<String> ids = r.requests.stream().map(Receiver.Request::delivery).toList();
            assertThat(Set.copyOf(ids)).hasSize(50);
            awaitCount(w, "DELIVERED", 50);
            assertThat(w.outbox().counts()).containsEntry("DELIVERED", 50L).containsEntry("PENDING", 0L);
        }
    }

    @Test
    void aSlowReceiverTimesOutAndTheDeliveryIsRetried() throws Exception {
        try (Receiver r = new Receiver(SECRET, 0); Webhooks w = start(settings(r.url(), 300, 10))) {
            r.slowFirstMillis = 1500;
            r.slowFirst.set(2);
            w.onEvents(events(5));
            assertThat(r.await(5, 20_000)).isTrue();
            assertAllArrived(r, 5);
            assertThat(r.requests.size()).isGreaterThan(5);
        }
    }

    @Test
    void aReceiverThatAnswers500IsRetriedUntilDeadThenRetriedByHand() throws Exception {
        try (Receiver r = new Receiver(SECRET, 0); Webhooks w = start(settings(r.url(), 2000, 3))) {
            r.status = 500;
            w.onEvents(events(4));
            awaitCount(w, "DEAD", 4);
            assertThat(w.outbox().counts()).containsEntry("DEAD", 4L).containsEntry("PENDING", 0L);
            assertThat(r.requests).hasSize(12); // 3 attempts each
            assertThat(w.outbox().list("DEAD", 10)).allMatch(d -> "HTTP 500".equals(d.lastError()));
            assertThat(problems).anyMatch(p -> p.contains("dead letter") && !p.contains(SECRET));
            r.status = 200;
            assertThat(w.outbox().retryDead(List.of(), System.currentTimeMillis())).isEqualTo(4);
            assertThat(r.await(4, 20_000)).isTrue();
            assertAllArrived(r, 4);
        }
    }

    @Test
    void deliveriesWaitWhileTheReceiverIsDownAndArriveWhenItIsBack() throws Exception {
        int port = freePort();
        try (Webhooks w = start(settings("http://127.0.0.1:" + port + "/hook", 1000, 50))) {
            w.onEvents(events(20));
            Thread.sleep(600); // several refused attempts
            assertThat(w.outbox().counts().get("PENDING")).isEqualTo(20L);
            assertThat(w.outbox().list("PENDING", 1).get(0).lastError()).contains("ConnectException");
            try (Receiver r = new Receiver(SECRET, port)) {
                assertThat(r.await(20, 20_000)).isTrue();
                assertAllArrived(r, 20);
            }
        }
    }

    @Test
    void theFiltersKeepOnlyTheChosenEventsModelsAndStages() throws Exception {
        try (Receiver r = new Receiver(SECRET, 0);
                Webhooks w = start(new WebhookSettings(URI.create(r.url()), SECRET, List.of("metadata_saved"),
                        List.of("credit"), List.of("inference"), 2000, 5, 20, 200))) {
            w.onEvents(List.of(
                    new AuditEvent("metadata_saved", "credit", Stage.INFERENCE, Instant.now(), Map.of("n", 1)),
                    new AuditEvent("metadata_saved", "credit", Stage.TRAINING, Instant.now(), Map.of("n", 2)),
                    new AuditEvent("metadata_saved", "fraud", Stage.INFERENCE, Instant.now(), Map.of("n", 3)),
                    new AuditEvent("checkpoint_sealed", null, null, Instant.now(), Map.of("n", 4))));
            assertThat(r.await(1, 10_000)).isTrue();
            Thread.sleep(300);
            assertThat(r.delivered).hasSize(1);
            assertThat(r.delivered.values().iterator().next()).contains("\"n\":1");
        }
    }

    @Test
    void aSignatureVerifiesOnlyWithTheRightSecretBodyAndTime() {
        String header = WebhookSignature.sign("k", 1_700_000_000L, "{\"a\":1}");
        // HMAC-SHA256("k", "1700000000.{\"a\":1}") computed with: printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac k
        assertThat(header).isEqualTo("t=1700000000,v1=" + Vectors.HMAC_K_1700000000_A1);
        assertThat(WebhookSignature.verify("k", header, "{\"a\":1}", 1_700_000_100L, 300)).isTrue();
        assertThat(WebhookSignature.verify("k", header, "{\"a\":2}", 1_700_000_100L, 300)).isFalse();
        assertThat(WebhookSignature.verify("x", header, "{\"a\":1}", 1_700_000_100L, 300)).isFalse();
        assertThat(WebhookSignature.verify("k", header, "{\"a\":1}", 1_700_001_000L, 300)).isFalse();
        assertThat(WebhookSignature.verify("k", "t=abc,v1=zz", "{\"a\":1}", 1_700_000_000L, 300)).isFalse();
    }

    @Test
    void theSettingsNeverShowTheSecret() {
        assertThat(settings("http://127.0.0.1:1/hook", 1000, 3).toString()).doesNotContain(SECRET);
    }
}
