package io.ciaf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.ciaf.api.Stage;
import io.ciaf.runtime.Ciaf;
import io.ciaf.runtime.CiafConfig;
import io.ciaf.runtime.MetadataCapture;
import io.ciaf.webhook.WebhookSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComplianceCommandsTest {

    private static final String SECRET = "cli-test-secret";

    @TempDir
    Path home;

    private HttpServer server;
    private volatile int status = 200;
    private final List<String[]> received = new CopyOnWriteArrayList<>();

    /** 40 decisions for women (20 approved), 60 for men (42 approved); denials with reasons. */
    @BeforeEach
    void capture() throws IOException {
        Ciaf.start(CiafConfig.load(Map.of("CIAF_HOME", home.toString(), "CIAF_CHECKPOINT_INTERVAL_SECONDS", "0"),
                new Properties(), null));
        for (int i = 0; i < 100; i++) {
            boolean female = i < 40;
            boolean approved = female ? i < 20 : i < 82;
            try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "predict")) {
                c.put("favourable", approved).put("sex", female ? "female" : "male");
                if (!approved) {
                    c.put("adverse_action_reasons", List.of("duration"));
                }
            }
        }
        Ciaf.flush(Duration.ofSeconds(10));
        Ciaf.shutdown();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean valid = WebhookSignature.verify(SECRET, x.getRequestHeaders().getFirst("X-CIAF-Signature"), body,
                    System.currentTimeMillis() / 1000, 300);
            received.add(new String[] {x.getRequestHeaders().getFirst("X-CIAF-Event"), body, String.valueOf(valid)});
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("CIAF_HOME", home.toString(),
                "CIAF_COMPLIANCE_PROTECTED_ATTRIBUTES", "sex"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private Map<String, String> webhookEnv(String... more) {
        Map<String, String> env = env(more);
        env.put("CIAF_WEBHOOK_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        env.put("CIAF_WEBHOOK_SECRET", SECRET);
        env.put("CIAF_WEBHOOK_BACKOFF_MS", "10");
        return env;
    }

    @Test
    void assessPrintsScoresAndFailedChecksAndRecordsTheAssessment() {
        CliRun r = CliRun.run(env(), "", "compliance", "assess", "credit", "--framework", "eeoc,fcra-ecoa");
        assertThat(r.exit()).as(r.err()).isZero();
        // EEOC: 4D FAIL (3), 4D-sig PASS, 4A PASS, LL144 INSUFFICIENT, 1602 PASS: 3/7 = 42.9%
        assertThat(r.out()).contains(" 42.9%  EEOC Uniform Guidelines   failed: EEOC-4D")
                .contains("EEOC-4D: lowest impact ratio 0.714 (sex female 0.500, male 0.700)")
                .contains("FCRA-RET: retention.days keeps records 365 days")
                .contains("recorded at ledger position");
        CliRun verify = CliRun.run(env(), "", "verify");
        assertThat(verify.exit()).isZero();
    }

    @Test
    void reportsInEveryFormatWithTheScoreHistory() throws Exception {
        assertThat(CliRun.run(env(), "", "compliance", "assess", "credit").exit()).isZero();
        Path html = home.resolve("reports/credit.html");
        CliRun r = CliRun.run(env(), "", "compliance", "report", "credit", "--format", "html", "-o", html.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg").contains("four-fifths rule")
                .contains("Score over time").contains("<polyline").doesNotContain("<script").doesNotContain("src=")
                .doesNotContain("http://").doesNotContain("https://");

        CliRun json = CliRun.run(env(), "", "compliance", "report", "credit", "--format", "json");
        assertThat(json.exit()).isZero();
        Map<?, ?> m = new ObjectMapper().readValue(json.out(), Map.class);
        assertThat((List<?>) m.get("frameworks")).hasSize(7);
        assertThat((List<?>) m.get("history")).hasSize(2);
        assertThat(m.get("selection_rates").toString()).contains("female=0.5").contains("male=0.7");

        CliRun md = CliRun.run(env(), "", "compliance", "report", "credit", "--format", "md");
        assertThat(md.out()).contains("| female | 0.500 | **no** |");
    }

    @Test
    void badInputIsNamedWithTheFix() {
        CliRun unknownFramework = CliRun.run(env(), "", "compliance", "assess", "credit", "--framework", "eeco");
        assertThat(unknownFramework.exit()).isEqualTo(2);
        assertThat(unknownFramework.err()).contains("unknown compliance framework 'eeco'; did you mean eeoc?");
        CliRun unknownModel = CliRun.run(env(), "", "compliance", "assess", "credti");
        assertThat(unknownModel.exit()).isEqualTo(2);
        assertThat(unknownModel.err()).contains("no records of model 'credti'").contains("credit");
        CliRun format = CliRun.run(env(), "", "compliance", "report", "credit", "--format", "pdf");
        assertThat(format.exit()).isEqualTo(2);
        CliRun noSecret = CliRun.run(env("CIAF_WEBHOOK_URL", "http://127.0.0.1:1/x"), "", "compliance", "assess",
                "credit");
        assertThat(noSecret.exit()).isEqualTo(2);
        assertThat(noSecret.err()).contains("webhooks.secret is not").contains("CIAF_WEBHOOK_SECRET");
    }

    @Test
    void complianceEventsAreSignedAndDeadLettersCanBeRetried() throws Exception {
        CliRun ok = CliRun.run(webhookEnv(), "", "compliance", "assess", "credit", "--framework", "eeoc");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(received).extracting(x -> x[0]).containsExactlyInAnyOrder("compliance_assessed",
                "compliance_failed");
        assertThat(received).allMatch(x -> x[2].equals("true"));
        assertThat(received.stream().filter(x -> x[0].equals("compliance_failed")).findFirst().orElseThrow()[1])
                .contains("EEOC-4D");

        received.clear();
        status = 500;
        CliRun failing = CliRun.run(webhookEnv("CIAF_WEBHOOK_MAX_ATTEMPTS", "1"), "", "compliance", "assess", "credit",
                "--framework", "eeoc");
        assertThat(failing.exit()).isZero(); // delivery never fails the assessment
        CliRun status1 = CliRun.run(env(), "", "webhooks", "status");
        assertThat(status1.out()).contains("pending 0, delivered 2, dead 2").contains("attempts, last: HTTP 500");
        assertThat(status1.out()).doesNotContain(SECRET);

        this.status = 200;
        CliRun retry = CliRun.run(webhookEnv(), "", "webhooks", "retry");
        assertThat(retry.exit()).as(retry.err()).isZero();
        assertThat(retry.out()).contains("2 dead deliveries pending again").contains("delivered 2; pending 0, dead 0");
        assertThat(CliRun.run(env(), "", "webhooks", "status").out()).contains("pending 0, delivered 4, dead 0");
        // the retried deliveries kept their ids
        List<String> ids = new ArrayList<>();
        for (String[] x : received) {
            ids.add((String) new ObjectMapper().readValue(x[1], Map.class).get("delivery_id"));
        }
        assertThat(ids).hasSize(4); // two refused with 500, then the same two delivered
        assertThat(new java.util.HashSet<>(ids)).hasSize(2);
        assertThat(new java.util.HashSet<>(ids.subList(0, 2))).isEqualTo(new java.util.HashSet<>(ids.subList(2, 4)));
    }

    @Test
    void aTamperedLedgerSendsAnIntegrityViolation() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("ledger.db"));
                Statement s = c.createStatement()) {
            List<String> triggers = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
                while (r.next()) {
                    triggers.add(r.getString(1));
                }
            }
            for (String t : triggers) {
                s.execute("DROP TRIGGER " + t);
            }
            s.executeUpdate("UPDATE payloads SET payload = CAST(replace(CAST(payload AS TEXT), '\"male\"', '\"female\"')"
                    + " AS BLOB) WHERE position = (SELECT max(position) FROM entries WHERE type = 'METADATA')");
        }
        CliRun r = CliRun.run(webhookEnv(), "", "verify");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(received).singleElement().satisfies(x -> {
            assertThat(x[0]).isEqualTo("integrity_violation");
            assertThat(x[1]).contains("first_bad_position");
            assertThat(x[2]).isEqualTo("true");
        });
    }
}
