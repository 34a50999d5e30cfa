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
import java.util.function.Predicate;

/** Starts the test applications in real JVMs. */
public final class AgentJvms {

    public static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    public record Run(int exit, String out, String err) {
    }

    private AgentJvms() {
    }

    /** This JVM's class path entries that {@code keep} accepts, joined. */
    public static String classPath(Predicate<String> keep) {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (keep.test(entry)) {
                out.add(entry);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    /** The entry whose file name contains {@code part} (e.g. a jar of a dependency). */
    public static String entry(String part) {
        String found = classPath(e -> Path.of(e).getFileName().toString().contains(part));
        if (found.isEmpty()) {
            throw new IllegalStateException("no class path entry named like " + part);
        }
        return found.split(File.pathSeparator)[0];
    }

    public static String defaultJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static ProcessBuilder builder(String java, List<String> jvmArgs, String classPath, Map<String, String> env,
            String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", classPath, mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("CIAF_"));
        pb.environment().putAll(env);
        return pb;
    }

    public static Run run(ProcessBuilder pb) throws IOException, InterruptedException {
        Path out = Files.createTempFile("ciaf-it", ".out");
        Path err = Files.createTempFile("ciaf-it", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", pb.command()) + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
