package io.ciaf.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.ciaf.ledger.AuditLedger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The capture suite through {@code -javaagent:target/ciaf-agent.jar} (Byte Buddy). */
class AgentRouteIT extends CaptureRouteContract {

    static final Path AGENT = Path.of("target", "ciaf-agent.jar").toAbsolutePath();

    /** test-classes and the ciaf-api jar: what an application compiled against CIAF has on its class path. */
    static String application() {
        return AgentJvms.classPath(e -> e.endsWith("test-classes") || Path.of(e).getFileName().toString()
                .startsWith("ciaf-api"));
    }

    @Override
    protected List<String> captureJvmArgs() {
        return List.of("-javaagent:" + AGENT);
    }

    @Override
    protected String capturedClassPath() {
        return application();
    }

    @Override
    protected String plainClassPath() {
        return application();
    }

    @Test
    void thirdPartyMethodsNamedInConfigurationAreCapturedWithoutAnyAnnotation() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("ciaf.json"), """
                {"capture": {"methods": [
                  {"class": "com.example.thirdparty.Regression", "methods": ["fit", "predict"], "subtypes": true,
                   "model": "credit", "stage": "training", "event": "library_call"},
                  {"class": "net.bytebuddy.example.Lookalike", "methods": ["run"],
                   "model": "credit", "stage": "training", "event": "never_captured"}]}}
                """);
        String app = "com.example.host.ThirdPartyApp";
        AgentJvms.Run with = sameOutputWithAndWithoutTheAgent(app, home);

        List<JsonNode> records = metadataRecords(home);
        // The proxy's predict only calls Ridge's: one record for that call, not two.
        assertThat(records).extracting(r -> r.get("metadata").get("method").asText())
                .containsExactly("fit", "predict", "predict", "predict");
        assertThat(records).allSatisfy(r -> {
            assertThat(r.get("model_name").asText()).isEqualTo("credit");
            assertThat(r.get("stage").asText()).isEqualTo("training");
            assertThat(r.get("event_type").asText()).isEqualTo("library_call");
        });
        assertThat(records.get(0).get("metadata").get("arguments").get("x").get("length").asInt()).isEqualTo(2);
        assertThat(records.get(2).get("metadata").get("class").asText())
                .isEqualTo("com.example.thirdparty.Regression$Ridge");
        assertThat(records.get(2).get("metadata").get("result").asDouble()).isEqualTo(15.0);
        assertThat(records.get(3).get("metadata").get("class").asText())
                .isEqualTo("com.example.thirdparty.Regression$Ridge");
    }

    @Test
    void attachedToARunningJvmItRetransformsClassesLoadedAlready() throws Exception {
        Path home = dir.resolve("home");
        AgentJvms.Run run = AgentJvms.run(AgentJvms.builder(AgentJvms.defaultJava(),
                List.of("-Djdk.attach.allowAttachSelf=true"), application(), Map.of("CIAF_HOME", home.toString()),
                "com.example.host.AttachApp", AGENT.toString()));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("before: 2\nafter: 3 4\n");
        // Retransformed classes lose their MethodParameters attribute in the JVM, so the name may be arg0 here:
        // parameter names are recorded when available.
        assertThat(metadataRecords(home)).extracting(r -> r.get("metadata").get("arguments").elements().next()
                .asInt()).containsExactly(2, 3);
    }

    @Test
    void attachedTwiceItRecordsEachCallOnceAndSaysSo() throws Exception {
        Path home = dir.resolve("home");
        AgentJvms.Run run = AgentJvms.run(AgentJvms.builder(AgentJvms.defaultJava(),
                List.of("-Djdk.attach.allowAttachSelf=true"), application(), Map.of("CIAF_HOME", home.toString()),
                "com.example.host.AttachApp", AGENT.toString(), "2"));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("before: 2\nafter: 3 4\n");
        assertThat(run.err().lines().filter(l -> l.startsWith("[ciaf]")).toList()).singleElement().asString()
                .contains("already installed");
        assertThat(metadataRecords(home)).extracting(r -> r.get("metadata").get("arguments").elements().next()
                .asInt()).containsExactly(2, 3);
    }

    @Test
    void aJvmThatLoadsNoCapturedClassLeavesNoHomeBehind() throws Exception {
        // Nothing annotated and no rule in configuration: the agent costs start-up time and nothing else.
        Path home = dir.resolve("home");
        String app = "com.example.host.ThirdPartyApp";
        AgentJvms.Run with = sameOutputWithAndWithoutTheAgent(app, home);
        assertThat(with.err()).isEmpty();
        assertThat(home).doesNotExist();
    }

    @Test
    void theHomeOpensWhenAClassWithCapturedMethodsLoadsNotAtItsFirstCall() throws Exception {
        // So that the first call (in sync mode), or the exit of a short JVM, does not wait for the home to open.
        Path home = dir.resolve("home");
        AgentJvms.Run run = captured(AgentJvms.defaultJava(), Map.of("CIAF_HOME", home.toString()),
                "com.example.host.EarlyOpenApp", home.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("ledger before any call: true\n");
        List<String> types = new ArrayList<>();
        try (AuditLedger ledger = AuditLedger.open(home)) {
            ledger.verify();
            for (long p = 0; p < ledger.size(); p++) {
                types.add(ledger.entry(p).orElseThrow().type());
            }
        }
        assertThat(types).contains("SESSION_START", "SESSION_END").doesNotContain("METADATA");
    }

    @Test
    void classFilesCompiledForJava25AreInstrumentedUnderTemurin25() throws Exception {
        // An application built with --release 25 hands the agent class files of version 69.
        Path javac = AgentJvms.TEMURIN_25.resolveSibling("javac");
        Assumptions.assumeTrue(Files.isExecutable(javac), "no Temurin 25 JDK on this machine");
        Path src = dir.resolve("src").resolve("Greeter25.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                public final class Greeter25 {
                    @io.ciaf.api.CaptureMetadata(model = "greeter", stage = io.ciaf.api.Stage.INFERENCE)
                    static String greet(int n) {
                        return switch (n) { case 1 -> "one"; default -> "many"; };
                    }

                    public static void main(String[] args) {
                        System.out.println(greet(1) + " " + greet(7));
                    }
                }
                """);
        Path classes = dir.resolve("classes25");
        String api = AgentJvms.entry("ciaf-api");
        Process compile = new ProcessBuilder(javac.toString(), "--release", "25", "-cp", api, "-d", classes.toString(),
                src.toString()).redirectErrorStream(true).start();
        String compiled = new String(compile.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(compile.waitFor()).as(compiled).isZero();
        byte[] classFile = Files.readAllBytes(classes.resolve("Greeter25.class"));
        assertThat((classFile[6] & 0xff) << 8 | classFile[7] & 0xff).as("class file major version").isEqualTo(69);

        Path home = dir.resolve("home");
        String cp = classes + File.pathSeparator + api;
        AgentJvms.Run run = AgentJvms.run(AgentJvms.builder(AgentJvms.TEMURIN_25.toString(), captureJvmArgs(), cp,
                Map.of("CIAF_HOME", home.toString()), "Greeter25"));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("one many\n");
        assertThat(run.err()).doesNotContain("[ciaf]");
        List<JsonNode> records = metadataRecords(home);
        assertThat(records).extracting(r -> r.get("metadata").get("result").asText()).containsExactly("one", "many");
        assertThat(records).allSatisfy(r -> assertThat(r.get("model_name").asText()).isEqualTo("greeter"));
    }

    @Test
    void codeInsideAnInstrumentedMethodAddsValuesToItsRecordThroughCiafCurrent() throws Exception {
        Path home = dir.resolve("home");
        // An application that calls Ciaf.current() depends on ciaf-runtime, so it has CIAF's jars itself.
        AgentJvms.Run run = AgentJvms.run(AgentJvms.builder(AgentJvms.defaultJava(), captureJvmArgs(),
                AgentJvms.classPath(e -> true), Map.of("CIAF_HOME", home.toString()), "com.example.host.CurrentApp"));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("accuracy: 0.94\n");
        List<JsonNode> records = metadataRecords(home);
        assertThat(records).hasSize(1);
        JsonNode record = records.get(0);
        assertThat(record.get("metadata").get("accuracy").asDouble()).isEqualTo(0.94);
        assertThat(record.get("metadata").get("folds_used").asInt()).isEqualTo(5);
        assertThat(record.get("metadata").get("result").asDouble()).isEqualTo(0.94);
    }

    /** Runs {@code app} without the agent and with it (home {@code home}): both exit 0 and print the same. */
    private AgentJvms.Run sameOutputWithAndWithoutTheAgent(String app, Path home) throws Exception {
        AgentJvms.Run without = AgentJvms.run(AgentJvms.builder(AgentJvms.defaultJava(), List.of(), application(),
                Map.of(), app));
        AgentJvms.Run with = captured(AgentJvms.defaultJava(), Map.of("CIAF_HOME", home.toString()), app);
        assertThat(with.exit()).as(with.err()).isZero();
        assertThat(with.out()).isEqualTo(without.out());
        return with;
    }
}
