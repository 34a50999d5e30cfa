package io.ciaf.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetadataRecordTest {

    @Test
    void hashIsSha256OfCanonicalJson() {
        MetadataRecord r = MetadataRecord.builder("my_classifier", Stage.TRAINING, "model_trained")
                .version("2.1.0")
                .put("training_time", 120)
                .put("hyperparameters", Map.of("n_estimators", 100, "max_depth", 6))
                .put("algorithm", "RandomForest")
                .put("accuracy", 0.95)
                .details("Model training completed successfully")
                .build();
        assertThat(r.metadataJson()).isEqualTo("{\"accuracy\":0.95,\"algorithm\":\"RandomForest\","
                + "\"hyperparameters\":{\"max_depth\":6,\"n_estimators\":100},\"training_time\":120}");
        // known answer from `printf '%s' '<the JSON above>' | sha256sum`
        assertThat(r.metadataHash()).isEqualTo("24561034065e51d37590179eaef133982c5096a71bd9712011e22a9b876e15ea");
        assertThat(r.version()).contains("2.1.0");
        assertThat(r.details()).contains("Model training completed successfully");
        assertThat(r.metadata()).containsEntry("training_time", 120L).containsEntry("accuracy", 0.95);
        assertThat(r.metadata().keySet()).containsExactly("training_time", "hyperparameters", "algorithm", "accuracy");
    }

    @Test
    void emptyMetadataHashesTheEmptyObject() {
        MetadataRecord r = MetadataRecord.builder("m", Stage.INFERENCE, "e").build();
        assertThat(r.metadataJson()).isEqualTo("{}");
        assertThat(r.metadataHash()).isEqualTo("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    }

    @Test
    void idsAreVersion7AndTimeOrdered() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(MetadataRecord.builder("m", Stage.INFERENCE, "e").build().id());
        }
        assertThat(ids).allSatisfy(id -> assertThat(id.version()).isEqualTo(7));
        assertThat(ids).doesNotHaveDuplicates();
        List<String> asText = ids.stream().map(UUID::toString).toList();
        assertThat(asText).isSorted();
    }

    @Test
    void toBuilderKeepsEverything() {
        MetadataRecord r = MetadataRecord.builder("m", Stage.VALIDATION, "validated").version("1")
                .traceId("t-1").actor("alice").parentId(UUID.randomUUID()).put("k", List.of(1, 2)).build()
                .withValidationErrors(List.of("too low"));
        assertThat(r.toBuilder().build()).isEqualTo(r);
    }

    @Test
    void refusesNonJsonValuesNamingTheKeyPath() {
        MetadataRecord.Builder b = MetadataRecord.builder("m", Stage.TRAINING, "e");
        assertThatThrownBy(() -> b.put("hyperparameters", Map.of("layers", List.of(1, 2, new Object()))))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("metadata.hyperparameters.layers[2]")
                .hasMessageContaining("java.lang.Object")
                .satisfies(e -> assertThat(((InvalidMetadataException) e).keyPath())
                        .isEqualTo("metadata.hyperparameters.layers[2]"));
        assertThatThrownBy(() -> b.put("loss", Double.NaN)).hasMessageContaining("metadata.loss");
        assertThatThrownBy(() -> b.put("loss", Float.NEGATIVE_INFINITY)).hasMessageContaining("metadata.loss");
        assertThatThrownBy(() -> b.put("m", Map.of(1, "x"))).hasMessageContaining("metadata.m")
                .hasMessageContaining("not a String");
        assertThatThrownBy(() -> b.put("odd.key", List.of(Thread.currentThread())))
                .hasMessageContaining("metadata[\"odd.key\"][0]");
        assertThatThrownBy(() -> b.put("s", "bad \ud800 surrogate")).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> b.put("price", new BigDecimal("0.1000000000000000000001")))
                .hasMessageContaining("store it as a String");
        assertThatThrownBy(() -> b.put("when", Instant.now())).hasMessageContaining("java.time.Instant");
    }

    @Test
    void aNormalizedValueIsNormalizedOnceAndCannotBeChanged() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("weights", new double[] {0.5, -0.0});
        raw.put("layers", List.of(1, 2));
        Object once = io.ciaf.api.internal.JsonValues.normalize(raw, "v");
        assertThat(io.ciaf.api.internal.JsonValues.normalize(once, "v")).isSameAs(once);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) once;
        assertThat(map).isEqualTo(Map.of("weights", List.of(0.5, 0.0), "layers", List.of(1L, 2L)));
        assertThatThrownBy(() -> map.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.entrySet().iterator().next().setValue(1))
                .isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        List<Object> weights = (List<Object>) map.get("weights");
        assertThatThrownBy(() -> weights.set(0, 1.0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> weights.iterator().remove()).isInstanceOf(RuntimeException.class);
        // a record built from it holds the same values and the same hash as one built from the raw map
        MetadataRecord fromRaw = MetadataRecord.builder("m", Stage.TRAINING, "e").put("p", raw).build();
        MetadataRecord fromNormalized = MetadataRecord.builder("m", Stage.TRAINING, "e").put("p", once).build();
        assertThat(fromNormalized.metadataHash()).isEqualTo(fromRaw.metadataHash());
    }

    @Test
    void aBadKeyIsNamedWithItsPath() {
        assertThatThrownBy(() -> MetadataRecord.builder("m", Stage.TRAINING, "e").put("bad\uD800", 1))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("metadata[\"bad")
                .hasMessageContaining("unpaired surrogate");
    }

    @Test
    void refusesCycles() {
        Map<String, Object> cyclic = new HashMap<>();
        cyclic.put("self", cyclic);
        assertThatThrownBy(() -> MetadataRecord.builder("m", Stage.TRAINING, "e").put("c", cyclic))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("cyclic");
    }

    @Test
    void normalizesNumbers() {
        MetadataRecord r = MetadataRecord.builder("m", Stage.TRAINING, "e")
                .put("f", 0.1f).put("neg0", -0.0).put("big", new BigDecimal("12.50")).put("int", new BigDecimal("3E2"))
                .put("arr", new double[] {1, 2.5}).put("chars", new char[] {'h', 'i'}).build();
        assertThat(r.metadata()).containsEntry("f", 0.1).containsEntry("neg0", 0.0).containsEntry("big", 12.5)
                .containsEntry("int", 300L).containsEntry("arr", List.of(1.0, 2.5)).containsEntry("chars", "hi");
        assertThat(r.metadataJson()).isEqualTo("{\"arr\":[1.0,2.5],\"big\":12.5,\"chars\":\"hi\",\"f\":0.1,\"int\":300,\"neg0\":0.0}");
    }

    @Test
    void refusesBadNames() {
        assertThatThrownBy(() -> MetadataRecord.builder(" ", Stage.TRAINING, "e"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("model_name");
        assertThatThrownBy(() -> MetadataRecord.builder("m", null, "e")).hasMessageContaining("stage");
        assertThatThrownBy(() -> MetadataRecord.builder("m", Stage.TRAINING, "a\nb")).hasMessageContaining("event_type")
                .hasMessageContaining("control character");
        assertThatThrownBy(() -> MetadataRecord.builder("m".repeat(201), Stage.TRAINING, "e"))
                .hasMessageContaining("at most 200");
        assertThatThrownBy(() -> MetadataRecord.builder("m", Stage.TRAINING, "e").timestamp(Instant.parse("3000-01-01T00:00:00Z")))
                .hasMessageContaining("timestamp");
    }

    @Test
    void stageParsesLeniently() {
        assertThat(Stage.parse("Data-Ingestion")).isEqualTo(Stage.DATA_INGESTION);
        assertThat(Stage.parse("training")).isEqualTo(Stage.TRAINING);
        assertThat(Stage.INFERENCE.wireName()).isEqualTo("inference");
        for (Stage stage : Stage.values()) {
            assertThat(stage.wireName()).isEqualTo(stage.name().toLowerCase(java.util.Locale.ROOT));
            assertThat(Stage.parse(stage.wireName())).isEqualTo(stage);
        }
        assertThatThrownBy(() -> Stage.parse("trainin")).hasMessageContaining("'trainin'").hasMessageContaining("validation");
    }

    @Test
    void queryMatchesEachCriterion() {
        Instant t = Instant.parse("2026-05-01T00:00:00Z");
        MetadataRecord r = MetadataRecord.builder("m", Stage.TRAINING, "e").version("1").timestamp(t).build();
        assertThat(MetadataQuery.all().matches(r)).isTrue();
        assertThat(MetadataQuery.builder().model("m").stage(Stage.TRAINING).eventType("e").version("1")
                .since(t).until(t.plusNanos(1)).build().matches(r)).isTrue();
        assertThat(MetadataQuery.builder().until(t).build().matches(r)).isFalse();
        assertThat(MetadataQuery.builder().version("2").build().matches(r)).isFalse();
        assertThat(MetadataQuery.builder().stage(Stage.INFERENCE).build().matches(r)).isFalse();
        assertThatThrownBy(() -> MetadataQuery.builder().limit(0)).hasMessageContaining("limit");
    }

    @Test
    void aBuilderUsedAgainAfterBuildLeavesTheFirstRecordAsItWas() {
        MetadataRecord.Builder b = MetadataRecord.builder("credit", Stage.TRAINING, "fit").put("accuracy", 0.9);
        MetadataRecord first = b.build();
        MetadataRecord second = b.put("accuracy", 0.95).put("epochs", 3).build();
        assertThat(first.metadata()).containsExactly(org.assertj.core.api.Assertions.entry("accuracy", 0.9));
        assertThat(first.metadataJson()).isEqualTo("{\"accuracy\":0.9}");
        assertThat(first.metadataHash()).isEqualTo(io.ciaf.api.internal.CanonicalJson.sha256Hex("{\"accuracy\":0.9}"));
        assertThat(second.metadataJson()).isEqualTo("{\"accuracy\":0.95,\"epochs\":3}");
        MetadataRecord third = b.build(); // built twice without a change in between: equal contents
        assertThat(third.metadata()).isEqualTo(second.metadata());
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> first.metadata().put("x", 1));
    }
}
