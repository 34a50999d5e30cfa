package io.ciaf.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ciaf.ledger.AuditLedger;
import io.ciaf.storage.MetadataStorage;

/**
 * One running CIAF: the queue application threads write to, and the pipeline thread that opens the home
 * (creating the ledger if there is none), starts the session and commits. Starting returns at once; events
 * captured while the home is being opened wait in the queue.
 */
final class CiafRuntime {

    private static final long SYNC_WAIT_SECONDS = 30;

    final CiafConfig config;
    // read on every captured call: resolved once, not looked up in the config's map each time
    private final boolean dropWhenFull;
    private final boolean syncByDefault;
    private final CaptureQueue queue;
    private final AtomicLong captured = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile CapturePipeline pipeline;
    private volatile AuditLedger ledger;
    private volatile MetadataStorage storage;
    private volatile Sessions session;
    private volatile boolean dead;
    private final java.util.List<Map.Entry<io.ciaf.api.Stage, io.ciaf.api.spi.MetadataValidator>> validators =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    final Listeners listeners = new Listeners();
    private final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);

    private CiafRuntime(CiafConfig config) {
        this.config = config;
        this.dropWhenFull = config.dropWhenFull();
        this.syncByDefault = config.syncByDefault();
        this.queue = new CaptureQueue(config.queueCapacity(), config.batchSize());
        this.thread = new Thread(this::run, "ciaf-pipeline");
        thread.setDaemon(true);
    }

    /**
     * A runtime that opens the home when the first record arrives, or earlier when the agent has loaded a class
     * with captured methods ({@link #ensureStarted}): an application that captures nothing pays nothing at start
     * or exit, and leaves no session behind.
     */
    static CiafRuntime start(CiafConfig config) {
        return new CiafRuntime(config);
    }

    private volatile boolean started;

    /** Starts the pipeline thread, which opens the home first, unless it runs already. */
    void ensureStarted() {
        if (!started) {
            synchronized (this) {
                if (!started) {
                    thread.start();
                    started = true;
                }
            }
        }
    }

    private void run() {
        PipelinePriority.lowerCurrentThread(config);
        try {
            open();
        } catch (Throwable t) {
            dead = true;
            Problems.report("start", "CIAF could not open its home " + config.home().toAbsolutePath()
                    + "; nothing is recorded in this JVM", t);
            opened.countDown();
            discardForever();
            return;
        }
        opened.countDown();
        pipeline.run();
    }

    private void open() throws Exception {
        if (Files.exists(config.home().resolve(AuditLedger.LEDGER_FILE))) {
            ledger = AuditLedger.open(config.home());
        } else {
            ledger = AuditLedger.create(config.home(), config.origin());
        }
        String storeNote = null;
        try {
            storage = MetadataStorage.open(config.storagePath(), config.storageBackend());
        } catch (io.ciaf.storage.MetadataStoreDamagedException e) {
            storeNote = replaceDamagedStore();
        }
        for (Map.Entry<io.ciaf.api.Stage, io.ciaf.api.spi.MetadataValidator> v : validators) {
            storage.registerValidator(v.getKey(), v.getValue());
        }
        for (CiafConfig.ValidatorRule rule : config.validators()) {
            registerValidator(rule.stage(), rule); // storage is open: registers there once
        }
        listeners.discover(Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : CiafRuntime.class.getClassLoader());
        java.util.Optional<io.ciaf.webhook.WebhookSettings> webhook = config.webhook();
        if (webhook.isPresent()) {
            try {
                // the listeners close it at shutdown
                listeners.add(io.ciaf.webhook.Webhooks.start(config.home(), webhook.get(), Problems::report));
            } catch (RuntimeException e) {
                Problems.report("webhooks", "webhooks are off in this JVM: their outbox cannot be opened", e);
            }
        }
        session = new Sessions(ledger);
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("java_version", System.getProperty("java.version"));
        about.put("storage_backend", config.storageBackend());
        about.put("capture_mode", config.syncByDefault() ? "sync" : "async");
        if (storeNote != null) {
            about.put("metadata_store", storeNote);
        }
        session.findEarlier();
        catchUpEarlierSessions(about);
        session.start(about);
        pipeline = new CapturePipeline(queue, ledger, storage, session, config, dropped, listeners);
    }

    /**
     * Puts earlier sessions' records the backend lacks back into it before SESSION_START, so that the entry says,
     * where an auditor sees it, what was put back into the view ({@code backend_restored}) and what is still to
     * come at a later start ({@code backend_restore_pending}).
     */
    private void catchUpEarlierSessions(Map<String, Object> about) {
        Map<String, Object> restored = new LinkedHashMap<>();
        java.util.List<String> pending = new java.util.ArrayList<>();
        for (Sessions.CatchUp c : java.util.List.copyOf(session.catchUps.keySet())) {
            int n = BackendCatchUp.restore(ledger, storage, c, listeners);
            session.caughtUp(c, n >= 0);
            if (n > 0) {
                restored.put(c.session(), n);
            } else if (n < 0) {
                pending.add(c.session());
            }
        }
        if (!restored.isEmpty()) {
            about.put("backend_restored", restored);
        }
        if (!pending.isEmpty()) {
            about.put("backend_restore_pending", pending);
        }
    }

    /** Threads of one JVM queue here: a file lock is held per JVM, not per thread. */
    private static final Object STORE_REPAIR = new Object();

    /**
     * The store is a view of the ledger: a damaged one must not stop the ledger from recording. Keeps it aside,
     * untouched, starts an empty one, and returns what to say where an auditor will see it (SESSION_START), or
     * null when another JVM replaced it meanwhile. JVMs starting together on one home take turns, under a lock
     * on a file beside the store, and each opens the store again first: otherwise the second would move aside
     * the new store the first had started and was writing to.
     */
    private String replaceDamagedStore() throws Exception {
        Path store = config.storagePath();
        Path lockFile = store.resolveSibling(store.getFileName() + ".repair.lock");
        synchronized (STORE_REPAIR) {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                    java.nio.channels.FileLock held = ch.lock()) {
                try {
                    storage = MetadataStorage.open(store, config.storageBackend());
                    return null; // replaced by another JVM while this one waited
                } catch (io.ciaf.storage.MetadataStoreDamagedException e) {
                    Path aside = MetadataStorage.moveAside(store, "damaged");
                    storage = MetadataStorage.open(store, config.storageBackend());
                    Problems.report("store-damaged", "CIAF's metadata store " + e.file() + " is damaged or not a"
                            + " database; it was moved to " + aside + ", untouched, and an empty store started. The"
                            + " ledger holds every record: stop this application and run ciaf rebuild --home "
                            + config.home() + " to put the earlier ones back");
                    return "damaged (" + e.getCause().getMessage() + "); moved to " + aside + " and a new store"
                            + " started; earlier records are in the ledger: ciaf rebuild puts them back";
                }
            }
        }
    }

    // A runtime that cannot record must still never block or fail its callers.
    private void discardForever() {
        java.util.List<MetadataCapture> batch = new java.util.ArrayList<>();
        while (true) {
            try {
                queue.clearWake(); // before the drain, which serves the wake-ups asked for so far
                queue.drainTo(batch, Integer.MAX_VALUE);
                batch.forEach(MetadataCapture::done);
                batch.clear();
                queue.awaitUntil(System.nanoTime() + config.flushIntervalMillis() * 1_000_000L);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * True, and counted as captured and dropped, when a record begun now would be dropped: the queue is full
     * and {@code capture.overload} is {@code drop}. Lets a captured method skip building a record nobody will
     * commit, so that under overload the application pays least, not most.
     */
    boolean dropsNow() {
        if (!dropWhenFull || !queue.isFull()) {
            return false; // (a full queue means earlier submits already started the pipeline)
        }
        captured.incrementAndGet();
        dropped.incrementAndGet();
        return true;
    }

    /** Hands an event over: never throws; blocks or drops when the queue is full, as configured. */
    void submit(MetadataCapture e) {
        ensureStarted();
        captured.incrementAndGet();
        try {
            if (dropWhenFull) {
                if (!queue.offer(e)) {
                    dropped.incrementAndGet();
                    return;
                }
            } else {
                while (!queue.offer(e, 100_000_000L)) {
                    if (!thread.isAlive()) {
                        dropped.incrementAndGet();
                        return;
                    }
                }
            }
            if (e.durable != null && !e.durable.await(SYNC_WAIT_SECONDS, TimeUnit.SECONDS)) {
                Problems.report("sync-timeout", "a sync capture waited " + SYNC_WAIT_SECONDS + " s for its commit and"
                        + " went on; the record is still queued");
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** Adds a stage validator; it runs on the pipeline thread for every later record of {@code stage}. */
    void registerValidator(io.ciaf.api.Stage stage, io.ciaf.api.spi.MetadataValidator validator) {
        io.ciaf.api.spi.MetadataValidator guarded = record -> {
            try {
                java.util.List<String> problems = validator.validate(record);
                return problems == null ? java.util.List.of() : problems;
            } catch (RuntimeException e) {
                Problems.report("validator:" + validator.getClass().getName(), "stage validator "
                        + validator.getClass().getName() + " threw; its checks are recorded as one error", e);
                return java.util.List.of("validator " + validator.getClass().getName() + " failed: " + e);
            }
        };
        validators.add(Map.entry(stage, guarded));
        MetadataStorage open = storage;
        if (open != null) {
            open.registerValidator(stage, guarded);
        }
    }

    boolean syncByDefault() {
        return syncByDefault;
    }

    /** Cuts long strings to {@code capture.max_string_length}, saying how long they were. */
    String cut(String s) {
        int max = config.maxStringLength();
        return s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + " chars)";
    }

    /** The metadata backend, opening the home first if nothing was captured yet (null if it cannot open). */
    MetadataStorage storage() {
        ensureStarted();
        try {
            opened.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return storage;
    }

    AuditLedger ledger() {
        return ledger;
    }

    /** Ledger transactions that have committed records so far (0 before the first). */
    long ledgerCommits() {
        CapturePipeline p = pipeline;
        return p == null ? 0 : p.commits.get();
    }

    /**
     * Waits until everything handed over so far is committed to the ledger (or failed) and, with
     * {@code backendToo}, saved to the metadata backend; false on timeout.
     */
    boolean flush(long timeoutMillis, boolean backendToo) {
        if (!started) {
            return true;
        }
        long target = captured.get() - dropped.get();
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            // at every look, not once: what is left after a full batch is otherwise drained at the next tick
            queue.wake();
            CapturePipeline p = pipeline;
            if (backendToo && p != null) {
                p.hurryBackend();
            }
            if (dead || (p != null && p.committed.get() + p.failed.get() >= target
                    && (!backendToo || p.saved.get() >= p.committed.get()))) {
                return !dead;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Flushes, ends the session (SESSION_END with counts), seals a checkpoint and closes the home. */
    void shutdown() {
        if (!started) {
            return;
        }
        try {
            opened.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CapturePipeline p = pipeline;
        if (p == null || dead) {
            return;
        }
        flush(10_000, true);
        p.stop();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.stopBackend();
        try {
            p.finish();
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("captured", captured.get());
            counts.put("committed", p.committed.get());
            counts.put("dropped", dropped.get());
            counts.put("failed", p.failed.get());
            counts.put("backend_unsaved", p.backendUnsaved.get());
            if (config.inferenceReceiptsOn()) {
                counts.put("receipts_missing", p.receiptsMissing.get());
            }
            session.end(counts);
            p.seal();
        } catch (RuntimeException e) {
            Problems.report("shutdown", "CIAF could not end its session cleanly", e);
        } finally {
            listeners.close();
            storage.close();
            ledger.close();
        }
    }
}
