package io.ciaf.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.CpuSlices;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.NewEntry;
import io.ciaf.storage.MetadataStorage;

/**
 * The one thread that turns events into records: builds them, runs the stage validators, appends them to the
 * ledger (type METADATA, idempotency key = record id) in one transaction per batch, then saves them to the
 * metadata backend, and opens the latches of sync callers. It drains whatever is queued at each turn, so
 * batches grow with load and concurrent sync callers share one commit; see {@link CaptureQueue} for when it
 * turns.
 */
final class CapturePipeline implements Runnable {

    private final CaptureQueue queue;
    private final AuditLedger ledger;
    private final MetadataStorage storage;
    private final Sessions session;
    private final CiafConfig config;
    final AtomicLong committed = new AtomicLong();
    /** Ledger transactions that committed records. */
    final AtomicLong commits = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    /** Records committed without the inference receipt they were due (the key store failed); in SESSION_END. */
    final AtomicLong receiptsMissing = new AtomicLong();
    /**
     * Records committed to the ledger that the metadata backend could not save, less those saved again later in
     * the session (see {@link #held}); in SESSION_END.
     */
    final AtomicLong backendUnsaved = new AtomicLong();
    /** Records the backend thread has finished with (saved, or failed and reported). */
    final AtomicLong saved = new AtomicLong();
    private static final List<MetadataRecord> END = List.of();
    private final BlockingQueue<List<MetadataRecord>> backend = new java.util.concurrent.ArrayBlockingQueue<>(8);
    private final Thread backendThread;
    private final String sessionId;
    final AtomicLong dropped;
    private long droppedRecorded;
    private long lastCheckpoint = System.nanoTime();
    private volatile boolean stopping;

    private final Listeners listeners;

    CapturePipeline(CaptureQueue queue, AuditLedger ledger, MetadataStorage storage, Sessions session,
            CiafConfig config, AtomicLong dropped, Listeners listeners) {
        this.listeners = listeners;
        this.queue = queue;
        this.ledger = ledger;
        this.storage = storage;
        this.session = session;
        this.config = config;
        this.dropped = dropped;
        this.sessionId = CanonicalJson.quote(session.id.toString());
        this.backendThread = new Thread(this::saveToBackend, "ciaf-backend-writer");
        backendThread.setDaemon(true);
        backendThread.start();
    }

    @Override
    public void run() {
        List<MetadataCapture> batch = new ArrayList<>(config.batchSize());
        // Async records wait at most one tick (half the flush interval; the other half is for the commit) for
        // the pipeline to come by, counted from the start of its last turn, not from its end: records that arrive
        // during a commit wait for the next tick too, unless a sync caller waits, a flush asks or a full batch is
        // ready. Going round again at once drained what a commit's few milliseconds let in and committed batches
        // of ten at a few thousand records a second: about 300 commits a second, each costing the pipeline
        // 0.5 ms of CPU whatever its size (52 µs a record at 3,000/s).
        long tick = config.flushIntervalMillis() * 500_000L;
        while (true) {
            try {
                long turn = System.nanoTime();
                queue.clearWake();
                if (queue.drainTo(batch, config.batchSize()) > 0) {
                    commit(batch);
                    batch.clear();
                } else if (stopping) {
                    return;
                }
                recordDrops();
                checkpointIfDue();
                if (!stopping && !queue.batchReady()) {
                    queue.awaitUntil(turn + tick);
                }
            } catch (InterruptedException e) {
                if (queue.isEmpty()) {
                    return;
                }
            } catch (Throwable t) {
                Problems.report("pipeline", "the capture pipeline hit an unexpected error and goes on", t);
                for (MetadataCapture e : batch) {
                    e.done();
                }
                batch.clear();
            }
        }
    }

    void stop() {
        stopping = true;
        queue.wake();
    }

