package io.ciaf.api;

import java.time.Instant;
import java.util.Optional;

/**
 * Which records to return: every criterion left unset matches everything. Results come newest first, at
 * most {@link #limit()} of them. Immutable and thread-safe.
 *
 * <pre>{@code
 * MetadataQuery q = MetadataQuery.builder().model("my_classifier").stage(Stage.TRAINING)
 *         .since(Instant.parse("2026-01-01T00:00:00Z")).limit(10).build();
 * }</pre>
 */
public final class MetadataQuery {

    private static final MetadataQuery ALL = builder().build();

    private final String model;
    private final Stage stage;
    private final String eventType;
    private final String version;
    private final Instant since;
    private final Instant until;
    private final int limit;

    private MetadataQuery(Builder b) {
        this.model = b.model;
        this.stage = b.stage;
        this.eventType = b.eventType;
        this.version = b.version;
        this.since = b.since;
        this.until = b.until;
        this.limit = b.limit;
    }

    /** A query for every record. */
    public static MetadataQuery all() {
        return ALL;
    }

    /** A query for the newest {@code limit} records of {@code model} at {@code stage} ({@code null} for any stage). */
    public static MetadataQuery of(String model, Stage stage, int limit) {
        return builder().model(model).stage(stage).limit(limit).build();
    }

    /** Starts a query that matches everything. */
    public static Builder builder() {
        return new Builder();
    }

    /** The model name to match. */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /** The stage to match. */
    public Optional<Stage> stage() {
        return Optional.ofNullable(stage);
    }

    /** The event type to match. */
    public Optional<String> eventType() {
        return Optional.ofNullable(eventType);
    }

    /** The model version to match. */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /** Earliest timestamp matched (inclusive). */
    public Optional<Instant> since() {
        return Optional.ofNullable(since);
    }

    /** Timestamp from which records no longer match (exclusive). */
    public Optional<Instant> until() {
        return Optional.ofNullable(until);
    }

    /** Most records returned; {@link Integer#MAX_VALUE} for no limit. */
    public int limit() {
        return limit;
    }

    /** Whether {@code record} meets every criterion (the limit aside). */
    public boolean matches(MetadataRecord record) {
        return (model == null || model.equals(record.model()))
                && (stage == null || stage == record.stage())
                && (eventType == null || eventType.equals(record.eventType()))
                && (version == null || version.equals(record.version().orElse(null)))
                && (since == null || !record.timestamp().isBefore(since))
                && (until == null || record.timestamp().isBefore(until));
    }

    @Override
    public String toString() {
        return "MetadataQuery{model=" + model + ", stage=" + stage + ", eventType=" + eventType + ", version="
                + version + ", since=" + since + ", until=" + until + ", limit=" + limit + "}";
    }

    /** Builds a {@link MetadataQuery}. Not thread-safe. */
    public static final class Builder {
        private String model;
        private Stage stage;
        private String eventType;
        private String version;
        private Instant since;
        private Instant until;
        private int limit = Integer.MAX_VALUE;

        private Builder() {
        }

        /** Only records of this model; {@code null} for any. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Only records at this stage; {@code null} for any. */
        public Builder stage(Stage stage) {
            this.stage = stage;
            return this;
        }

        /** Only records with this event type; {@code null} for any. */
        public Builder eventType(String eventType) {
            this.eventType = eventType;
            return this;
        }

        /** Only records of this model version; {@code null} for any. */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /** Only records at or after this instant; {@code null} for no lower bound. */
        public Builder since(Instant since) {
            this.since = since;
            return this;
        }

        /** Only records before this instant; {@code null} for no upper bound. */
        public Builder until(Instant until) {
            this.until = until;
            return this;
        }

        /**
         * At most this many records, the newest.
         *
         * @throws IllegalArgumentException if {@code limit} is not positive
         */
        public Builder limit(int limit) {
            if (limit <= 0) {
                throw new IllegalArgumentException("limit must be positive, was " + limit);
            }
            this.limit = limit;
            return this;
        }

        /**
         * The query.
         *
         * @throws IllegalArgumentException if {@code since} is after {@code until}
         */
        public MetadataQuery build() {
            if (since != null && until != null && since.isAfter(until)) {
                throw new IllegalArgumentException("since (" + since + ") is after until (" + until + ")");
            }
            return new MetadataQuery(this);
        }
    }
}
