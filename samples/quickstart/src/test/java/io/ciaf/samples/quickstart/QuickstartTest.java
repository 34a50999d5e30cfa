package io.ciaf.samples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.ciaf.api.Stage;
import io.ciaf.storage.MetadataStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {

    @TempDir
    Path dir;

    @Test
    void recordsThePipelineAndReadsItBack() throws Exception {
        Path store = dir.resolve("metadata");
        assertThat(Quickstart.run(store)).isTrue();
        try (MetadataStorage s = MetadataStorage.open(store, "sqlite")) {
            assertThat(s.pipelineTrace("credit_scoring").stages()).hasSize(8);
            assertThat(s.query("credit_scoring", Stage.INFERENCE, 1000)).hasSize(100);
        }
        assertThat(dir.resolve("export.csv")).isRegularFile();
        assertThat(Files.readString(dir.resolve("backup.json.sha256"))).contains("backup.json");
    }
}