    private void commit(List<MetadataCapture> events) {
        List<MetadataRecord> records = new ArrayList<>(events.size());
        java.time.Instant now = java.time.Instant.now();
        long nowNanos = System.nanoTime();
        for (MetadataCapture e : events) {
            CpuSlices.pause();
            try {
                MetadataRecord.Builder b = MetadataRecord.builder(e.model, e.stage, e.event)
                        .timestamp(e.start(now, nowNanos));
                e.putRecordMetadata(b);
                b.id(e.id()); // made here, off the application thread, when nobody asked for it before
                if (e.version != null && !e.version.isEmpty()) {
                    b.version(e.version);
                }
                if (e.details != null && !e.details.isEmpty()) {
                    b.details(e.details);
                }
                if (e.parentId != null) {
                    b.parentId(e.parentId);
                }
                if (e.actor != null && !e.actor.isEmpty()) {
                    b.actor(e.actor);
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
            if (validated.isEmpty()) {
                return;
            }
            List<NewEntry> entries = new ArrayList<>(validated.size());
            for (MetadataRecord r : validated) {
                CpuSlices.pause();
                entries.add(NewEntry.ofCanonicalMembers("METADATA", payload(r), r.id().toString()));
            }
            int recordCount = entries.size();
            List<MetadataCapture> kept = keptEvents(events, validated);
            entries.addAll(anchorEntries(kept));
            entries.addAll(receiptEntries(kept));
            long last;
            try {
                last = ledger.appendAll(entries).get(entries.size() - 1).position();
            } catch (RuntimeException ex) {
                if (receipts != null) {
                    receipts.forgetHeads();
                }
                modelAnchors.clear();
                throw ex;
            }
            commits.incrementAndGet();
            committed.addAndGet(recordCount);
            checkLedgerFileStillThere();
            session.progress(last);
            // Durable now: the ledger is the source of truth. The backend, a view, is written by another
            // thread so that the two commits use both cores.
            for (MetadataCapture e : events) {
                e.done();
            }
            backend.put(validated);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ex) {
            failed.addAndGet(records.size());
            checkLedgerFileStillThere();
            Problems.report("ledger-append", "records could not be committed to the ledger and are counted as"
                    + " failed in SESSION_END", ex);
        } finally {
            for (MetadataCapture e : events) {
                e.done();
            }
        }
    }

    private io.ciaf.anchor.CommitmentKeys keys;
    private io.ciaf.anchor.InferenceReceipts receipts;
    /** Each model's latest MODEL anchor hash ("" when it has none), looked up again after a minute. */
    private final Map<String, Map.Entry<String, Long>> modelAnchors = new java.util.HashMap<>();

    /**
     * Inference receipts for the INFERENCE-stage calls of this batch that carry their arguments and result
     * ({@code capture.inference_receipts}), to be appended right after their records; their secrets are
     * committed to the key store first, in one transaction.
     */
    private List<NewEntry> receiptEntries(List<MetadataCapture> kept) {
        String mode = config.inferenceReceipts();
        List<MetadataCapture> due = new ArrayList<>();
        for (MetadataCapture e : kept) {
            if (e.receiptReady) {
                due.add(e);
            }
        }
        if (due.isEmpty()) {
            return List.of();
        }
        try {
            if (keys == null) {
                keys = io.ciaf.anchor.CommitmentKeys.open(config.home());
                receipts = new io.ciaf.anchor.InferenceReceipts(ledger, keys);
            }
            io.ciaf.anchor.CommitmentKind kind = switch (mode) {
                case "salted" -> io.ciaf.anchor.CommitmentKind.SALTED;
                case "plaintext" -> io.ciaf.anchor.CommitmentKind.PLAINTEXT;
                default -> io.ciaf.anchor.CommitmentKind.HMAC_SHA256;
            };
            return keys.inTransaction(() -> {
                List<NewEntry> out = new ArrayList<>(due.size());
                for (MetadataCapture e : due) {
                    CpuSlices.pause();
                    io.ciaf.anchor.InferenceReceipt r = receipts.prepare(e.model, modelAnchor(e.model),
                            e.id.toString(), e.receiptInput, e.receiptOutput, kind);
                    out.add(io.ciaf.anchor.InferenceReceipts.entry(r));
                }
                return out;
            });
        } catch (RuntimeException ex) {
            if (receipts != null) {
                receipts.forgetHeads();
            }
            receiptsMissing.addAndGet(due.size());
            Problems.report("receipts", "inference receipts could not be made; the records are committed"
                    + " without them (counted as receipts_missing in SESSION_END)", ex);
            return List.of();
        }
    }

    /**
     * The events whose records passed validation, when anchors or receipts may be made from them (empty
     * otherwise, without looking: the common case costs nothing).
     */
    private List<MetadataCapture> keptEvents(List<MetadataCapture> events, List<MetadataRecord> validated) {
        if (!config.modelAnchors() && !config.inferenceReceiptsOn()) {
            return List.of();
        }
        java.util.Set<java.util.UUID> ids = new java.util.HashSet<>();
        for (MetadataRecord r : validated) {
            ids.add(r.id());
        }
        List<MetadataCapture> kept = new ArrayList<>();
        for (MetadataCapture e : events) {
            if (e.id != null && ids.contains(e.id)) {
                kept.add(e);
            }
        }
        return kept;
    }

    /**
     * Model anchors for the TRAINING-stage calls of this batch that returned their parameters
     * ({@code capture.model_anchors}); each also becomes the model's anchor for later receipts.
     */
    private List<NewEntry> anchorEntries(List<MetadataCapture> kept) {
        List<NewEntry> out = new ArrayList<>();
        for (MetadataCapture e : kept) {
            if (e.anchorParameters == null && e.anchorFile == null) {
                continue;
            }
            try {
                io.ciaf.anchor.ModelAnchor.Builder b = io.ciaf.anchor.ModelAnchor.builder(e.model,
                        e.version == null || e.version.isEmpty() ? "unversioned" : e.version)
                        .architecture(Map.of("trained_by", e.site == null ? e.model : e.site.className() + "." + e.site.methodName(),
                                "record", e.id.toString()))
                        .hyperparameters(e.anchorHyperparameters);
                if (e.anchorParameters != null) {
                    for (double[] p : e.anchorParameters) {
                        b.parameters(p);
                    }
                } else {
                    b.parametersFile(e.anchorFile);
                }
                io.ciaf.anchor.ModelAnchor anchor = b.build();
                out.add(NewEntry.of(io.ciaf.anchor.ModelAnchor.TYPE, anchor.toPayload(), "model:" + anchor.modelHash()));
                modelAnchors.put(e.model, Map.entry(anchor.modelHash(), System.nanoTime()));
            } catch (RuntimeException ex) {
                Problems.report("model-anchor:" + e.model, "a model anchor for '" + e.model + "' could not be made;"
                        + " its training record is committed without it", ex);
            }
        }
        return out;
    }

    private String modelAnchor(String model) {
        Map.Entry<String, Long> known = modelAnchors.get(model);
        if (known == null || System.nanoTime() - known.getValue() > 60_000_000_000L) {
            String hash = ledger.findLast(io.ciaf.anchor.ModelAnchor.TYPE, "model_name", model)
                    .map(e -> e.payloadFields().get("model_hash"))
                    .filter(String.class::isInstance).map(String.class::cast).orElse("");
            known = Map.entry(hash, System.nanoTime());
            modelAnchors.put(model, known);
        }
        return known.getKey().isEmpty() ? null : known.getKey();
    }

    // SQLite keeps writing to a deleted file through its open handle, and all of it vanishes at exit: say so.
    private void checkLedgerFileStillThere() {
        if (!java.nio.file.Files.exists(ledger.home().resolve(AuditLedger.LEDGER_FILE))) {
            Problems.report("ledger-deleted", "the ledger file " + ledger.home().resolve(AuditLedger.LEDGER_FILE)
                    + " was deleted while CIAF was writing to it: records committed since then are lost with it."
                    + " Restore the home from a backup, and do not remove a home while an application uses it");
        }
    }

    /**
     * How long the backend thread gathers committed batches before it saves them in one transaction. The
     * backend is a view of the ledger, which has the records durably already; a commit costs a write of every
     * B-tree page it touches and an fsync whatever its size, so at a few thousand records a second one commit
     * per ledger commit (every 25 ms) cost more than the records themselves.
     */
    static final long BACKEND_GATHER_NANOS = 200_000_000L;
    /**
     * Saves at once past this many gathered records. Past a thousand a larger transaction saves little, and
     * gathered records are live objects: at 25,000 records a second a 200 ms window kept 5,000 of them alive
     * through each young collection, which tripled its pause.
     */
    static final int BACKEND_GATHER_MAX = 1_000;
    /** Set by a flush that waits for the backend: save what is gathered now. */
    private volatile boolean backendHurry;

    /** Asks the backend thread to save what it has gathered now rather than at the end of its window. */
    void hurryBackend() {
        backendHurry = true;
    }

    /** Saves committed batches to the metadata backend, in order, on its own thread, gathered into larger ones. */
    private void saveToBackend() {
        PipelinePriority.lowerCurrentThread(config);
        List<MetadataRecord> gathered = new ArrayList<>();
        boolean end = false;
        while (!end) {
            List<MetadataRecord> batch;
            try {
                batch = backend.take();
                long deadline = System.nanoTime() + BACKEND_GATHER_NANOS;
                while (true) {
                    if (batch == END) {
                        end = true;
                        break;
                    }
                    gathered.addAll(batch);
                    if (gathered.size() >= BACKEND_GATHER_MAX || (batch = nextBefore(deadline)) == null) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                end = true;
            }
            backendHurry = false;
            if (!gathered.isEmpty()) {
                save(gathered);
                gathered = new ArrayList<>();
            }
        }
        saveHeld(true); // a last try before SESSION_END counts what is still unsaved
    }

    /** The next committed batch, if one comes before {@code deadline} and no flush waits meanwhile; else null. */
    private List<MetadataRecord> nextBefore(long deadline) throws InterruptedException {
        long left;
        while (!backendHurry && (left = deadline - System.nanoTime()) > 0) {
            // at most 5 ms at a time, to see a flush's hurry
            List<MetadataRecord> batch = backend.poll(Math.min(left, 5_000_000L),
                    java.util.concurrent.TimeUnit.NANOSECONDS);
            if (batch != null) {
                return batch;
            }
        }
        return null;
    }

    private void save(List<MetadataRecord> batch) {
        try {
            storage.saveValidated(batch);
            // before counting them saved: a flush returns only after the listeners (the webhook outbox) have them
            listeners.saved(batch);
            saveHeld(false); // the backend works again: the records it refused before go in now
        } catch (RuntimeException ex) {
            backendUnsaved.addAndGet(batch.size());
            hold(batch);
            session.refused(batch.get(0).id()); // batches come in ledger order: this batch's oldest
            Problems.report("backend-save", "records are in the ledger but the metadata backend could not"
                    + " save them; they are saved again once it takes records again, and those still unsaved"
                    + " at the end are counted as backend_unsaved in SESSION_END (ciaf rebuild puts them back)", ex);
        } finally {
            saved.addAndGet(batch.size());
        }
    }

    /**
     * Records the backend refused, oldest first, to be saved again in this session: a backend that fails for a
     * while (a full disk, a locked file) catches up when it recovers, rather than leaving a gap in the view
     * until someone runs {@code ciaf rebuild}. At most {@link #HELD_MAX}; past that the oldest are let go, and
     * stay counted in {@link #backendUnsaved}. Backend thread only.
     */
    private final java.util.ArrayDeque<MetadataRecord> held = new java.util.ArrayDeque<>();
    static final int HELD_MAX = 50_000;
    /** When a failed try of the held records may be repeated (a backoff of 1 s doubling to a minute). */
    private long heldRetryAt;
    private long heldBackoff;

    private void hold(List<MetadataRecord> batch) {
        held.addAll(batch);
        while (held.size() > HELD_MAX) {
            held.removeFirst();
        }
    }

    /**
     * Saves the held records that the backend does not have yet (a failed save may have gone in part-way).
     * Tried after each save that succeeds, backing off while the held ones keep failing (they may be what the
     * backend refuses), and once more at the end whatever the backoff.
     */
    private void saveHeld(boolean last) {
        if (held.isEmpty() || (!last && heldBackoff > 0 && System.nanoTime() - heldRetryAt < 0)) {
            return;
        }
        List<MetadataRecord> again = new ArrayList<>(held);
        try {
            List<MetadataRecord> done = storage.saveValidatedMissing(again);
            listeners.saved(done);
            held.clear();
            heldBackoff = 0;
            backendUnsaved.addAndGet(-again.size());
            if (backendUnsaved.get() == 0) {
                session.allSaved(); // (those let go past HELD_MAX stay unsaved, and noted)
            }
            Problems.report("backend-saved-again", "the metadata backend took records again and saved the "
                    + again.size() + " it had refused earlier in this session");
        } catch (RuntimeException ex) {
            heldBackoff = heldBackoff == 0 ? 1_000_000_000L : Math.min(60_000_000_000L, heldBackoff * 2);
            heldRetryAt = System.nanoTime() + heldBackoff;
        }
    }

    /** Waits until the backend thread has written everything handed to it, then stops it. */
    void stopBackend() {
        try {
            backend.put(END);
            backendThread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The METADATA payload: the record's fields, as the backends store them, and the session. */
    private Map<String, String> payload(MetadataRecord r) {
        Map<String, String> p = io.ciaf.anchor.LedgerRecords.canonicalMembers(r, quoteName);
        p.put("session", sessionId);
        return p;
    }

    /** Model names, versions, stages and events repeat: quote each once. */
    private final Map<String, String> quotedNames = new java.util.HashMap<>();
    /** {@link #quoted} as a function, made once rather than per record. */
    private final java.util.function.UnaryOperator<String> quoteName = this::quoted;

    private String quoted(String name) {
        String q = quotedNames.get(name);
        if (q == null) {
            q = CanonicalJson.quote(name);
            if (quotedNames.size() < 4096) {
                quotedNames.put(name, q);
            }
        }
        return q;
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
                listeners.fire(List.of(io.ciaf.webhook.AuditEvents.recordsDropped(total - droppedRecorded, total,
                        session.id.toString())));
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
            io.ciaf.ledger.Checkpoint c = ledger.checkpoint();
            listeners.fire(List.of(io.ciaf.webhook.AuditEvents.checkpointSealed(c.origin(), c.size(),
                    c.rootBase64())));
        } catch (RuntimeException ex) {
            Problems.report("checkpoint", "cannot seal a checkpoint", ex);
        }
    }

    /** Writes what is left: the final DROPPED count. Called on the pipeline thread's behalf after it stopped. */
    void finish() {
        recordDrops();
    }
}
