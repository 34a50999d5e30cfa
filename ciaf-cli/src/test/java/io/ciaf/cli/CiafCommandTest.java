package io.ciaf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.Checkpoint;
import io.ciaf.ledger.ConsistencyProof;
import io.ciaf.ledger.InclusionProof;
import io.ciaf.ledger.VerifierKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CiafCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path home;

    @BeforeEach
    void setUp() {
        home = dir.resolve("home");
    }

    private CliRun ciaf(String stdin, String... args) {
        if (args.length > 1 && args[0].equals("config") && args[1].equals("template")) {
            return CliRun.run(Map.of(), stdin, args);
        }
        return CliRun.inHome(home, stdin, args);
    }

    private CliRun init() {
        CliRun r = ciaf("", "init", "--origin", "ciaf.test/cli");
        assertThat(r.exit()).as(r.err()).isZero();
        return r;
    }

    @Test
    void initCreatesTheHomeAndPrintsTheVerifierKeyAndNeverOverwrites() throws Exception {
        CliRun r = init();
        String vkey = Files.readString(home.resolve("signing.vkey")).strip();
        assertThat(r.out()).contains(vkey).contains("signing.key");
        assertThat(VerifierKey.parse(vkey).name()).isEqualTo("ciaf.test/cli");
        byte[] key = Files.readAllBytes(home.resolve("signing.key"));

        CliRun again = ciaf("", "init");
        assertThat(again.exit()).isEqualTo(3);
        assertThat(again.err()).contains("refusing to overwrite");
        assertThat(Files.readAllBytes(home.resolve("signing.key"))).isEqualTo(key);

        CliRun badOrigin = CliRun.run(Map.of(), "", "init", "--home", dir.resolve("b").toString(), "--origin", "a b");
        assertThat(badOrigin.exit()).isNotZero();
        assertThat(badOrigin.err()).contains("without spaces");
    }

    @Test
    void withoutALedgerEveryCommandSaysSoAndSuggestsInit() {
        for (String[] args : new String[][] {{"verify"}, {"checkpoint"}, {"export"}, {"append", "--type", "METADATA"},
            {"prove", "inclusion", "--index", "0"}}) {
            CliRun r = ciaf("", args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(3);
            assertThat(r.err()).contains("no ledger at " + home).contains("ciaf init --home " + home);
        }
    }

    @Test
    void everyCommandAndSubcommandAnswersHelpWithItsUsage() {
        java.util.List<String> paths = new java.util.ArrayList<>();
        commandPaths(new picocli.CommandLine(new CiafCommand(null)), "", paths);
        assertThat(paths).contains("verify", "prove inclusion", "hold place", "config show");
        for (String path : paths) {
            String[] args = (path + " --help").split(" ");
            CliRun r = CliRun.run(Map.of(), "", args);
            assertThat(r.exit()).as(path).isZero();
            assertThat(r.out()).as(path).startsWith("Usage: ciaf " + path);
        }
    }

    private static void commandPaths(picocli.CommandLine c, String prefix, java.util.List<String> into) {
        c.getSubcommands().forEach((name, sub) -> {
            String path = prefix.isEmpty() ? name : prefix + " " + name;
            into.add(path);
            commandPaths(sub, path, into);
        });
    }

    @Test
    void theHomeDefaultsToCiafHomeFromTheEnvironment() {
        assertThat(CliRun.run(Map.of("CIAF_HOME", home.toString()), "", "init").exit()).isZero();
        assertThat(Files.exists(home.resolve("ledger.db"))).isTrue();
        CliRun verify = CliRun.run(Map.of("CIAF_HOME", home.toString()), "", "verify");
        assertThat(verify.out()).startsWith("OK: 1 entries, root ");
    }

    @Test
    void appendCommitsEachLineAndReportsPositionsAndIdempotentRepeats() throws Exception {
        init();
        String lines = "{\"model\":\"credit\",\"accuracy\":0.91}\n\n{\"model\":\"credit\",\"idempotency_key\":\"run-7\"}\n"
                + "{\"z\":[1,2,{\"b\":null}]}\n";
        CliRun r = ciaf(lines, "append", "--type", "METADATA");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("appended 3 entries (positions 1..3)\n");

        CliRun again = ciaf("{\"idempotency_key\":\"run-7\",\"model\":\"credit\"}\n", "append", "--type", "METADATA");
        assertThat(again.out()).contains("appended 0 entries").contains("1 lines were already committed");
        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ledger.size()).isEqualTo(4);
            assertThat(ledger.entry(1).orElseThrow().payload().orElseThrow()).startsWith("{\"accuracy\":0.91,\"model\":");
        }
    }

    @Test
    void aMalformedLineStopsWithExitTwoNamingItAndTheLinesBeforeStayCommitted() throws Exception {
        init();
        CliRun r = ciaf("{\"a\":1}\n{\"a\":2}\n{\"a\":\n{\"a\":4}\n", "append", "--type", "METADATA");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEqualTo("appended 2 entries (positions 1..2)\n");
        assertThat(r.err()).contains("line 3:").contains("lines before it are committed");
        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ledger.size()).isEqualTo(3);
        }
        CliRun notObject = ciaf("[1,2]\n", "append", "--type", "METADATA");
        assertThat(notObject.exit()).isEqualTo(2);
        assertThat(notObject.err()).contains("line 1: expected one JSON object per line, found an array");
        CliRun duplicateKey = ciaf("{\"a\":1,\"a\":2}\n", "append", "--type", "METADATA");
        assertThat(duplicateKey.exit()).isEqualTo(2);
        assertThat(duplicateKey.err()).contains("line 1:").contains("Duplicate field 'a'");
        CliRun badType = ciaf("{}\n", "append", "--type", "lower");
        assertThat(badType.exit()).isEqualTo(2);
        assertThat(badType.err()).contains("A-Z or _");
    }

    @Test
    void verifyPrintsOkWithTheCheckpointOrTamperedWithThePositionAndExitOne() throws Exception {
        init();
        ciaf("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n", "append", "--type", "METADATA");
        CliRun noCheckpoint = ciaf("", "verify");
        assertThat(noCheckpoint.exit()).isZero();
        assertThat(noCheckpoint.out()).contains("no signed checkpoint yet");

        CliRun sealed = ciaf("", "checkpoint");
        assertThat(sealed.exit()).as(sealed.err()).isZero();
        VerifierKey vkey = VerifierKey.parse(Files.readString(home.resolve("signing.vkey")));
        Checkpoint checkpoint = Checkpoint.verify(sealed.out(), vkey);
        assertThat(checkpoint.size()).isEqualTo(4);
        assertThat(Files.readString(home.resolve("checkpoints/4.note"))).isEqualTo(sealed.out());

        CliRun ok = ciaf("", "verify");
        assertThat(ok.exit()).isZero();
        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ok.out()).startsWith("OK: 5 entries, root " + Base64.getEncoder().encodeToString(
                    ledger.rootAt(5)) + "\n").contains("matches signed checkpoint 4 (ciaf.test/cli)");
        }
        assertThat(ciaf("", "verify", "--from-checkpoint").out()).contains("entries from position 4 recomputed");

        try (var c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("ledger.db"))) {
            c.createStatement().execute("DROP TRIGGER payloads_no_update");
            c.createStatement().execute("UPDATE payloads SET payload = CAST('{\"a\":9}' AS BLOB) WHERE position = 2");
        }
        CliRun tampered = ciaf("", "verify");
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.out()).isEqualTo("TAMPERED at position 2: payload does not match its payload_hash\n");
    }

    @Test
    void proofsArePrintedAsFormatsJsonAndVerify() throws Exception {
        init();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            lines.append("{\"i\":").append(i).append("}\n");
        }
        ciaf(lines.toString(), "append", "--type", "METADATA");
        JsonNode inc = JSON.readTree(ciaf("", "prove", "inclusion", "--index", "7").out());
        assertThat(inc.get("treeSize").asLong()).isEqualTo(21);
        new InclusionProof(inc.get("leafIdx").asLong(), inc.get("treeSize").asLong(), b64(inc.get("root")),
                b64(inc.get("leafHash")), list(inc.get("proof"))).verify();
        JsonNode cons = JSON.readTree(ciaf("", "prove", "consistency", "--from", "5", "--to", "13").out());
        new ConsistencyProof(cons.get("size1").asLong(), cons.get("size2").asLong(), b64(cons.get("root1")),
                b64(cons.get("root2")), list(cons.get("proof"))).verify();
        assertThat(JSON.readTree(ciaf("", "prove", "inclusion", "--index", "3", "--size", "9").out())
                .get("treeSize").asLong()).isEqualTo(9);

        CliRun outside = ciaf("", "prove", "inclusion", "--index", "99");
        assertThat(outside.exit()).isEqualTo(2);
        assertThat(outside.err()).contains("index 99 is outside the tree of size 21");
        assertThat(ciaf("", "prove").exit()).isEqualTo(2);
    }

    @Test
    void exportWritesJsonLinesToAFileOrStdoutForARange() throws Exception {
        init();
        ciaf("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", "append", "--type", "METADATA");
        Path file = dir.resolve("audit.jsonl");
        CliRun all = ciaf("", "export", "--out", file.toString());
        assertThat(all.exit()).as(all.err()).isZero();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(4);
        assertThat(all.err()).contains("exported 4 entries (positions 0..3)");
        CliRun part = ciaf("", "export", "--from", "1", "--to", "2");
        assertThat(part.out()).isEqualTo(lines.get(1) + "\n" + lines.get(2) + "\n");
        JsonNode line = JSON.readTree(lines.get(2));
        assertThat(new String(b64(line.get("payload")))).startsWith("{\"b\":2,\"nonce\":");
        CliRun beyond = ciaf("", "export", "--from", "2", "--to", "9");
        assertThat(beyond.exit()).isEqualTo(2);
        assertThat(beyond.err()).contains("positions 0..3");
    }

    @Test
    void progressBarsAppearOnlyWhenStderrIsATerminal() {
        init();
        String h = home.toString();
        CliRun quiet = CliRun.run(false, Map.of(), "", "verify", "--home", h);
        assertThat(quiet.err()).isEmpty();
        CliRun drawn = CliRun.run(true, Map.of(), "", "verify", "--home", h);
        assertThat(drawn.err()).contains("\rverifying [").contains("100% 1/1");
        assertThat(drawn.out()).startsWith("OK: 1 entries");
        CliRun export = CliRun.run(true, Map.of(), "", "export", "--home", h, "--out", dir.resolve("x.jsonl").toString());
        assertThat(export.err()).contains("\rexporting [");
        CliRun exportQuiet = CliRun.run(false, Map.of(), "", "export", "--home", h, "--out", dir.resolve("y.jsonl").toString());
        assertThat(exportQuiet.err()).doesNotContain("\r");
    }

    @Test
    void configShowPrintsEveryValueWithItsSourceAndTemplatesAreWrittenNeverOverwritten() throws Exception {
        Files.createDirectories(home);
        Files.writeString(home.resolve("ciaf.json"), "{\"capture\": {\"mode\": \"sync\"}}");
        CliRun show = CliRun.run(Map.of("CIAF_CAPTURE_BATCH_SIZE", "77"), "", "config", "show", "--home",
                home.toString());
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("home = " + home + "    [--home]")
                .contains("capture.mode = sync    [" + home.resolve("ciaf.json") + "]")
                .contains("capture.batch_size = 77    [environment variable CIAF_CAPTURE_BATCH_SIZE]")
                .contains("storage.backend = sqlite    [default]");

        CliRun bad = CliRun.run(Map.of("CIAF_CAPTURE_MOD", "sync"), "", "config", "show", "--home", home.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("did you mean CIAF_CAPTURE_MODE?");

        Path out = dir.resolve("prod.json");
        assertThat(ciaf("", "config", "template", "production", "--out", out.toString()).exit()).isZero();
        assertThat(Files.readString(out)).contains("\"mode\": \"sync\"");
        CliRun again = ciaf("", "config", "template", "development", "--out", out.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("not overwritten");
        assertThat(ciaf("", "config", "template", "staging").err()).contains("production or development");
    }

    private static byte[] b64(JsonNode n) {
        return Base64.getDecoder().decode(n.asText());
    }

    private static List<byte[]> list(JsonNode n) {
        List<byte[]> out = new ArrayList<>();
        n.forEach(h -> out.add(b64(h)));
        return out;
    }
}
