package io.ciaf.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.api.StorageProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonBackendTest extends MetadataBackendCompatibilityKit {

    @Override
    protected String backend() {
        return "json";
    }

    private Path dayFile(String model) {
        return dir.resolve("store").resolve(model).resolve("2026-03-14.jsonl");
    }

    @Test
    void filesAreJsonLinesPerModelPerDay() throws Exception {
        storage.save(rich("credit_model", Stage.TRAINING, T0));
        List<String> lines = Files.readAllLines(dayFile("credit_model"));
        assertThat(lines).singleElement().satisfies(l -> assertThat(l)
                .startsWith("{\"id\":").contains("\"model_name\":\"credit_model\"").contains("\"stage\":\"training\"")
                .contains("\"metadata_hash\":\"").contains("\"accuracy\":0.95"));
    }

    @Test
    void tornLastLineIsReportedAndTheOtherRecordsLoad() throws Exception {
        List<MetadataRecord> saved = List.of(simple("m", Stage.TRAINING, "a", T0), simple("m", Stage.TRAINING, "b", T0),
                simple("m", Stage.TRAINING, "c", T0));
        storage.saveAll(saved);
        Path file = dayFile("m");
        String fourth = io.ciaf.storage.internal.RecordJson.toJson(simple("m", Stage.TRAINING, "d", T0));
        // a crash mid-write: half a line, no newline
        Files.writeString(file, fourth.substring(0, fourth.length() / 2), StandardOpenOption.APPEND);

        reopen();
        assertThat(storage.query(MetadataQuery.all())).containsExactlyInAnyOrderElementsOf(saved);
        List<StorageProblem> problems = storage.problems();
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.problem()).contains("incomplete last line");
        });

        // the next append starts on a fresh line: the torn fragment stays line 4, the new record is line 5
        MetadataRecord after = simple("m", Stage.TRAINING, "e", T0);
        storage.save(after);
        assertThat(storage.query(MetadataQuery.all())).hasSize(4).contains(after);
        assertThat(Files.readAllLines(file)).hasSize(5);
        assertThat(reopen().check()).singleElement().satisfies(p -> assertThat(p.line()).isEqualTo(4));
    }

    @Test
    void alteredLineIsReportedByFileAndLine() throws Exception {
        MetadataRecord a = simple("m", Stage.TRAINING, "a", T0);
        MetadataRecord b = MetadataRecord.builder("m", Stage.TRAINING, "b").timestamp(T0).put("accuracy", 0.95).build();
        storage.saveAll(List.of(a, b));
        Path file = dayFile("m");
        Files.writeString(file, Files.readString(file).replace("\"accuracy\":0.95", "\"accuracy\":0.99"));
        assertThat(reopen().query(MetadataQuery.all())).containsExactly(a);
        assertThat(storage.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.problem()).contains(b.id().toString()).contains("does not match");
        });
    }

    @Test
    void erasingIsRefusedSayingSoAndNothingChanges() {
        MetadataRecord r = rich("m", Stage.TRAINING, T0);
        storage.save(r);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> storage.erase(List.of(r.id())))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("json metadata backend cannot erase");
        assertThat(storage.get(r.id())).isPresent();
    }
}
