package io.ciaf.runtime;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import io.ciaf.api.Stage;
import io.ciaf.api.internal.JsonValues;
import io.ciaf.api.internal.TimeOrderedIds;

/**
 * One call or block being recorded (the seed's context manager). Values added with {@link #put} become the
 * record's metadata; {@link #close()} hands the record to the pipeline (and, for a sync capture, waits until
 * it is durable). Never throws: a value CIAF cannot record is noted in the record instead. Use from the
 * thread that opened it.
 *
 * <pre>{@code
 * try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "batch_prediction")) {
 *     c.put("batch_size", 1000);
 *     ...
 *     c.put("predictions_made", 1000);
 * }
 * }</pre>
 */
public final class MetadataCapture implements AutoCloseable {

    /**
     * What CIAF keeps per application thread, in one thread-local: a captured call looks it up once, where two
     * thread-locals (the innermost capture, and whether a hook runs) took nine lookups a call.
     */
    static final class OnThread {
        /** The innermost open capture, or null. */
        MetadataCapture current;
        /** Set while a hook runs on this thread, so that code the hook touches is never captured in turn. */
        boolean hookRunning;
    }

    private static final ThreadLocal<OnThread> ON_THREAD = ThreadLocal.withInitial(OnThread::new);

    /** This thread's state (made on first use). */
    static OnThread onThread() {
        return ON_THREAD.get();
    }

    static final MetadataCapture NOOP = new MetadataCapture(null, "none", null, Stage.MONITORING, "none", false);

    // Read by the pipeline thread once the capture is closed and queued (the queue orders the hand-over).
    private final CiafRuntime runtime;
    /** The state of the thread that opened the capture (null when CIAF is disabled). */
    final OnThread owner;
    /** Made on first use: most captures never need theirs on the application thread. */
    UUID id;
    final UUID parentId;
    /**
     * When the capture opened, on the monotonic clock; the pipeline turns it into the record's wall-clock time
     * ({@link #start(Instant, long)}), so the application thread reads one clock, not two.
     */
    private final long startNanos;
    final String model;
    final String version;
    final Stage stage;
    final String event;
    /** Values added with {@link #put}, made on the first one: most captured calls add none. */
    private Map<String, Object> values;
    /**
     * Set by {@link CaptureHooks} for a captured method: which it is, and its argument summaries (null when
     * arguments are not recorded). The record's metadata map is assembled from these on the pipeline thread
     * ({@link #putRecordMetadata}), so the application thread builds no maps.
     */
    CaptureHooks.Site site;
    Object[] argumentSummaries;
    private Object result;
    private boolean hasResult;
    private String exceptionClass;
    private String exceptionMessage;
    private String thread;
    private long durationNanos;
    /** Opened by the pipeline once the record is durable; only for a sync capture. */
    final CountDownLatch durable;
    private MetadataCapture previous;
    String details;
    String actor;
    private boolean closed;
    /**
     * Set by {@link CaptureHooks} for an INFERENCE-stage call when receipts are on: the arguments (redacted ones
     * as a marker) and the result, as JSON values snapshotted on the calling thread; the pipeline commits to
     * them in an inference receipt.
     */
    Map<String, Object> receiptInput;
    /** Set by {@link CaptureHooks} for a TRAINING-stage call when model anchors are on (see CapturePipeline). */
    Map<String, Object> anchorHyperparameters;
    double[][] anchorParameters;
    java.nio.file.Path anchorFile;
    Object receiptOutput;
    boolean receiptReady;

    MetadataCapture(CiafRuntime runtime, String model, String version, Stage stage, String event, boolean sync) {
        this(runtime, runtime == null ? null : onThread(), model, version, stage, event, sync);
    }

    /** A capture opened on the thread whose state is {@code owner} (the calling thread's). */
    MetadataCapture(CiafRuntime runtime, OnThread owner, String model, String version, Stage stage, String event,
            boolean sync) {
        this.runtime = runtime;
        this.owner = owner;
        this.model = model;
        this.version = version;
        this.stage = stage;
        this.event = event;
        this.durable = sync && runtime != null ? new CountDownLatch(1) : null;
        if (runtime == null) {
            this.parentId = null;
            this.startNanos = 0;
            this.previous = null;
            return;
        }
        this.startNanos = System.nanoTime();
        this.previous = owner.current;
        this.parentId = previous == null || previous.runtime == null ? null : previous.id();
        owner.current = this;
    }

