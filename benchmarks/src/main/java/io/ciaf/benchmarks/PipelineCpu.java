package io.ciaf.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A diagnostic, not a JMH benchmark: the CPU that CIAF's threads spend per captured call at a steady pace,
 * read from {@code /proc/self/task/<tid>/stat} (Linux only, clock-tick resolution). The main thread calls the
 * annotated no-op at {@code rate} calls a second, spinning between calls, for a 10 s warm-up and then
 * {@code seconds}; the figures are per call over the second part. Run from the repository root:
 *
 * <pre>
 * java -javaagent:ciaf-agent/target/ciaf-agent.jar -Dciaf.home=target/pipeline-cpu \
 *      -cp benchmarks/target/benchmarks.jar io.ciaf.benchmarks.PipelineCpu 3000 25
 * </pre>
 */
public final class PipelineCpu {

    private PipelineCpu() {
    }

    public static void main(String[] args) throws Exception {
        TempFiles.emptyCiafHome(); // an empty home each run; CIAF opens it at the first call below
        int rate = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        long period = 1_000_000_000L / rate;
        long warmEnd = System.nanoTime() + 10_000_000_000L;
        long end = warmEnd + seconds * 1_000_000_000L;
        long next = System.nanoTime();
        long calls = 0;
        Map<String, long[]> before = null;
        while (System.nanoTime() < end) {
            while (System.nanoTime() < next) {
                Thread.onSpinWait();
            }
            next += period;
            CaptureBenchmark.Target.noOp((int) calls++);
            if (before == null && System.nanoTime() > warmEnd) {
                before = cpuTicks();
                calls = 0;
            }
        }
        Map<String, long[]> after = cpuTicks();
        long hz = 100; // USER_HZ on Linux
        System.out.printf("%,d calls at %,d/s over %d s; CPU per call:%n", calls, rate, seconds);
        for (Map.Entry<String, long[]> t : after.entrySet()) {
            long[] b = before.getOrDefault(t.getKey(), new long[2]);
            double user = (t.getValue()[0] - b[0]) * 1e6 / hz / calls;
            double system = (t.getValue()[1] - b[1]) * 1e6 / hz / calls;
            if (t.getKey().startsWith("ciaf") || t.getKey().startsWith("GC")) {
                System.out.printf("  %-16s %6.1f µs user %6.1f µs system%n", t.getKey(), user, system);
            }
        }
    }

    /** User and system clock ticks per thread name (threads of one name summed). */
    private static Map<String, long[]> cpuTicks() throws IOException {
        Map<String, long[]> ticks = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                int close = stat.lastIndexOf(')');
                String name = stat.substring(stat.indexOf('(') + 1, close);
                String[] fields = stat.substring(close + 2).split(" ");
                long[] t = ticks.computeIfAbsent(name, k -> new long[2]);
                t[0] += Long.parseLong(fields[11]);
                t[1] += Long.parseLong(fields[12]);
            }
        }
        return ticks;
    }
}
