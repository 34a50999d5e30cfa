package io.ciaf.api;

/** Whether a captured call waits for its record to be durable. */
public enum CaptureMode {
    /** As configured ({@code capture.mode}, default async). */
    DEFAULT,
    /** The call returns at once; its record is durable within the flush interval. */
    ASYNC,
    /** The call returns after its record is committed to the ledger and the metadata backend. */
    SYNC
}
