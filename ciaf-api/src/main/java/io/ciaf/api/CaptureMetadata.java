package io.ciaf.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method (or, on a class, each of its public methods) whose calls CIAF records as pipeline
 * metadata once the CIAF agent or aspect is attached. Without the agent the annotation does nothing: it
 * never changes what the method returns or throws.
 *
 * <pre>{@code
 * @CaptureMetadata(model = "credit_scoring", version = "2.1.0", stage = Stage.TRAINING, event = "model_trained")
 * public Model train(Dataset data) { ... }
 * }</pre>
 *
 * <p>Arguments and results are recorded as summaries (numbers, booleans, short strings, sizes of arrays and
 * collections, type names), never as whole objects. Parameters listed in {@link #redact()}, and
 * parameters named like {@code password}, {@code token}, {@code secret} or {@code key}, are never stored.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface CaptureMetadata {

    /** The model name recorded; empty means the declaring class's simple name. */
    String model() default "";

    /** The model version recorded; empty means the configured default version, if any. */
    String version() default "";

    /** The pipeline stage of each call. */
    Stage stage();

    /** The event type recorded; empty means the method's name. */
    String event() default "";

    /** A human-readable description stored with each record. */
    String details() default "";

    /** Whether argument summaries are recorded. */
    boolean captureArguments() default true;

    /** Whether a summary of the return value is recorded. */
    boolean captureResult() default true;

    /** Names of parameters whose values are never stored (only that they were redacted). */
    String[] redact() default {};

    /** Whether the call waits until its record is durable; {@code DEFAULT} follows {@code capture.mode}. */
    CaptureMode mode() default CaptureMode.DEFAULT;
}
