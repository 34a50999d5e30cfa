package io.ciaf.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real JVMs for tests that kill one, or run two at once: the test class path, a CIAF home, a main class. */
public final class TestJvms {

    private TestJvms() {
    }

    /**
     * Starts {@code main} with {@code args} in a new JVM of this JDK with {@code -Dciaf.home=home} and
     * {@code env} added to the environment; its stderr goes to a file beside the home (named with
     * {@code errName}), which it returns through {@link #stderr}.
     */
    public static Process start(Class<?> main, Path home, Map<String, String> env, String errName, String... args)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dciaf.home=" + home, main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectError(stderr(home, errName).toFile());
        return pb.start();
    }

    /** Where {@link #start} sends the stderr of the JVM it started with {@code errName}. */
    public static Path stderr(Path home, String errName) {
        return home.resolveSibling(home.getFileName() + "-" + errName + ".err");
    }

    /** A reader of the JVM's stdout, line by line. */
    public static BufferedReader stdout(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }
}
