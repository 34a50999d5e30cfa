package io.ciaf.agent;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts the test applications in real JVMs, with or without {@code -javaagent:target/ciaf-agent.jar}. */
final class AgentJvms {

    static final Path AGENT = Path.of("target", "ciaf-agent.jar").toAbsolutePath();
    static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    record Run(int exit, String out, String err) {
    }

    private AgentJvms() {
    }

    /** test-classes and the ciaf-api jar: what an application compiled against CIAF has on its class path. */
    static String applicationClassPath() {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith("test-classes") || entry.contains("ciaf-api")) {
                out.add(entry);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    static String defaultJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static ProcessBuilder builder(String java, boolean agent, Map<String, String> env, String mainClass,
            String... args) {
        List<String> cmd = new ArrayList<>(List.of(java));
        if (agent) {
            cmd.add("-javaagent:" + AGENT);
        }
        cmd.addAll(List.of("-cp", applicationClassPath(), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("CIAF_"));
        pb.environment().putAll(env);
        return pb;
    }

    static Run run(String java, boolean agent, Map<String, String> env, String mainClass, String... args)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("ciaf-it", ".out");
        Path err = Files.createTempFile("ciaf-it", ".err");
        Process p = builder(java, agent, env, mainClass, args).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(mainClass + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
