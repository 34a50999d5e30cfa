package io.ciaf.api;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Something a {@link io.ciaf.api.spi.RecordListener} hears about: a record saved, a validation or compliance
 * failure, a checkpoint sealed, records dropped, an integrity violation. {@link #name()} is the event name of
 * FORMATS.md (e.g. {@code metadata_saved}); {@link #data()} holds JSON-compatible values.
 */
public record AuditEvent(String name, String model, Stage stage, Instant time, Map<String, Object> data) {

    public AuditEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(time, "time");
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** The model the event is about, if it is about one. */
    public Optional<String> modelName() {
        return Optional.ofNullable(model);
    }

    /** The stage of the record the event is about, if it is about one. */
    public Optional<Stage> recordStage() {
        return Optional.ofNullable(stage);
    }
}
