package io.ciaf.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;
import io.ciaf.storage.MetadataStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 a JVM capturing sync calls at full speed; the next start records the loss boundary. */
class CrashTransparencyIT {

    @TempDir
    Path dir;

    @Test
    void afterKillNineTheLedgerVerifiesARecoveryNamesTheLostSessionAndNoReturnedSyncCallIsMissing() throws Exception {
        Path home = dir.resolve("home");
        Map<String, String> env = Map.of("CIAF_HOME", home.toString());
        Process p = AgentJvms.builder(AgentJvms.defaultJava(), List.of("-javaagent:" + AgentRouteIT.AGENT), AgentRouteIT.application(), env, "com.example.host.FloodApp")
                .redirectError(dir.resolve("flood.err").toFile()).start();
        long returned = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                returned = Long.parseLong(line.substring("returned ".length()));
                if (returned >= 1500) {
                    break;
                }
            }
            p.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(returned).isGreaterThanOrEqualTo(1500);

        // Restart: a short run with the agent finds the abandoned session.
        AgentJvms.Run again = AgentJvms.run(AgentJvms.builder(AgentJvms.defaultJava(), List.of("-javaagent:" + AgentRouteIT.AGENT), AgentRouteIT.application(), env, "com.example.host.FloodApp", "3"));
        assertThat(again.exit()).as(again.err()).isZero();

        ObjectMapper json = new ObjectMapper();
        Set<Long> recorded = new HashSet<>();
        Set<String> committedIds = new HashSet<>();
        JsonNode recovery = null;
        try (AuditLedger ledger = AuditLedger.open(home)) {
            ledger.verify();
            for (long pos = 0; pos < ledger.size(); pos++) {
                LedgerEntry e = ledger.entry(pos).orElseThrow();
                JsonNode payload = json.readTree(e.payload().orElseThrow());
                if (e.type().equals("RECOVERY")) {
                    recovery = payload;
                } else if (e.type().equals("METADATA") && recovery == null) {
                    recorded.add(payload.get("metadata").get("arguments").get("seq").asLong());
                    committedIds.add(payload.get("id").asText());
                }
            }
        }
        assertThat(recovery).isNotNull();
        assertThat(recovery.get("statement").asText()).contains("may be lost");
        for (long i = 0; i <= returned; i++) {
            assertThat(recorded).as("sync call %d returned, so its record must be committed", i).contains(i);
        }
        // The killed JVM's backend thread had not saved its last gathered records; the next start put them back
        // from the ledger, so the backend (a view of the ledger) holds every committed record.
        try (MetadataStorage storage = MetadataStorage.open(home.resolve("metadata"), "sqlite")) {
            for (String id : committedIds) {
                assertThat(storage.get(id)).as("record %s is in the ledger, so it must be in the backend", id)
                        .isPresent();
            }
        }
    }
}
