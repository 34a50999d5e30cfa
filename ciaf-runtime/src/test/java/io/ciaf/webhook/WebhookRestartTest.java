package io.ciaf.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciaf.ledger.AuditLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM killed with a backlog of deliveries, and the next JVM on the same home delivering all of it. */
class WebhookRestartTest {

    private static final String SECRET = "restart-secret";

    @TempDir
    Path home;

    private Process app(int port, String... args) throws Exception {
        return io.ciaf.runtime.TestJvms.start(WebhookApp.class, home, Map.of(
                "CIAF_WEBHOOK_URL", "http://127.0.0.1:" + port + "/hook",
                "CIAF_WEBHOOK_SECRET", SECRET,
                "CIAF_WEBHOOK_BACKOFF_MS", "20",
                "CIAF_WEBHOOK_MAX_BACKOFF_MS", "200",
                "CIAF_WEBHOOK_MAX_ATTEMPTS", "1000"), args[0], args);
    }

    private static String firstLine(Process p) throws Exception {
        return io.ciaf.runtime.TestJvms.stdout(p).readLine();
    }

    @Test
    void aBacklogLeftByAKilledJvmIsDeliveredByTheNextOne() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process first = app(port, "backlog", "200");
        assertThat(firstLine(first)).isEqualTo("captured");
        first.destroyForcibly(); // SIGKILL: the sender dies with deliveries pending
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        try (Outbox outbox = Outbox.open(home)) {
            assertThat(outbox.counts().get("PENDING")).as(outbox.counts().toString()).isGreaterThanOrEqualTo(200L);
        }
        try (Receiver receiver = new Receiver(SECRET, port)) {
            Process second = app(port, "resume");
            assertThat(firstLine(second)).isEqualTo("captured");
            assertThat(second.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isZero();

            ObjectMapper json = new ObjectMapper();
            Set<String> recordIds = new HashSet<>();
            for (String body : receiver.delivered.values()) {
                Map<?, ?> b = json.readValue(body, Map.class);
                if ("metadata_saved".equals(b.get("event"))) {
                    assertThat(recordIds.add((String) ((Map<?, ?>) b.get("data")).get("record_id")))
                            .as("each record once after dedup").isTrue();
                }
            }
            Set<String> ledgerIds = new HashSet<>();
            try (AuditLedger ledger = AuditLedger.open(home)) {
                ledger.scan(0, ledger.size() - 1, e -> {
                    if (e.type().equals("METADATA")) {
                        ledgerIds.add((String) e.payloadFields().get("id"));
                    }
                });
            }
            assertThat(ledgerIds).hasSize(201);
            assertThat(recordIds).isEqualTo(ledgerIds);
            assertThat(receiver.requests).allMatch(Receiver.Request::signatureValid);
        }
    }
}
