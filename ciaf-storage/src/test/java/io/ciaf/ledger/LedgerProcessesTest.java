package io.ciaf.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs on one ledger file: two appending at once, and one killed with SIGKILL mid-append. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerProcessesTest {

    @TempDir
    Path dir;

    private static Process start(Path home, String writer, long count) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LedgerAppender.class.getName(), home.toString(), writer, Long.toString(count));
        pb.redirectError(home.resolveSibling(writer + ".err").toFile());
        return pb.start();
    }

    @Test
    void twoProcessesAppendingToOneFileKeepOneIntactChain() throws Exception {
        Path home = dir.resolve("home");
        AuditLedger.create(home, "ciaf.test/processes").close();
        java.nio.file.Files.createFile(dir.resolve("use-barrier"));
        Process a = start(home, "A", 1500);
        Process b = start(home, "B", 1500);
        awaitReady(a);
        awaitReady(b);
        java.nio.file.Files.createFile(dir.resolve("go"));
        assertThat(a.waitFor(100, TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(100, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).as(errors("A")).isZero();
        assertThat(b.exitValue()).as(errors("B")).isZero();

        try (AuditLedger ledger = AuditLedger.open(home)) {
            VerificationReport report = ledger.verify();
            assertThat(report.size()).isEqualTo(3001);
            Map<String, Long> next = new HashMap<>(Map.of("A", 0L, "B", 0L));
            int switches = 0;
            String last = null;
            ObjectMapper json = new ObjectMapper();
            for (long p = 1; p < report.size(); p++) {
                JsonNode payload = json.readTree(ledger.entry(p).orElseThrow().payload().orElseThrow());
                String writer = payload.get("writer").asText();
                assertThat(payload.get("seq").asLong()).isEqualTo(next.get(writer));
                next.put(writer, next.get(writer) + 1);
                if (last != null && !last.equals(writer)) {
                    switches++;
                }
                last = writer;
            }
            assertThat(next).containsEntry("A", 1500L).containsEntry("B", 1500L);
            // The two really interleaved (one's entries lie between the other's), so both extended the chain
            // while the other was writing too.
            assertThat(switches).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aProcessKilledWithSigkillWhileAppendingLeavesALedgerThatVerifiesAndAcceptsAppends() throws Exception {
        Path home = dir.resolve("home");
        AuditLedger.create(home, "ciaf.test/kill").close();
        Process p = start(home, "victim", 0);
        long reported = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals("ready")) {
                    continue;
                }
                reported = Long.parseLong(line.substring("committed ".length()));
                if (reported >= 2000) {
                    break;
                }
            }
            // SIGKILL on Unix: no shutdown hook, no finally, mid-transaction.
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(p.exitValue()).isEqualTo(137);
        try (AuditLedger ledger = AuditLedger.open(home)) {
            long size = ledger.verify().size();
            // Everything the victim reported as committed survived; at most its last batch was in flight.
            assertThat(size).isGreaterThanOrEqualTo(1 + reported);
            ledger.append("RECOVERY", Map.of("note", "after kill -9"), null);
            ledger.checkpoint();
            assertThat(ledger.verify().size()).isEqualTo(size + 2);
        }
    }

    private static void awaitReady(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
        // Keep draining so the writer never blocks on a full pipe.
        Thread drain = new Thread(() -> out.lines().forEach(line -> { }));
        drain.setDaemon(true);
        drain.start();
    }

    private String errors(String writer) {
        try {
            return java.nio.file.Files.readString(dir.resolve(writer + ".err"));
        } catch (Exception e) {
            return "";
        }
    }
}
