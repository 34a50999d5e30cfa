package io.ciaf.compliance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;

/**
 * What an assessment decides from: the model's records (its pipeline trace, attestations included), the ledger
 * entries about it (anchors, receipts, erasures, holds, checkpoints), whether the ledger verified, and the
 * settings in force (thresholds, retention days, protected attributes).
 *
 * <p>Decisions are read from INFERENCE records by convention: {@code favourable} (boolean, the model's
 * decision), optionally {@code actual} (boolean, the right answer when known) and {@code confidence} (0 to 1),
 * and one value per protected attribute under the attribute's name (e.g. {@code "sex": "female"}).
 */
public final class Evidence {

    /** The metadata key of an INFERENCE record that holds the model's decision. */
    public static final String FAVOURABLE = "favourable";
    /** The metadata key of an INFERENCE record that holds the right answer, when known. */
    public static final String ACTUAL = "actual";
    /** The metadata key of an INFERENCE record that holds the model's confidence. */
    public static final String CONFIDENCE = "confidence";
    /** Event types ending with this are attestations: declarations by a person, with who and when. */
    public static final String ATTESTATION_SUFFIX = "_attestation";

    private final String model;
    private final List<MetadataRecord> records;
    private final List<LedgerFact> facts;
    private final boolean ledgerIntact;
    private final String ledgerProblem;
    private final Map<String, Object> settings;
    private final Instant asOf;
    // Many checks ask for the decisions and the outcomes of an attribute: compute each once.
    private List<MetadataRecord> decisions;
    private final Map<String, List<Outcome>> outcomes = new java.util.concurrent.ConcurrentHashMap<>();

    private Evidence(Builder b) {
        this.model = b.model;
        this.records = List.copyOf(b.records);
        this.facts = List.copyOf(b.facts);
        this.ledgerIntact = b.ledgerIntact;
        this.ledgerProblem = b.ledgerProblem;
        this.settings = Map.copyOf(b.settings);
        this.asOf = b.asOf;
    }

    public static Builder builder(String model) {
        return new Builder(model);
    }

    public String model() {
        return model;
    }

    /** Every record of the model, in time order. */
    public List<MetadataRecord> records() {
        return records;
    }

    /** The model's records of {@code stage}, in time order. */
    public List<MetadataRecord> records(Stage stage) {
        return records.stream().filter(r -> r.stage() == stage).toList();
    }

    /** The ledger entries of {@code type} (e.g. DATASET, MODEL, INFERENCE, ERASURE, HOLD, CHECKPOINT). */
    public List<LedgerFact> facts(String type) {
        return facts.stream().filter(f -> f.type().equals(type)).toList();
    }

    public List<LedgerFact> facts() {
        return facts;
    }

    /** Whether the whole ledger verified when the evidence was gathered. */
    public boolean ledgerIntact() {
        return ledgerIntact;
    }

    /** What verification found when the ledger is not intact; empty when it is. */
    public String ledgerProblem() {
        return ledgerProblem;
    }

    /** When the assessment is made: time limits (retention, notice periods) are measured against it. */
    public Instant asOf() {
        return asOf;
    }

    /** The setting {@code name} as a number, or {@code fallback}. */
    public double threshold(String name, double fallback) {
        Object v = settings.get(name);
        return v instanceof Number n ? n.doubleValue() : fallback;
    }

    /** The setting {@code name} as a list of strings (empty when not set). */
    public List<String> list(String name) {
        Object v = settings.get(name);
        if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return v == null || String.valueOf(v).isBlank() ? List.of() : List.of(String.valueOf(v).split("\\s*,\\s*"));
    }

    /** The setting {@code name} as a list, or {@code fallback} when it is not set or empty. */
    public List<String> list(String name, List<String> fallback) {
        List<String> v = list(name);
        return v.isEmpty() ? fallback : v;
    }

    /** The protected attributes fairness is measured over ({@code compliance.protected_attributes}). */
    public List<String> protectedAttributes() {
        return list("compliance.protected_attributes");
    }

    /** Attestation records: COMPLIANCE records whose event ends with {@value #ATTESTATION_SUFFIX}. */
    public List<MetadataRecord> attestations() {
        return records.stream().filter(r -> r.eventType().endsWith(ATTESTATION_SUFFIX)).toList();
    }

