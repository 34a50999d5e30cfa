package io.ciaf.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Puts a CIAF thread at the lowest CPU priority on Linux, so that the audit work fills idle CPU instead of
 * competing with the application: on a two-core machine each commit's burst of CPU otherwise lands in the
 * application's latency tail (see docs/PERFORMANCE.md). Java cannot set a thread's nice value or scheduling
 * policy (thread priorities are ignored on Linux), so the thread asks {@code renice} for nice 19 and, with
 * {@code capture.pipeline_priority=idle}, {@code chrt} for the {@code SCHED_IDLE} policy, for its own thread
 * id. Under SCHED_IDLE any thread that wakes takes the CPU at once (a shorter tail once warm: macro p99
 * 604-918 µs against 1,049-1,268 at nice 19), but while the JIT compiles under full load the pipeline gets almost
 * no CPU, its queue fills and {@code block} makes requests wait for it (the macro service's warm-up took about
 * twice as long), so it is not the default. Best effort: without {@code /proc/thread-self}, or without the tools
 * at their usual paths, the thread keeps what it has.
 */
final class PipelinePriority {

    private PipelinePriority() {
    }

    /** Lowers the calling thread's priority when configured to; true if it is now lower than before. */
    static boolean lowerCurrentThread(CiafConfig config) {
        if (!config.lowPipelinePriority()) {
            return false;
        }
        try {
            Path self = Path.of("/proc/thread-self");
            if (!Files.isDirectory(self)) {
                return false;
            }
            String tid = self.toRealPath().getFileName().toString();
            boolean niced = run(tool("renice"), "-n", "19", "-p", tid);
            boolean idle = config.idlePipelinePriority() && run(tool("chrt"), "--idle", "--pid", "0", tid);
            return niced || idle;
        } catch (Exception | LinkageError e) {
            return false; // no renice here: the thread runs at the application's priority, which is correct too
        }
    }

    // a fixed path, not the PATH: an application's environment must not choose what CIAF runs
    private static Path tool(String name) {
        return java.util.stream.Stream.of("/usr/bin/" + name, "/bin/" + name).map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static boolean run(Path tool, String... args) throws java.io.IOException, InterruptedException {
        if (tool == null) {
            return false;
        }
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(tool.toString()));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }
}
