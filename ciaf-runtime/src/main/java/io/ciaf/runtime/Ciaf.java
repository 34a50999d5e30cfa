package io.ciaf.runtime;

import java.time.Duration;
import java.util.List;

import io.ciaf.api.CaptureMode;
import io.ciaf.api.Stage;

/**
 * The entry point of the capture API. CIAF starts on first use with {@link CiafConfig#load()} (or at JVM
 * start with the agent), records into the home's audit ledger and metadata backend, and ends its session
 * cleanly at JVM exit. Nothing here throws into the application: if CIAF cannot run, it says why once on
 * stderr and every capture becomes a no-op. Thread-safe.
 */
public final class Ciaf {

    private static volatile CiafRuntime runtime;
    private static volatile boolean disabled;

    private Ciaf() {
    }

    /** Starts CIAF with the configuration of this JVM, unless it runs already. */
    public static void start() {
        start(CiafConfig.load());
    }

    /**
     * Starts CIAF with {@code config}, unless it runs already. An invalid configuration disables CIAF and
     * every problem is printed at once.
     *
     * @return whether CIAF is running
     */
    public static synchronized boolean start(CiafConfig config) {
        if (runtime != null || disabled) {
            return runtime != null;
        }
        List<String> errors = config.validate();
        if (!errors.isEmpty()) {
            disabled = true;
            Problems.report("config", "CIAF is disabled: its configuration has " + errors.size() + " problem(s):\n  "
                    + String.join("\n  ", errors));
            return false;
        }
        runtime = CiafRuntime.start(config);
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(Ciaf::shutdown, "ciaf-shutdown"));
        } catch (IllegalStateException alreadyShuttingDown) {
            // the JVM is exiting; the session will be recovered at the next start
        }
        return true;
    }

    static CiafRuntime runtime() {
        CiafRuntime r = runtime;
        if (r == null && !disabled) {
            try {
                start();
            } catch (Throwable t) {
                disabled = true;
                Problems.report("start", "CIAF could not start", t);
            }
            r = runtime;
        }
        return r;
    }

    /** Records a block of work: {@code try (var c = Ciaf.capture(...)) { c.put(...); }}. */
    public static MetadataCapture capture(String model, Stage stage, String event) {
        return capture(model, null, stage, event, CaptureMode.DEFAULT);
    }

    /** As {@link #capture(String, Stage, String)} with a model version and a capture mode. */
    public static MetadataCapture capture(String model, String version, Stage stage, String event, CaptureMode mode) {
        try {
            CiafRuntime r = runtime();
            if (r == null || model == null || stage == null || event == null) {
                return MetadataCapture.NOOP;
            }
            boolean sync = mode == CaptureMode.SYNC || (mode != CaptureMode.ASYNC && r.syncByDefault());
            return new MetadataCapture(r, model, version, stage, event, sync);
        } catch (Throwable t) {
            Problems.report("capture", "CIAF could not open a capture", t);
            return MetadataCapture.NOOP;
        }
    }

    /**
     * Registers a validator for the records of {@code stage} (e.g. a minimum accuracy for VALIDATION). Its
     * problems are stored with the record, in the ledger and the backend; a validator that throws is
     * reported once and recorded as one error of that record. Ignored when CIAF is not running.
     */
    public static void registerValidator(Stage stage, io.ciaf.api.spi.MetadataValidator validator) {
        CiafRuntime r = runtime();
        if (r != null && stage != null && validator != null) {
            r.registerValidator(stage, validator);
        }
    }

    /**
     * Adds a listener that hears every later event (records saved, validation failures, checkpoints, drops),
     * off the application's threads. Ignored when CIAF is not running.
     */
    public static void addListener(io.ciaf.api.spi.RecordListener listener) {
        CiafRuntime r = runtime();
        if (r != null && listener != null) {
            r.listeners.add(listener);
        }
    }

    /** The seed's ModelMetadataManager for one model and version. */
    public static ModelMetadataManager model(String name, String version) {
        return new ModelMetadataManager(name, version);
    }

    /**
     * The capture innermost on this thread (opened by {@link #capture} or by an instrumented method), so code
     * inside it can add values: {@code Ciaf.current().put("accuracy", 0.94)}. A no-op capture when there is
     * none.
     */
    public static MetadataCapture current() {
        return MetadataCapture.current();
    }

    /**
     * Appends a dataset anchor to this JVM's ledger, after every record captured so far, so the ledger keeps the
     * program's order. Build it with its tree file at {@code Recovery.treeFile(Ciaf.home(), id, split)}, where
     * {@code ciaf recover} looks for it.
     *
     * @return the anchor's ledger position, or -1 when CIAF is not running or the append failed (said once on
     *     stderr, never thrown)
     */
    public static long anchor(io.ciaf.anchor.DatasetAnchor dataset) {
        return append("dataset anchor", dataset == null ? null : dataset::appendTo);
    }

    /** As {@link #anchor(io.ciaf.anchor.DatasetAnchor)}, for a model anchor; later receipts of the model name it. */
    public static long anchor(io.ciaf.anchor.ModelAnchor model) {
        return append("model anchor", model == null ? null : model::appendTo);
    }

    private static long append(String what, java.util.function.Function<io.ciaf.ledger.AuditLedger,
            io.ciaf.ledger.AppendReceipt> appendTo) {
        try {
            CiafRuntime r = runtime();
            if (r == null || appendTo == null || r.storage() == null || r.ledger() == null) {
                return -1;
            }
            r.flush(30_000, false);
            return appendTo.apply(r.ledger()).position();
        } catch (Throwable t) {
            Problems.report("anchor", "CIAF could not append a " + what, t);
            return -1;
        }
    }

    /** The home this JVM records into (null when CIAF is not running). */
    public static java.nio.file.Path home() {
        CiafRuntime r = runtime();
        return r == null ? null : r.config.home();
    }

    /**
     * Waits until every record captured so far is durable in the ledger and saved to the metadata backend;
     * false on timeout or when CIAF is not running.
     */
    public static boolean flush(Duration timeout) {
        CiafRuntime r = runtime;
        return r != null && r.flush(timeout.toMillis(), true);
    }

    /** Flushes, ends the session and closes the home; the shutdown hook calls this at JVM exit. */
    public static synchronized void shutdown() {
        CiafRuntime r = runtime;
        runtime = null;
        if (r != null) {
            r.shutdown();
        }
    }

    /** Lets tests start again in the same JVM. */
    static synchronized void resetForTests() {
        shutdown();
        disabled = false;
        Problems.resetForTests();
    }
}