    /**
     * The newest value at {@code path} (dotted, e.g. {@code data_protection.encryption}) in any record's
     * metadata, with the record it came from.
     */
    public Optional<Map.Entry<MetadataRecord, Object>> latest(String path) {
        for (int i = records.size() - 1; i >= 0; i--) {
            Object v = at(records.get(i).metadata(), path);
            if (v != null) {
                return Optional.of(Map.entry(records.get(i), v));
            }
        }
        return Optional.empty();
    }

    /** The value at a dotted {@code path} in {@code map}, or null. */
    public static Object at(Map<String, Object> map, String path) {
        Object cur = map;
        for (String part : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(part);
        }
        return cur;
    }

    /** Whether {@code value} is a yes: {@code true}, or a string like "yes"/"true". */
    public static boolean yes(Object value) {
        return Boolean.TRUE.equals(value) || (value instanceof String s
                && List.of("true", "yes", "y").contains(s.strip().toLowerCase(Locale.ROOT)));
    }

    /** The INFERENCE records that carry a decision ({@value #FAVOURABLE}). */
    public List<MetadataRecord> decisions() {
        List<MetadataRecord> d = decisions;
        if (d == null) {
            d = records(Stage.INFERENCE).stream().filter(r -> r.metadata().get(FAVOURABLE) instanceof Boolean).toList();
            decisions = d; // an immutable list: a race only computes it twice
        }
        return d;
    }

    /**
     * The decisions as outcomes grouped by {@code attribute}: one per INFERENCE record that carries a decision
     * and a value for the attribute. Several attributes joined by {@code +} give intersectional groups
     * ({@code "sex+age_group"} → {@code "female|young"}).
     */
    public List<Outcome> outcomes(String attribute) {
        return outcomes.computeIfAbsent(attribute, this::computeOutcomes);
    }

    private List<Outcome> computeOutcomes(String attribute) {
        String[] parts = attribute.split("\\+");
        List<Outcome> out = new ArrayList<>();
        for (MetadataRecord r : decisions()) {
            StringBuilder group = new StringBuilder();
            boolean complete = true;
            for (String p : parts) {
                Object g = r.metadata().get(p);
                if (g == null) {
                    complete = false;
                    break;
                }
                group.append(group.length() == 0 ? "" : "|").append(g);
            }
            if (!complete) {
                continue;
            }
            Map<String, Object> m = r.metadata();
            Boolean actual = m.get(ACTUAL) instanceof Boolean a ? a : null;
            Double confidence = m.get(CONFIDENCE) instanceof Number c && c.doubleValue() >= 0 && c.doubleValue() <= 1
                    ? c.doubleValue() : null;
            out.add(new Outcome(group.toString(), (Boolean) m.get(FAVOURABLE), actual, confidence));
        }
        return List.copyOf(out);
    }

    /** Builds an {@link Evidence}; the ledger counts as intact unless told otherwise. */
    public static final class Builder {
        private final String model;
        private final List<MetadataRecord> records = new ArrayList<>();
        private final List<LedgerFact> facts = new ArrayList<>();
        private boolean ledgerIntact = true;
        private String ledgerProblem = "";
        private final Map<String, Object> settings = new LinkedHashMap<>();
        private Instant asOf = Instant.now();

        private Builder(String model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        public Builder records(Collection<MetadataRecord> more) {
            records.addAll(more);
            records.sort(java.util.Comparator.comparing(MetadataRecord::timestamp));
            return this;
        }

        public Builder facts(Collection<LedgerFact> more) {
            facts.addAll(more);
            return this;
        }

        /** Marks the ledger as failing verification, with what was found. */
        public Builder ledgerBroken(String problem) {
            this.ledgerIntact = false;
            this.ledgerProblem = Objects.requireNonNull(problem, "problem");
            return this;
        }

        /** A threshold, retention period or list setting, under its config key (e.g. {@code compliance.four_fifths}). */
        public Builder setting(String name, Object value) {
            if (value != null) {
                settings.put(name, value);
            }
            return this;
        }

        public Builder settings(Map<String, ?> more) {
            more.forEach(this::setting);
            return this;
        }

        public Builder asOf(Instant when) {
            this.asOf = Objects.requireNonNull(when, "when");
            return this;
        }

        public Evidence build() {
            return new Evidence(this);
        }
    }
}
