package io.ciaf.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared test suite of every capture route (the Byte Buddy agent, AspectJ load-time weaving, AspectJ
 * compile-time weaving): the host application (com.example.host.HostApp) runs in real JVMs with and without
 * capture; its output and exit code must be identical in every case, CIAF's own problems reported once, and
 * the records the same whichever route made them. A route subclasses this in a few lines.
 */
public abstract class CaptureRouteContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    protected static final String HOST = "com.example.host.HostApp";

    @TempDir
    protected Path dir;

    /** The JVM options that turn capture on (e.g. {@code -javaagent:…}); empty for compile-time weaving. */
    protected abstract List<String> captureJvmArgs();

    /** The class path the application runs with when captured. */
    protected abstract String capturedClassPath();

    /** The class path of the same application without CIAF. */
    protected abstract String plainClassPath();

    /** Whether this route runs on the Temurin 25 JDK too. */
    protected boolean supportsJdk25() {
        return true;
    }

    protected AgentJvms.Run plain(String java, String... args) throws Exception {
        return AgentJvms.run(AgentJvms.builder(java, List.of(), plainClassPath(), Map.of(), HOST, args));
    }

    protected AgentJvms.Run captured(String java, Map<String, String> env, String main, String... args)
            throws Exception {
        return AgentJvms.run(AgentJvms.builder(java, captureJvmArgs(), capturedClassPath(), env, main, args));
    }

    protected AgentJvms.Run captured(String java, Path home, String... args) throws Exception {
        return captured(java, Map.of("CIAF_HOME", home.toString()), HOST, args);
    }

    private static void assertSameBehaviour(AgentJvms.Run without, AgentJvms.Run with) {
        assertThat(without.exit()).as(without.err()).isEqualTo(3);
        assertThat(with.exit()).as(with.err()).isEqualTo(without.exit());
        assertThat(with.out()).isEqualTo(without.out());
        List<String> reports = with.err().lines().filter(l -> l.startsWith("[ciaf]")).toList();
        assertThat(new HashSet<>(reports)).as("each problem reported once").hasSameSizeAs(reports);
        assertThat(with.err()).doesNotContain("Exception in thread");
    }

    private static Map<String, List<JsonNode>> recordsByEvent(Path home) throws Exception {
        Map<String, List<JsonNode>> out = new HashMap<>();
        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ledger.verify().checkpoint()).isPresent();
            for (JsonNode r : metadataRecords(ledger)) {
                out.computeIfAbsent(r.get("event_type").asText(), k -> new ArrayList<>()).add(r);
            }
        }
        return out;
    }

    /** The METADATA records of the ledger in {@code home}, in order, after the ledger verifies. */
    protected static List<JsonNode> metadataRecords(Path home) throws Exception {
        try (AuditLedger ledger = AuditLedger.open(home)) {
            ledger.verify();
            return metadataRecords(ledger);
        }
    }

    private static List<JsonNode> metadataRecords(AuditLedger ledger) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (long p = 0; p < ledger.size(); p++) {
            LedgerEntry e = ledger.entry(p).orElseThrow();
            if (e.type().equals("METADATA")) {
                records.add(JSON.readTree(e.payload().orElseThrow()));
            }
        }
        return records;
    }

    @Test
    void everyAwkwardMethodBehavesTheSameAndIsRecorded() throws Exception {
        Path home = dir.resolve("home");
        AgentJvms.Run without = plain(AgentJvms.defaultJava());
        AgentJvms.Run with = captured(AgentJvms.defaultJava(), home);
        assertSameBehaviour(without, with);

        Map<String, List<JsonNode>> records = recordsByEvent(home);
        assertThat(records.get("score")).hasSize(1 + 16 * 200);
        JsonNode score = records.get("score").get(0).get("metadata");
        assertThat(score.get("class").asText()).isEqualTo("com.example.host.HostApp$Scorer");
        assertThat(score.get("arguments").get("income").asDouble()).isEqualTo(52000.0);
        assertThat(score.get("arguments").get("password").asText()).isEqualTo("[REDACTED]");
        assertThat(with.out() + with.err()).doesNotContain("hunter2");
        assertThat(score.get("result").asDouble()).isEqualTo(52.0);
        assertThat(score.get("duration_ns").asLong()).isPositive();
        assertThat(records.get("huge").get(0).get("metadata").get("result").get("length").asInt()).isEqualTo(5_000_000);
        assertThat(records.get("nothing").get(0).get("metadata").get("result").isNull()).isTrue();
        JsonNode fails = records.get("fails").get(0).get("metadata");
        assertThat(fails.get("outcome").asText()).isEqualTo("exception");
        assertThat(fails.get("exception").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(fails.get("exception_message").asText()).isEqualTo("unchecked from fails()");
        assertThat(records.get("checked").get(0).get("metadata").get("exception").asText())
                .isEqualTo("java.io.IOException");
        assertThat(records).containsKeys("staticSquare", "privateMethod", "finalMethod", "hostile", "cyclic", "lambda",
                "primitiveChar", "name", "replicas", "explain");
        assertThat(records).doesNotContainKeys("toString", "hashCode", "equals");
        assertThat(records.get("hostile").get(0).get("metadata").get("arguments").get("o").get("type").asText())
                .isEqualTo("com.example.host.HostApp$Hostile");
        assertThat(records.get("explain")).hasSize(2); // the implementing class and the proxy's default method
        // Recursion: each factorial(n) record's parent is the record of factorial(n + 1).
        List<JsonNode> factorial = records.get("factorial");
        assertThat(factorial).hasSize(10);
        Map<Integer, JsonNode> byN = new HashMap<>();
        for (JsonNode f : factorial) {
            byN.put(f.get("metadata").get("arguments").get("n").asInt(), f);
        }
        for (int n = 1; n < 10; n++) {
            assertThat(byN.get(n).get("parent_id").asText()).isEqualTo(byN.get(n + 1).get("id").asText());
        }
        assertThat(byN.get(10).has("parent_id")).isFalse();
    }

    @Test
    void theSameUnderTheTemurin25Jdk() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(AgentJvms.TEMURIN_25), "no Temurin 25 JDK on this machine");
        Assumptions.assumeTrue(supportsJdk25(), "this route does not support JDK 25 yet");
        String java = AgentJvms.TEMURIN_25.toString();
        Path home = dir.resolve("home25");
        assertSameBehaviour(plain(java), captured(java, home));
        assertThat(recordsByEvent(home).get("score")).hasSize(1 + 16 * 200);
    }

    @Test
    void storageDeletedWhileRunningChangesNothingForTheApplication() throws Exception {
        Path home = dir.resolve("home");
        AgentJvms.Run without = plain(AgentJvms.defaultJava(), home.toString());
        AgentJvms.Run with = captured(AgentJvms.defaultJava(), home, home.toString());
        assertSameBehaviour(without, with);
        // Nothing lost silently: either CIAF says what went wrong (the home vanished under it), or it opened
        // the home after the deletion and every record is there.
        if (!with.err().contains("[ciaf]")) {
            assertThat(recordsByEvent(home).get("score")).hasSize(1 + 16 * 200);
        }
    }

    @Test
    void anUnwritableHomeChangesNothingForTheApplication() throws Exception {
        // Root ignores file modes, so the home sits below a regular file: no directory can ever be created there.
        Path blocker = dir.resolve("not-a-directory");
        Files.writeString(blocker, "x");
        AgentJvms.Run with = captured(AgentJvms.defaultJava(), blocker.resolve("home"));
        assertSameBehaviour(plain(AgentJvms.defaultJava()), with);
        assertThat(with.err()).contains("[ciaf] CIAF could not open its home");
    }

    @Test
    void anInvalidConfigurationIsReportedAndTheApplicationRunsUnchanged() throws Exception {
        AgentJvms.Run with = captured(AgentJvms.defaultJava(), Map.of("CIAF_HOME", dir.resolve("h").toString(),
                "CIAF_CAPTURE_MODE", "later"), HOST);
        assertSameBehaviour(plain(AgentJvms.defaultJava()), with);
        assertThat(with.err()).contains("capture.mode = later");
        assertThat(Files.exists(dir.resolve("h").resolve("ledger.db"))).isFalse();
    }
}
