package io.ciaf.runtime;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import io.ciaf.api.Stage;

/**
 * What an application thread hands to the pipeline: names, the values it recorded (already JSON-safe), and
 * for a sync capture a latch the pipeline opens once the record is durable.
 */
final class CaptureEvent {

    final UUID id;
    final UUID parentId;
    final Instant timestamp;
    final String model;
    final String version;
    final Stage stage;
    final String event;
    final String details;
    final Map<String, Object> metadata;
    final CountDownLatch durable;

    CaptureEvent(UUID id, UUID parentId, Instant timestamp, String model, String version, Stage stage, String event,
            String details, Map<String, Object> metadata, boolean sync) {
        this.id = id;
        this.parentId = parentId;
        this.timestamp = timestamp;
        this.model = model;
        this.version = version;
        this.stage = stage;
        this.event = event;
        this.details = details;
        this.metadata = metadata == null ? new LinkedHashMap<>() : metadata;
        this.durable = sync ? new CountDownLatch(1) : null;
    }

    void done() {
        if (durable != null) {
            durable.countDown();
        }
    }
}
