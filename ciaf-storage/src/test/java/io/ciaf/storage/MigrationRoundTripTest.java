package io.ciaf.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.PipelineTrace;
import io.ciaf.api.Stage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** json -> sqlite -> javaser -> json keeps ids, timestamps, hashes and values. */
class MigrationRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void jsonToSqliteToJavaserToJson() {
        List<MetadataRecord> original = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Stage stage = Stage.values()[i % Stage.values().length];
            original.add(MetadataBackendCompatibilityKit.rich("model_" + (i % 3), stage,
                    MetadataBackendCompatibilityKit.T0.plusSeconds(4000L * i)));
        }
        original.add(MetadataRecord.builder("m", Stage.VALIDATION, "v").build().withValidationErrors(List.of("low")));
        original.sort(PipelineTrace.CHRONOLOGICAL);

        String[] chain = {"json", "sqlite", "javaser", "json"};
        MetadataStorage previous = MetadataStorage.open(dir.resolve("0-json"), chain[0]);
        previous.saveAll(original);
        ExportFormat[] formats = {ExportFormat.JSON, ExportFormat.CSV, ExportFormat.XML};
        for (int hop = 1; hop < chain.length; hop++) {
            Path file = previous.export(null, formats[hop - 1], dir.resolve("hop" + hop + "." + formats[hop - 1].extension()));
            previous.close();
            MetadataStorage next = MetadataStorage.open(dir.resolve(hop + "-" + chain[hop]), chain[hop]);
            ImportResult result = next.importFrom(file);
            assertThat(result.problems()).isEmpty();
            assertThat(result.imported()).isEqualTo(original.size());
            previous = next;
        }
        List<MetadataRecord> after = new ArrayList<>(previous.query(MetadataQuery.all()));
        previous.close();
        after.sort(PipelineTrace.CHRONOLOGICAL);
        assertThat(after).containsExactlyElementsOf(original);
        for (int i = 0; i < original.size(); i++) {
            assertThat(after.get(i).id()).isEqualTo(original.get(i).id());
            assertThat(after.get(i).timestamp()).isEqualTo(original.get(i).timestamp());
            assertThat(after.get(i).metadataHash()).isEqualTo(original.get(i).metadataHash());
            assertThat(after.get(i).metadata()).isEqualTo(original.get(i).metadata());
        }
    }
}
