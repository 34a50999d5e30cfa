package io.ciaf.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.Stage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wall time of a hello-world JVM from start to exit, with {@code -javaagent:ciaf-agent/target/ciaf-agent.jar}
 * and without: the difference is what the agent adds to start-up. {@code app=hello} captures nothing (CIAF
 * starts but never opens its home); {@code app=captured} prints the result of one {@code @CaptureMetadata}
 * method, so CIAF also instruments a class, creates its home (ledger, signing key, sqlite backend), records the
 * call, and at exit ends the session and seals a checkpoint. Each run starts from an empty home. Run from the
 * repository root.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(1)
public class AgentStartupBenchmark {

    /** The application that captures nothing. */
    public static final class Hello {
        private Hello() {
        }

        public static void main(String[] args) {
            System.out.println("hello");
        }
    }

    /** The application with one captured call. */
    public static final class CapturedHello {
        private CapturedHello() {
        }

        @CaptureMetadata(model = "hello", stage = Stage.INFERENCE, event = "greet")
        static String greet() {
            return "hello";
        }

        public static void main(String[] args) {
            System.out.println(greet());
        }
    }

    @Param({"hello", "captured"})
    public String app;

    private static final Path HOME = Path.of("target", "bench-startup-home");

    @Setup(Level.Invocation)
    public void emptyHome() throws IOException {
        TempFiles.emptyHome(HOME);
    }

    private int run(boolean agent) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (agent) {
            cmd.add("-javaagent:ciaf-agent/target/ciaf-agent.jar");
            cmd.add("-Dciaf.home=" + HOME);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), (app.equals("hello") ? Hello.class
                : CapturedHello.class).getName()));
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
