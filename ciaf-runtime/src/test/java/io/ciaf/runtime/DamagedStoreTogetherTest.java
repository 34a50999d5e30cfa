package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.storage.MetadataStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs start on one home whose metadata store is damaged. This test is the first: it holds the repair lock
 * beside the store, moves the damaged store aside and starts a new one, as a JVM does. The second, a real JVM,
 * must wait for it and then use the new store, not move it aside in turn while the first writes to it.
 */
class DamagedStoreTogetherTest {

    @TempDir
    Path home;

    @Test
    void aJvmThatFindsTheStoreDamagedWaitsForTheOneReplacingItAndUsesTheNewStore() throws Exception {
        Path store = Files.createDirectories(home.resolve("metadata"));
        byte[] garbage = "not a database ".repeat(600).getBytes(StandardCharsets.US_ASCII);
        Files.write(store.resolve("metadata.db"), garbage);

        try (FileChannel ch = FileChannel.open(home.resolve("metadata.repair.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock repairing = ch.lock();
            Process app = TestJvms.start(App.class, home, java.util.Map.of(), "app");
            try {
                BufferedReader out = TestJvms.stdout(app);
                assertThat(out.readLine()).isEqualTo("captured");
                // the other JVM opens its home (the ledger first) and finds the store damaged
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.exists(home.resolve("ledger.db")) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(1_000);
                assertThat(Files.readAllBytes(store.resolve("metadata.db"))).as("left for the JVM repairing it")
                        .isEqualTo(garbage);
                assertThat(asides()).isEmpty();

                // this JVM's repair: the damaged store aside, a new one with a record in it
                MetadataStorage.moveAside(store, "damaged");
                MetadataRecord mine = MetadataRecord.builder("first-jvm", Stage.INFERENCE, "predict").build();
                try (MetadataStorage fresh = MetadataStorage.open(store, "sqlite")) {
                    fresh.saveValidated(List.of(mine));
                }
                repairing.release();

                assertThat(out.readLine()).isEqualTo("flushed true");
                assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(app.exitValue()).isZero();
            } finally {
                app.destroyForcibly();
            }
            assertThat(asides()).hasSize(1);
            try (MetadataStorage s = MetadataStorage.open(store, "sqlite")) {
                assertThat(s.query(MetadataQuery.all())).extracting(MetadataRecord::model)
                        .containsExactlyInAnyOrder("first-jvm", "credit");
            }
            assertThat(Files.readString(TestJvms.stderr(home, "app"))).doesNotContain("is damaged");
        }
    }

    private List<Path> asides() throws Exception {
        try (java.util.stream.Stream<Path> files = Files.list(home)) {
            return files.filter(f -> f.getFileName().toString().startsWith("metadata.damaged-")).toList();
        }
    }

    /** Run in its own JVM: one record, then a flush that waits for the backend. */
    public static final class App {

        private App() {
        }

        public static void main(String[] args) throws Exception {
            try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "predict")) {
                c.put("approved", true);
            }
            System.out.println("captured");
            System.out.flush();
            System.out.println("flushed " + Ciaf.flush(Duration.ofSeconds(60)));
            System.out.flush();
            Ciaf.shutdown();
        }
    }
}
