package io.ciaf.compliance;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.ciaf.api.MetadataRecord;

/**
 * What an assessment decides from: the model's records (its pipeline trace), its decisions as
 * {@link Outcome}s, whether the ledger verified, declared attestations (who declared what, when), and the
 * configured thresholds.
 */
public record Evidence(String model, List<MetadataRecord> records, List<Outcome> outcomes, boolean ledgerIntact,
        Map<String, Object> attestations, Map<String, Double> thresholds) {

    public Evidence {
        Objects.requireNonNull(model, "model");
        records = List.copyOf(records);
        outcomes = List.copyOf(outcomes);
        attestations = Map.copyOf(attestations);
        thresholds = Map.copyOf(thresholds);
    }

    /** The configured threshold {@code name}, or {@code fallback}. */
    public double threshold(String name, double fallback) {
        return thresholds.getOrDefault(name, fallback);
    }
}
