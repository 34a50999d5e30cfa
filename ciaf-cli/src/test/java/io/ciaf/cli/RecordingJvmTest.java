package io.ciaf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ciaf.api.Stage;
import io.ciaf.runtime.Ciaf;
import io.ciaf.runtime.MetadataCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ciaf rebuild} and {@code ciaf restore} replace what an application writes to: while a real JVM records
 * into the home they refuse, name it, and change nothing; once it is gone (here killed) they run.
 */
class RecordingJvmTest {

    @TempDir
    Path dir;

    private CliRun ciaf(Path home, String... args) {
        return CliRun.inHome(home, "", args);
    }

    @Test
    void rebuildAndRestoreRefuseWhileAnApplicationRecordsIntoTheHome() throws Exception {
        Path home = dir.resolve("home");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process app = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Dciaf.home=" + home,
                App.class.getName()).redirectError(dir.resolve("app.err").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("recording");
            CliRun backup = ciaf(home, "backup", "--out", dir.resolve("backup").toString());
            assertThat(backup.exit()).as(backup.err()).isZero(); // online: fine while it records

            CliRun rebuild = ciaf(home, "rebuild");
            assertThat(rebuild.exit()).isEqualTo(3);
            assertThat(rebuild.err()).contains("(pid " + app.pid() + ") records into " + home)
                    .contains("stop the application first").contains("nothing was changed");
            CliRun restore = ciaf(home, "restore", "--from", dir.resolve("backup").toString());
            assertThat(restore.exit()).isEqualTo(3);
            assertThat(restore.err()).contains("(pid " + app.pid() + ")").contains("replace the ledger");
            assertThat(names(dir.resolve("home"))).noneMatch(n -> n.contains(".replaced-"));
        } finally {
            app.destroyForcibly();
        }
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // killed: its session file is no one's now, and the commands run
        CliRun rebuild = ciaf(home, "rebuild");
        assertThat(rebuild.exit()).as(rebuild.err()).isZero();
        assertThat(rebuild.out()).startsWith("rebuilt 1 records");
        CliRun restore = ciaf(home, "restore", "--from", dir.resolve("backup").toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
    }

    private static Stream<String> names(Path d) throws Exception {
        try (Stream<Path> files = Files.list(d)) {
            return files.map(p -> p.getFileName().toString()).toList().stream();
        }
    }

    /** Run in its own JVM: records one call, says so, and goes on running until it is killed. */
    public static final class App {

        private App() {
        }

        public static void main(String[] args) throws Exception {
            try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "predict")) {
                c.put("approved", true);
            }
            Ciaf.flush(Duration.ofSeconds(30));
            System.out.println("recording");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
