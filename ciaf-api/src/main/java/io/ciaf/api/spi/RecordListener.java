package io.ciaf.api.spi;

import java.util.List;

import io.ciaf.api.AuditEvent;

/**
 * Hears what CIAF records: saved records, validation and compliance failures, sealed checkpoints, dropped
 * records, integrity violations (the webhook sink is one). Found with {@link java.util.ServiceLoader} or
 * registered in code. Called off the application's threads, in batches, after the records are durable; it must
 * be quick (hand slow work to a thread of its own). An exception is reported once and the batch goes on to the
 * other listeners.
 */
@FunctionalInterface
public interface RecordListener {

    void onEvents(List<AuditEvent> events);

    /** Called once when CIAF shuts down: finish or persist what is pending. */
    default void close() {
    }
}
