package io.ciaf.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ciaf.api.MetadataRecord;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.NewEntry;
import io.ciaf.storage.MetadataStorage;

/**
 * The one thread that turns events into records: builds them, runs the stage validators, appends them to the
 * ledger (type METADATA, idempotency key = record id) in one transaction per batch, then saves them to the
 * metadata backend, and opens the latches of sync callers. It drains whatever is queued at each turn, so
 * batches grow with load and concurrent sync callers share one commit.
 */
final class CapturePipeline implements Runnable {

    private final BlockingQueue<CaptureEvent> queue;
    private final AuditLedger ledger;
    private final MetadataStorage storage;
    private final Sessions session;
    private final CiafConfig config;
    final AtomicLong committed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong dropped;
    private long droppedRecorded;
    private long lastCheckpoint = System.nanoTime();
    private volatile boolean stopping;

    CapturePipeline(BlockingQueue<CaptureEvent> queue, AuditLedger ledger, MetadataStorage storage, Sessions session,
            CiafConfig config, AtomicLong dropped) {
        this.queue = queue;
        this.ledger = ledger;
        this.storage = storage;
        this.session = session;
        this.config = config;
        this.dropped = dropped;
    }

    @Override
    public void run() {
        List<CaptureEvent> batch = new ArrayList<>(config.batchSize());
        while (true) {
            try {
                CaptureEvent first = queue.poll(config.flushIntervalMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, config.batchSize() - 1);
                    commit(batch);
                    batch.clear();
                } else if (stopping) {
                    return;
                }
                recordDrops();
                checkpointIfDue();
            } catch (InterruptedException e) {
                if (queue.isEmpty()) {
                    return;
                }
            } catch (Throwable t) {
                Problems.report("pipeline", "the capture pipeline hit an unexpected error and goes on", t);
                for (CaptureEvent e : batch) {
                    e.done();
                }
                batch.clear();
            }
        }
    }

    void stop() {
        stopping = true;
    }

    private void commit(List<CaptureEvent> events) {
        List<MetadataRecord> records = new ArrayList<>(events.size());
        for (CaptureEvent e : events) {
            try {
                MetadataRecord.Builder b = MetadataRecord.builder(e.model, e.stage, e.event).id(e.id)
                        .timestamp(e.timestamp).putAll(e.metadata);
                if (e.version != null && !e.version.isEmpty()) {
                    b.version(e.version);
                }
                if (e.details != null && !e.details.isEmpty()) {
                    b.details(e.details);
                }
                if (e.parentId != null) {
                    b.parentId(e.parentId);
                }
                records.add(b.build());
            } catch (RuntimeException ex) {
                failed.incrementAndGet();
                Problems.report("record:" + e.model, "a record of model '" + e.model + "' could not be built and"
                        + " is counted as failed in SESSION_END", ex);
            }
        }
        try {
            List<MetadataRecord> validated = storage.validateAll(records);
            List<NewEntry> entries = new ArrayList<>(validated.size());
            for (MetadataRecord r : validated) {
                entries.add(NewEntry.of("METADATA", payload(r), r.id().toString()));
            }
            long last = ledger.appendAll(entries).get(entries.size() - 1).position();
            committed.addAndGet(entries.size());
            session.progress(last);
            try {
                storage.saveValidated(validated);
            } catch (RuntimeException ex) {
                // The ledger has them: the backend is a view and can be rebuilt from it.
                Problems.report("backend-save", "records are in the ledger but the metadata backend could not"
                        + " save them (rebuild it from the ledger)", ex);
            }
        } catch (RuntimeException ex) {
            failed.addAndGet(records.size());
            Problems.report("ledger-append", "records could not be committed to the ledger and are counted as"
                    + " failed in SESSION_END", ex);
        } finally {
            for (CaptureEvent e : events) {
                e.done();
            }
        }
    }

    /** The METADATA payload: the record's fields, as the backends store them. */
    private Map<String, Object> payload(MetadataRecord r) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", r.id().toString());
        p.put("timestamp", r.timestamp().toString());
        p.put("model_name", r.model());
        r.version().ifPresent(v -> p.put("model_version", v));
        p.put("stage", r.stage().wireName());
        p.put("event_type", r.eventType());
        r.details().ifPresent(d -> p.put("details", d));
        p.put("metadata", r.metadata());
        p.put("metadata_hash", r.metadataHash());
        r.parentId().ifPresent(id -> p.put("parent_id", id.toString()));
        if (!r.validationErrors().isEmpty()) {
            p.put("validation_errors", r.validationErrors());
        }
        p.put("session", session.id.toString());
        return p;
    }

    private void recordDrops() {
        long total = dropped.get();
        if (total > droppedRecorded) {
            try {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("session", session.id.toString());
                p.put("dropped", total - droppedRecorded);
                p.put("dropped_total", total);
                p.put("reason", "capture queue full (capture.overload = drop)");
                ledger.append("DROPPED", p, null);
                droppedRecorded = total;
            } catch (RuntimeException ex) {
                Problems.report("dropped-entry", "cannot record dropped records in the ledger", ex);
            }
        }
    }

    private void checkpointIfDue() {
        int interval = config.checkpointIntervalSeconds();
        if (interval > 0 && System.nanoTime() - lastCheckpoint > interval * 1_000_000_000L) {
            lastCheckpoint = System.nanoTime();
            seal();
        }
    }

    void seal() {
        try {
            ledger.checkpoint();
        } catch (RuntimeException ex) {
            Problems.report("checkpoint", "cannot seal a checkpoint", ex);
        }
    }

    /** Writes what is left: the final DROPPED count. Called on the pipeline thread's behalf after it stopped. */
    void finish() {
        recordDrops();
    }
}
