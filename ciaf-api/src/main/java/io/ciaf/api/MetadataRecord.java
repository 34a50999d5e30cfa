package io.ciaf.api;

import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.JsonValues;
import io.ciaf.api.internal.TimeOrderedIds;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One piece of pipeline metadata: what happened to which model, at which stage, when, with which values.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * MetadataRecord record = MetadataRecord.builder("my_classifier", Stage.TRAINING, "model_trained")
 *         .version("2.1.0")
 *         .put("accuracy", 0.95)
 *         .details("Model training completed successfully")
 *         .build();
 * }</pre>
 *
 * <p>{@link #metadata()} holds JSON-compatible values only, normalized when put: integers become
 * {@link Long} (or {@link java.math.BigInteger} beyond long range), floating-point numbers {@link Double},
 * arrays and collections unmodifiable {@link List}s, maps unmodifiable {@link Map}s with string keys.
 * {@link #metadataHash()} is the lower-case hex SHA-256 of {@link #metadataJson()}, the canonical JSON of
 * the metadata (keys sorted, no whitespace), so anyone can recompute it with standard tools.
 */
public final class MetadataRecord {

    /** Longest accepted model name, event type, version, actor or trace id, in characters. */
    public static final int MAX_NAME_LENGTH = 200;

    private static final long MIN_EPOCH_SECOND = Long.MIN_VALUE / 1_000_000_000L + 1;
    private static final long MAX_EPOCH_SECOND = Long.MAX_VALUE / 1_000_000_000L - 1;

    private final UUID id;
    private final String model;
    private final String version;
    private final Stage stage;
    private final String eventType;
    private final Instant timestamp;
    private final String details;
    private final Map<String, Object> metadata;
    private final String metadataJson;
    private final String metadataHash;
    private final String traceId;
    private final UUID parentId;
    private final String actor;
    private final List<String> validationErrors;

    private MetadataRecord(Builder b, String metadataJson, List<String> validationErrors) {
        this.id = b.id != null ? b.id : TimeOrderedIds.next();
        this.model = b.model;
        this.version = b.version;
        this.stage = b.stage;
        this.eventType = b.eventType;
        this.timestamp = b.timestamp != null ? b.timestamp : Instant.now();
        this.details = b.details;
        this.metadata = Collections.unmodifiableMap(b.metadata); // the builder copies it before any later change
        this.metadataJson = metadataJson;
        this.metadataHash = CanonicalJson.sha256Hex(metadataJson);
        this.traceId = b.traceId;
        this.parentId = b.parentId;
        this.actor = b.actor;
        this.validationErrors = validationErrors;
    }

    private MetadataRecord(MetadataRecord base, List<String> validationErrors) {
        this.id = base.id;
        this.model = base.model;
        this.version = base.version;
        this.stage = base.stage;
        this.eventType = base.eventType;
        this.timestamp = base.timestamp;
        this.details = base.details;
        this.metadata = base.metadata;
        this.metadataJson = base.metadataJson;
        this.metadataHash = base.metadataHash;
        this.traceId = base.traceId;
        this.parentId = base.parentId;
        this.actor = base.actor;
        this.validationErrors = validationErrors;
    }

    /**
     * Starts a record.
     *
     * @param model the model's name, e.g. {@code my_classifier}
     * @param stage the pipeline stage
     * @param eventType what happened, e.g. {@code model_trained}
     * @throws InvalidMetadataException if a name is blank, too long or holds control characters
     */
    public static Builder builder(String model, Stage stage, String eventType) {
        return new Builder(model, stage, eventType);
    }

    /** A builder holding every field of this record, id and timestamp included. */
    public Builder toBuilder() {
        Builder b = new Builder(model, stage, eventType);
        b.id = id;
        b.timestamp = timestamp;
        b.version = version;
        b.details = details;
        b.metadata.putAll(metadata);
        b.traceId = traceId;
        b.parentId = parentId;
        b.actor = actor;
        b.validationErrors = validationErrors;
        return b;
    }

    /** This record with the given validation errors attached (replacing any it had). */
    public MetadataRecord withValidationErrors(List<String> errors) {
        return new MetadataRecord(this, List.copyOf(errors));
    }

    /** Time-ordered (version 7) UUID, unique across JVMs. */
    public UUID id() {
        return id;
    }

    /** The model's name. */
    public String model() {
        return model;
    }

    /** The model's version, if one was given. */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /** The pipeline stage. */
    public Stage stage() {
        return stage;
    }

    /** What happened, e.g. {@code model_trained}. */
    public String eventType() {
        return eventType;
    }

    /** When it happened. */
    public Instant timestamp() {
        return timestamp;
    }

    /** The human-readable description, if one was given. */
    public Optional<String> details() {
        return Optional.ofNullable(details);
    }

    /** The normalized, unmodifiable metadata values, in the order they were put. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** The canonical JSON of {@link #metadata()}: keys sorted, no whitespace. Its SHA-256 is {@link #metadataHash()}. */
    public String metadataJson() {
        return metadataJson;
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@link #metadataJson()}. */
    public String metadataHash() {
        return metadataHash;
    }

    /** The id of the trace (request, job, pipeline run) this record belongs to, if any. */
    public Optional<String> traceId() {
        return Optional.ofNullable(traceId);
    }

    /** The id of the record this one is nested in (e.g. the enclosing captured call), if any. */
    public Optional<UUID> parentId() {
        return Optional.ofNullable(parentId);
    }

    /** Who or what caused the event (a user id, service account or host), if known. */
    public Optional<String> actor() {
        return Optional.ofNullable(actor);
    }

    /** Errors the stage validators found when the record was saved; empty when it passed or was never validated. */
    public List<String> validationErrors() {
        return validationErrors;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MetadataRecord)) {
            return false;
        }
        MetadataRecord r = (MetadataRecord) o;
        return id.equals(r.id) && model.equals(r.model) && Objects.equals(version, r.version)
                && stage == r.stage && eventType.equals(r.eventType) && timestamp.equals(r.timestamp)
                && Objects.equals(details, r.details) && metadataJson.equals(r.metadataJson)
                && Objects.equals(traceId, r.traceId) && Objects.equals(parentId, r.parentId)
                && Objects.equals(actor, r.actor) && validationErrors.equals(r.validationErrors);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + metadataHash.hashCode();
    }

    @Override
    public String toString() {
        return "MetadataRecord{id=" + id + ", model=" + model + (version != null ? ", version=" + version : "")
                + ", stage=" + stage.wireName() + ", event=" + eventType + ", timestamp=" + timestamp
                + ", metadata=" + metadataJson + (validationErrors.isEmpty() ? "" : ", errors=" + validationErrors) + "}";
    }

    /**
     * Builds a {@link MetadataRecord}. Not thread-safe. Every setter checks its input at once and throws
     * {@link InvalidMetadataException} naming the field or metadata key path.
     */
    public static final class Builder {
        private UUID id;
        private final String model;
        private final Stage stage;
        private final String eventType;
        private String version;
        private Instant timestamp;
        private String details;
        private Map<String, Object> metadata = new LinkedHashMap<>();
        /** Set once a built record holds {@link #metadata}: the next change works on a copy. */
        private boolean metadataShared;
        private String traceId;
        private UUID parentId;
        private String actor;
        private List<String> validationErrors = List.of();

        private Builder(String model, Stage stage, String eventType) {
            this.model = name("model_name", model, true);
            if (stage == null) {
                throw new InvalidMetadataException("stage", "stage is required");
            }
            this.stage = stage;
            this.eventType = name("event_type", eventType, true);
        }

        /** The model version, e.g. {@code 2.1.0}; {@code null} for none. */
        public Builder version(String version) {
            this.version = name("model_version", version, false);
            return this;
        }

        /** A human-readable description; {@code null} for none. */
        public Builder details(String details) {
            this.details = details == null ? null : (String) JsonValues.normalize(details, "details");
            return this;
        }

        /**
         * Adds (or replaces) one metadata value.
         *
         * @throws InvalidMetadataException naming the key path of a value that is not JSON-compatible
         *         (including NaN and infinities)
         */
        public Builder put(String key, Object value) {
            if (key == null) {
                throw new InvalidMetadataException("metadata", "metadata keys must not be null");
            }
            Object normalized = JsonValues.member("metadata", key, value);
            if (metadataShared) {
                metadata = new LinkedHashMap<>(metadata);
                metadataShared = false;
            }
            metadata.put(key, normalized);
            return this;
        }

        /** Adds (or replaces) every entry of {@code values}, as {@link #put} does. */
        public Builder putAll(Map<String, ?> values) {
            for (Map.Entry<String, ?> e : values.entrySet()) {
                put(e.getKey(), e.getValue());
            }
            return this;
        }

        /** The record id; normally left unset so a new time-ordered id is made. Set it when restoring records. */
        public Builder id(UUID id) {
            this.id = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * When the event happened; defaults to now. Must lie between the years 1678 and 2261, the range of
         * nanoseconds since the epoch in a signed 64-bit number.
         */
        public Builder timestamp(Instant timestamp) {
            Objects.requireNonNull(timestamp, "timestamp");
            if (timestamp.getEpochSecond() < MIN_EPOCH_SECOND || timestamp.getEpochSecond() > MAX_EPOCH_SECOND) {
                throw new InvalidMetadataException("timestamp", timestamp
                        + " is outside the years 1678-2261 that nanosecond timestamps can hold");
            }
            this.timestamp = timestamp;
            return this;
        }

        /** The id of the trace this record belongs to; {@code null} for none. */
        public Builder traceId(String traceId) {
            this.traceId = name("trace_id", traceId, false);
            return this;
        }

        /** The id of the record this one is nested in; {@code null} for none. */
        public Builder parentId(UUID parentId) {
            this.parentId = parentId;
            return this;
        }

        /** Who or what caused the event; {@code null} for unknown. */
        public Builder actor(String actor) {
            this.actor = name("actor", actor, false);
            return this;
        }

        /** Validation errors to carry (used when restoring stored records). */
        public Builder validationErrors(List<String> errors) {
            this.validationErrors = List.copyOf(errors);
            return this;
        }

        /** The record, with its id, timestamp (if unset) and metadata hash filled in. */
        public MetadataRecord build() {
            // The record takes the map as it is, not a copy: a record per captured call, and most builders are
            // never touched again. A builder that is reused copies it first (see put).
            String json = CanonicalJson.write(metadata);
            metadataShared = true;
            return new MetadataRecord(this, json, validationErrors);
        }

        private static String name(String field, String value, boolean required) {
            if (value == null) {
                if (required) {
                    throw new InvalidMetadataException(field, field + " is required");
                }
                return null;
            }
            if (required && value.isBlank()) {
                throw new InvalidMetadataException(field, field + " must not be blank");
            }
            if (value.length() > MAX_NAME_LENGTH) {
                throw new InvalidMetadataException(field, field + " is " + value.length()
                        + " characters; at most " + MAX_NAME_LENGTH + " are allowed");
            }
            for (int i = 0; i < value.length(); i++) {
                if (Character.isISOControl(value.charAt(i))) {
                    throw new InvalidMetadataException(field, field + " '" + value.replaceAll("\\p{Cntrl}", "?")
                            + "' holds a control character at index " + i);
                }
            }
            JsonValues.normalize(value, field); // refuses unpaired surrogates
            return value;
        }
    }
}
