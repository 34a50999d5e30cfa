package io.ciaf.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The eight stages of a model's pipeline, in pipeline order. {@link #ordinal()} is the order in which
 * {@link PipelineTrace} lists them.
 *
 * <p>On the wire (JSON, CSV, XML, SQLite) a stage is written as its {@link #wireName() wire name}, the
 * lower-case enum name, e.g. {@code data_ingestion}.
 */
public enum Stage {
    /** Data sources, quality metrics, schema checks, volume and completeness. */
    DATA_INGESTION,
    /** Transformations, feature engineering, cleaning. */
    PREPROCESSING,
    /** Algorithm, hyperparameters, training performance, artifacts. */
    TRAINING,
    /** Test-set performance, cross-validation, bias and fairness. */
    VALIDATION,
    /** Deployment configuration, infrastructure, monitoring set-up. */
    DEPLOYMENT,
    /** Prediction requests, response times, model versions, input/output references. */
    INFERENCE,
    /** Drift, performance degradation, alerts, maintenance. */
    MONITORING,
    /** Regulatory validations, audit events, corrective actions, compliance scores. */
    COMPLIANCE;

    // made once: every record written asks for it, and the backend writer spent 3% of its samples lower-casing
    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in every stored and exported form, e.g. {@code data_ingestion}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses a stage name case-insensitively; {@code -} and spaces count as {@code _}, so
     * {@code "Data-Ingestion"} is {@link #DATA_INGESTION}.
     *
     * @throws IllegalArgumentException naming the bad value and listing the valid ones
     */
    public static Stage parse(String name) {
        if (name != null) {
            String normalized = name.trim().replace('-', '_').replace(' ', '_').toUpperCase(Locale.ROOT);
            for (Stage stage : values()) {
                if (stage.name().equals(normalized)) {
                    return stage;
                }
            }
        }
        throw new IllegalArgumentException("unknown stage '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Stage::wireName).collect(Collectors.joining(", ")));
    }
}
