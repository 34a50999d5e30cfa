package io.ciaf.compliance;

/** What a compliance check concluded. */
public enum CheckStatus {
    PASS,
    FAIL,
    /** Partly met: scores half. */
    PARTIAL,
    /** The check does not apply to this model (not scored). */
    NOT_APPLICABLE,
    /** The recorded evidence cannot decide it (scores 0). */
    INSUFFICIENT_EVIDENCE,
    /** The check itself failed to run (scores 0; the reason names the error). */
    ERROR
}
