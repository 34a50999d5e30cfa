package io.ciaf.storage;

/**
 * How a {@link MetadataStorage} treats what it is given. Immutable.
 *
 * <pre>{@code
 * MetadataStorage.open(dir, "sqlite", StorageOptions.builder().strict(true).build());
 * }</pre>
 */
public final class StorageOptions {

    /** Default limit on one record's size: 1 MiB of canonical JSON. */
    public static final long DEFAULT_MAX_RECORD_BYTES = 1L << 20;

    private static final StorageOptions DEFAULTS = builder().build();

    private final boolean strict;
    private final long maxRecordBytes;

    private StorageOptions(Builder b) {
        this.strict = b.strict;
        this.maxRecordBytes = b.maxRecordBytes;
    }

    /** Lenient validation, 1 MiB per record. */
    public static StorageOptions defaults() {
        return DEFAULTS;
    }

    /** Starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether a record that fails validation is refused (true) or stored with its errors attached (false). */
    public boolean strict() {
        return strict;
    }

    /** The largest accepted record, in bytes of canonical JSON (metadata plus details). */
    public long maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Builds {@link StorageOptions}. */
    public static final class Builder {
        private boolean strict;
        private long maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;

        private Builder() {
        }

        /** Refuse records that fail validation instead of storing them with their errors. Default false. */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * The largest accepted record in bytes. Default 1 MiB.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxRecordBytes(long maxRecordBytes) {
            if (maxRecordBytes <= 0) {
                throw new IllegalArgumentException("maxRecordBytes must be positive, was " + maxRecordBytes);
            }
            this.maxRecordBytes = maxRecordBytes;
            return this;
        }

        /** The options. */
        public StorageOptions build() {
            return new StorageOptions(this);
        }
    }
}
