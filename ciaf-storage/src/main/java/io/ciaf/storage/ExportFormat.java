package io.ciaf.storage;

import java.util.Locale;

/** Formats {@link MetadataStorage#export} writes and {@link MetadataStorage#importFrom} reads. */
public enum ExportFormat {
    /** A JSON array, one record object per line. */
    JSON("json"),
    /** RFC 4180 CSV with a header row; the metadata column holds its canonical JSON. */
    CSV("csv"),
    /** XML with typed metadata values; see docs/storage.md for the schema. */
    XML("xml");

    private final String extension;

    ExportFormat(String extension) {
        this.extension = extension;
    }

    /** The file name extension, without the dot. */
    public String extension() {
        return extension;
    }

    /**
     * Parses {@code json}, {@code csv} or {@code xml}, case-insensitively.
     *
     * @throws IllegalArgumentException naming the value and the valid ones
     */
    public static ExportFormat parse(String name) {
        for (ExportFormat f : values()) {
            if (f.extension.equals(name == null ? null : name.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown export format '" + name + "'; expected json, csv or xml");
    }
}
