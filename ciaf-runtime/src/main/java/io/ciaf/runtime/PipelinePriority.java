package io.ciaf.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Puts a CIAF thread at the lowest CPU priority (nice 19) on Linux, so that the audit work fills idle CPU
 * instead of competing with the application: on a two-core machine each commit's burst of CPU otherwise
 * lands in the application's latency tail (see docs/PERFORMANCE.md). Java cannot set a thread's nice value
 * (thread priorities are ignored on Linux), so the thread asks {@code renice} for its own thread id.
 * Best effort: without {@code /proc/thread-self} or {@code /usr/bin/renice} (or {@code /bin/renice}) the thread
 * keeps its priority.
 */
final class PipelinePriority {

    private PipelinePriority() {
    }

    /** Lowers the calling thread's priority when configured to; true if it is now at nice 19. */
    static boolean lowerCurrentThread(CiafConfig config) {
        if (!config.lowPipelinePriority()) {
            return false;
        }
        try {
            Path self = Path.of("/proc/thread-self");
            if (!Files.isDirectory(self)) {
                return false;
            }
            // a fixed path, not the PATH: an application's environment must not choose what CIAF runs
            Path renice = java.util.stream.Stream.of("/usr/bin/renice", "/bin/renice").map(Path::of)
                    .filter(Files::isExecutable).findFirst().orElse(null);
            if (renice == null) {
                return false;
            }
            String tid = self.toRealPath().getFileName().toString();
            Process p = new ProcessBuilder(renice.toString(), "-n", "19", "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (Exception | LinkageError e) {
            return false; // no renice here: the thread runs at the application's priority, which is correct too
        }
    }
}
