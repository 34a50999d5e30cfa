package io.ciaf.api.internal;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Internal, not for public use. RFC 9562 version 7 UUIDs: 48-bit Unix milliseconds, then a 12-bit counter
 * (RFC 9562 section 6.2, method 1) so ids made in one JVM sort in the order they were made, then 62 random
 * bits so ids made in different JVMs do not collide.
 */
public final class TimeOrderedIds {

    // (unix millis << 12) | counter of the last id handed out
    private static final AtomicLong LAST = new AtomicLong();

    private TimeOrderedIds() {
    }

    /** A new version 7 UUID, greater than every id this JVM made before. */
    public static UUID next() {
        long now = System.currentTimeMillis() << 12;
        long stamp;
        while (true) {
            long last = LAST.get();
            // a full counter borrows from the next millisecond rather than repeat or go backwards
            stamp = Math.max(now, last + 1);
            if (LAST.compareAndSet(last, stamp)) {
                break;
            }
        }
        long millis = stamp >>> 12;
        long counter = stamp & 0xFFF;
        long msb = (millis << 16) | 0x7000L | counter;
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** The creation time embedded in a version 7 UUID, or empty for other versions. */
    public static java.util.Optional<Instant> timeOf(UUID id) {
        if (id.version() != 7) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16));
    }
}
