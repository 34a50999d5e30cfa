package io.ciaf.benchmarks;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wall time of a hello-world JVM from start to exit, with {@code -javaagent:ciaf-agent/target/ciaf-agent.jar}
 * (CIAF opens its home, starts a session, and at exit ends it and seals a checkpoint) and without: the
 * difference is what the agent adds to start-up. Run from the repository root.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(1)
public class AgentStartupBenchmark {

    /** The application. */
    public static final class Hello {
        private Hello() {
        }

        public static void main(String[] args) {
            System.out.println("hello");
        }
    }

    private static int run(boolean agent) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (agent) {
            cmd.add("-javaagent:ciaf-agent/target/ciaf-agent.jar");
            cmd.add("-Dciaf.home=target/bench-startup-home");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Hello.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int exit = p.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("exit " + exit + " from " + String.join(" ", cmd).replace(File.pathSeparator,
                    " "));
        }
        return exit;
    }

    @Benchmark
    public int helloWithAgent() throws Exception {
        return run(true);
    }

    @Benchmark
    public int helloWithoutAgent() throws Exception {
        return run(false);
    }
}
