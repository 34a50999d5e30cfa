package io.ciaf.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A model's records grouped by stage in pipeline order ({@link Stage#DATA_INGESTION} first), each stage's
 * records oldest first. Immutable and thread-safe.
 */
public final class PipelineTrace {

    /**
     * Oldest first; the ids' text breaks ties (not {@link java.util.UUID#compareTo}, which compares signed
     * halves), so the order is the same on every backend, SQL ones included.
     */
    public static final Comparator<MetadataRecord> CHRONOLOGICAL =
            Comparator.comparing(MetadataRecord::timestamp).thenComparing(r -> r.id().toString());

    /** Newest first, the order of query results: the reverse of {@link #CHRONOLOGICAL}. */
    public static final Comparator<MetadataRecord> NEWEST_FIRST = CHRONOLOGICAL.reversed();

    private final String model;
    private final List<MetadataRecord> records;
    private final Map<Stage, List<MetadataRecord>> stages;

    private PipelineTrace(String model, List<MetadataRecord> records) {
        this.model = model;
        List<MetadataRecord> sorted = new ArrayList<>(records);
        sorted.sort(CHRONOLOGICAL);
        this.records = Collections.unmodifiableList(sorted);
        EnumMap<Stage, List<MetadataRecord>> byStage = new EnumMap<>(Stage.class);
        for (MetadataRecord r : sorted) {
            byStage.computeIfAbsent(r.stage(), s -> new ArrayList<>()).add(r);
        }
        byStage.replaceAll((s, l) -> Collections.unmodifiableList(l));
        this.stages = Collections.unmodifiableMap(byStage);
    }

    /** The trace of {@code model} made of {@code records} (any order; other models' records are refused). */
    public static PipelineTrace of(String model, List<MetadataRecord> records) {
        for (MetadataRecord r : records) {
            if (!r.model().equals(model)) {
                throw new IllegalArgumentException("record " + r.id() + " belongs to model '" + r.model()
                        + "', not '" + model + "'");
            }
        }
        return new PipelineTrace(model, records);
    }

    /** The model traced. */
    public String model() {
        return model;
    }

    /** The stages that have records, in pipeline order, each with its records oldest first. */
    public Map<Stage, List<MetadataRecord>> stages() {
        return stages;
    }

    /** The records of one stage, oldest first; empty if it has none. */
    public List<MetadataRecord> stage(Stage stage) {
        return stages.getOrDefault(stage, List.of());
    }

    /** Every record, oldest first. */
    public List<MetadataRecord> records() {
        return records;
    }

    /** How many records the trace holds. */
    public int size() {
        return records.size();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("PipelineTrace{model=").append(model);
        stages.forEach((stage, l) -> s.append(", ").append(stage.wireName()).append('=').append(l.size()));
        return s.append('}').toString();
    }
}