    /**
     * The wall-clock time the capture opened, from a reading of both clocks taken later ({@code now} on the
     * wall clock, {@code nowNanos} on the monotonic one): records of one batch keep their order even if the
     * wall clock is set back meanwhile.
     */
    Instant start(Instant now, long nowNanos) {
        return now.minusNanos(nowNanos - startNanos);
    }

    /** The capture innermost on this thread, or a no-op one: lets code inside a captured method add values. */
    static MetadataCapture current() {
        MetadataCapture c = onThread().current;
        return c == null ? NOOP : c;
    }

    /**
     * Adds a value to the record (JSON-compatible: strings, numbers, booleans, null, lists, maps, arrays).
     * A value that is not is recorded as a note naming its type; nothing is thrown.
     */
    public MetadataCapture put(String key, Object value) {
        if (runtime == null || closed || key == null) {
            return this;
        }
        if (values == null) {
            values = new LinkedHashMap<>();
        }
        try {
            values.put(key, JsonValues.normalize(value, JsonValues.child("metadata", key)));
        } catch (Throwable t) {
            values.put(key, "[not recorded: " + (value == null ? "null" : value.getClass().getName()) + "]");
            Problems.report("put:" + key, "a value of metadata." + key + " could not be recorded: " + t.getMessage());
        }
        return this;
    }

    /** Adds all entries; see {@link #put}. */
    public MetadataCapture putAll(Map<String, ?> values) {
        if (values != null) {
            values.forEach(this::put);
        }
        return this;
    }

    /** A human-readable description stored with the record. */
    public MetadataCapture details(String text) {
        this.details = text;
        return this;
    }

    /**
     * Who caused the event: a user id, service account or host. Stored with the record; audit trails under 21
     * CFR 11 and HIPAA need it.
     */
    public MetadataCapture actor(String who) {
        this.actor = who;
        return this;
    }

    /** The record's id (null when CIAF is disabled). */
    public UUID id() {
        if (id == null && runtime != null) {
            id = TimeOrderedIds.next();
        }
        return id;
    }

    /** Records the exception a captured call ended with (class and message only). */
    void outcome(Throwable thrown) {
        if (thrown != null && runtime != null) {
            exceptionClass = thrown.getClass().getName();
            String message = safeMessage(thrown);
            exceptionMessage = message == null ? null : runtime.cut(message);
        }
    }

    /** Records the summary of what a captured method returned. */
    void result(Object summary) {
        result = summary;
        hasResult = true;
    }

    private static String safeMessage(Throwable t) {
        try {
            return t.getMessage();
        } catch (Throwable ignored) {
            return null;
        }
    }

    CiafRuntime runtime() {
        return runtime;
    }

    /**
     * Puts the record's metadata into {@code b}, on the pipeline thread once the capture is closed: the method
     * and its arguments, then the values added with {@link #put} (which may replace them), then the result,
     * outcome, thread and duration (which replace added values of the same names). Straight into the builder,
     * without a map in between: one less map per record.
     */
    void putRecordMetadata(io.ciaf.api.MetadataRecord.Builder b) {
        if (site != null) {
            b.put("class", site.className());
            b.put("method", site.methodName());
            if (argumentSummaries != null) {
                Map<String, Object> arguments = new LinkedHashMap<>();
                for (int i = 0; i < argumentSummaries.length; i++) {
                    arguments.put(site.name(i), argumentSummaries[i]);
                }
                b.put("arguments", arguments);
            }
        }
        if (values != null) {
            b.putAll(values);
        }
        if (hasResult) {
            b.put("result", result);
        }
        if (exceptionClass != null) {
            b.put("outcome", "exception");
            b.put("exception", exceptionClass);
            if (exceptionMessage != null) {
                b.put("exception_message", exceptionMessage);
            }
        } else if (values == null || !values.containsKey("outcome")) {
            b.put("outcome", "ok");
        }
        b.put("thread", thread);
        b.put("duration_ns", durationNanos);
    }

    /** Ends the capture and hands the record to the pipeline; a sync capture waits until it is durable. */
    @Override
    public void close() {
        if (runtime == null || closed) {
            return;
        }
        closed = true;
        durationNanos = System.nanoTime() - startNanos;
        if (owner.current == this) {
            owner.current = previous;
        }
        previous = null; // a queued record does not keep its enclosing captures alive
        thread = Thread.currentThread().getName();
        // An id nobody asked for is made on the pipeline thread.
        runtime.submit(this);
    }

    /** Tells a waiting sync caller that the record is durable (or that CIAF gave up on it). */
    void done() {
        if (durable != null) {
            durable.countDown();
        }
    }
}
