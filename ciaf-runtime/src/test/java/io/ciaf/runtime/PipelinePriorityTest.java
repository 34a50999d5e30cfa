package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capture.pipeline_priority}: the pipeline's threads give the CPU to the application first. */
class PipelinePriorityTest {

    @TempDir
    Path home;

    @AfterEach
    void reset() {
        Ciaf.resetForTests();
    }

    @Test
    void pipelineThreadsRunAtNice19ByDefaultAndTheApplicationsThreadsDoNot() throws Exception {
        assumeLinuxWithRenice();
        Map<String, Integer> nice = captureOneAndReadNice(Map.of());
        assertThat(nice).containsEntry("ciaf-pipeline", 19).containsEntry("ciaf-backend-wr", 19);
        assertThat(niceOf(Path.of("/proc/thread-self"))).isZero(); // this (application) thread is untouched
        assertPolicies(0); // SCHED_OTHER: SCHED_IDLE only when asked for
    }

    @Test
    void idlePriorityPutsThemUnderSchedIdleAtNice19WhereChrtIsInstalled() throws Exception {
        assumeLinuxWithRenice();
        assumeTrue(Stream.of("/usr/bin/chrt", "/bin/chrt").anyMatch(f -> Files.isExecutable(Path.of(f))),
                "chrt is installed");
        Map<String, Integer> nice = captureOneAndReadNice(Map.of("CIAF_CAPTURE_PIPELINE_PRIORITY", "idle"));
        assertThat(nice).containsEntry("ciaf-pipeline", 19).containsEntry("ciaf-backend-wr", 19);
        Map<String, Integer> policies = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                policies.put(Files.readString(t.resolve("comm")).strip(), policyOf(t));
            }
        }
        assertThat(policies).containsEntry("ciaf-pipeline", SCHED_IDLE).containsEntry("ciaf-backend-wr", SCHED_IDLE);
        assertThat(policyOf(Path.of("/proc/thread-self"))).isZero(); // SCHED_OTHER: the application's own
    }

    private static final int SCHED_IDLE = 5;

    private static void assertPolicies(int policy) throws Exception {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                if (Files.readString(t.resolve("comm")).strip().startsWith("ciaf-")) {
                    assertThat(policyOf(t)).as(t.toString()).isEqualTo(policy);
                }
            }
        }
    }

    /** Field 41 of /proc/…/stat (the scheduling policy), counted after the command name. */
    private static int policyOf(Path task) throws Exception {
        String stat = Files.readString(task.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[38]);
    }

    @Test
    void normalPriorityLeavesThemAsTheApplications() throws Exception {
        assumeLinuxWithRenice();
        Map<String, Integer> nice = captureOneAndReadNice(Map.of("CIAF_CAPTURE_PIPELINE_PRIORITY", "normal"));
        assertThat(nice).containsEntry("ciaf-pipeline", 0).containsEntry("ciaf-backend-wr", 0);
        assertPolicies(0);
    }

    private Map<String, Integer> captureOneAndReadNice(Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("CIAF_HOME", home.toString());
        assertThat(Ciaf.start(CiafConfig.load(all, new Properties(), null))).isTrue();
        Ciaf.model("credit", "1.0").logInference(Map.of("score", 0.5));
        assertThat(Ciaf.flush(java.time.Duration.ofSeconds(10))).isTrue();
        Map<String, Integer> nice = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                String name = Files.readString(t.resolve("comm")).strip();
                if (List.of("ciaf-pipeline", "ciaf-backend-wr").contains(name)) {
                    nice.put(name, niceOf(t));
                }
            }
        }
        return nice;
    }

    /** Field 19 of /proc/…/stat, counted after the command name (which may hold spaces). */
    private static int niceOf(Path task) throws Exception {
        String stat = Files.readString(task.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[16]);
    }

    private static void assumeLinuxWithRenice() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/thread-self")), "Linux only");
        assumeTrue(niceOf(Path.of("/proc/thread-self")) == 0, "the test JVM runs at nice 0");
        boolean renice = Stream.of("/usr/bin/renice", "/bin/renice").anyMatch(f -> Files.isExecutable(Path.of(f)));
        assumeTrue(renice, "renice is installed");
    }
}
