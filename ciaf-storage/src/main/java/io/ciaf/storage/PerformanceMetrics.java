package io.ciaf.storage;

import java.time.Duration;

/**
 * A snapshot of a storage's size and write speed since it was opened.
 *
 * @param backend the backend's name
 * @param records records stored (all time)
 * @param writeCalls save calls since open
 * @param recordsWritten records written since open
 * @param averageWriteLatency mean duration of a save call since open (zero before the first)
 * @param bytesOnDisk bytes the backend's files take
 */
public record PerformanceMetrics(String backend, long records, long writeCalls, long recordsWritten,
        Duration averageWriteLatency, long bytesOnDisk) {

    /** Mean time per record written since open. */
    public Duration averageWriteLatencyPerRecord() {
        return recordsWritten == 0 ? Duration.ZERO
                : Duration.ofNanos(averageWriteLatency.toNanos() * writeCalls / recordsWritten);
    }

    /** {@link #bytesOnDisk} in MiB. */
    public double totalSizeMib() {
        return bytesOnDisk / (1024.0 * 1024.0);
    }
}
