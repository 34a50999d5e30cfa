package io.ciaf.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.ciaf.api.CaptureMode;
import io.ciaf.api.PipelineTrace;
import io.ciaf.api.Stage;

/**
 * The seed's ModelMetadataManager: one call per pipeline step of one model version. Each call records one
 * record and returns its id (null when CIAF is disabled). Thread-safe; never throws.
 */
public final class ModelMetadataManager {

    private final String name;
    private final String version;

    ModelMetadataManager(String name, String version) {
        this.name = name;
        this.version = version;
    }

    public UUID logDataIngestion(Map<String, ?> metadata) {
        return log(Stage.DATA_INGESTION, "data_ingestion", metadata);
    }

    public UUID logPreprocessing(Map<String, ?> metadata) {
        return log(Stage.PREPROCESSING, "preprocessing", metadata);
    }

    public UUID logTrainingStart(Map<String, ?> metadata) {
        return log(Stage.TRAINING, "training_start", metadata);
    }

    public UUID logTrainingComplete(Map<String, ?> metadata) {
        return log(Stage.TRAINING, "training_complete", metadata);
    }

    public UUID logValidation(Map<String, ?> metadata) {
        return log(Stage.VALIDATION, "validation", metadata);
    }

    public UUID logDeployment(Map<String, ?> metadata) {
        return log(Stage.DEPLOYMENT, "deployment", metadata);
    }

    public UUID logInference(Map<String, ?> metadata) {
        return log(Stage.INFERENCE, "inference", metadata);
    }

    public UUID logMonitoring(Map<String, ?> metadata) {
        return log(Stage.MONITORING, "monitoring", metadata);
    }

    public UUID logCompliance(Map<String, ?> metadata) {
        return log(Stage.COMPLIANCE, "compliance_check", metadata);
    }

    /** Records one event of any stage. */
    public UUID log(Stage stage, String event, Map<String, ?> metadata) {
        try (MetadataCapture c = Ciaf.capture(name, version, stage, event, CaptureMode.DEFAULT)) {
            c.putAll(metadata);
            return c.id();
        }
    }

    /**
     * The model's records grouped by stage in pipeline order, read from the metadata backend after what was
     * captured so far is durable (waits at most 10 s). Empty when CIAF is not running.
     */
    public PipelineTrace pipelineTrace() {
        try {
            CiafRuntime r = Ciaf.runtime();
            if (r == null) {
                return PipelineTrace.of(name, java.util.List.of());
            }
            Ciaf.flush(Duration.ofSeconds(10));
            return r.storage().pipelineTrace(name);
        } catch (Throwable t) {
            Problems.report("trace", "cannot read the pipeline trace of " + name, t);
            return PipelineTrace.of(name, java.util.List.of());
        }
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }
}
