package io.ciaf.runtime;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;

import io.ciaf.api.AuditEvent;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.spi.RecordListener;
import io.ciaf.webhook.AuditEvents;

/**
 * The record listeners of one runtime: those found with ServiceLoader, the webhook sink when configured, and
 * those registered in code. Each call is guarded: a listener's exception is reported once and the others still
 * hear the batch.
 */
final class Listeners {

    private final List<RecordListener> listeners = new CopyOnWriteArrayList<>();

    void add(RecordListener l) {
        listeners.add(l);
    }

    /** Adds the listeners the class path provides; one that cannot be loaded is reported and left out. */
    void discover(ClassLoader loader) {
        Iterator<RecordListener> it = ServiceLoader.load(RecordListener.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return;
                }
                listeners.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                Problems.report("listener-load", "a record listener could not be loaded and is left out", e);
            }
        }
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    void fire(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        for (RecordListener l : listeners) {
            try {
                l.onEvents(events);
            } catch (Throwable t) {
                Problems.report("listener:" + l.getClass().getName(), "record listener " + l.getClass().getName()
                        + " failed; its events of this batch are not delivered to it", t);
            }
        }
    }

    /** metadata_saved for each record, and validation_failed for each that failed its validators. */
    void saved(List<MetadataRecord> records) {
        if (listeners.isEmpty()) {
            return;
        }
        List<AuditEvent> events = new ArrayList<>(records.size());
        for (MetadataRecord r : records) {
            events.add(AuditEvents.metadataSaved(r));
            if (!r.validationErrors().isEmpty()) {
                events.add(AuditEvents.validationFailed(r));
            }
        }
        fire(events);
    }

    void close() {
        for (RecordListener l : listeners) {
            try {
                l.close();
            } catch (Throwable t) {
                Problems.report("listener-close:" + l.getClass().getName(), "record listener "
                        + l.getClass().getName() + " failed to close", t);
            }
        }
    }
}
