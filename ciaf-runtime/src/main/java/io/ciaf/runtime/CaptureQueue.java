package io.ciaf.runtime;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded hand-over from application threads to the one pipeline thread. Unlike a
 * {@link java.util.concurrent.BlockingQueue}, offering takes no lock and, for an async record, usually makes
 * no system call: the consumer is not woken per record but wakes on its own every tick (well inside the
 * flush interval), and is woken early only when a sync caller waits or a full batch is ready. Waking a parked
 * thread costs the caller microseconds; on a loaded two-core machine that was most of what a capture cost.
 */
final class CaptureQueue {

    private final ConcurrentLinkedQueue<MetadataCapture> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final int wakeAt;
    private volatile Thread consumer;
    private volatile boolean wakeRequested;

    CaptureQueue(int capacity, int wakeAt) {
        this.capacity = capacity;
        this.wakeAt = Math.max(1, Math.min(wakeAt, capacity));
    }

    /** Adds {@code e} unless the queue is full; wakes the consumer when {@code e} is sync or a batch is ready. */
    boolean offer(MetadataCapture e) {
        int n = size.incrementAndGet();
        if (n > capacity) {
            // No wake-up here: a full queue means the consumer is at work, and a dropping caller must stay cheap.
            size.decrementAndGet();
            return false;
        }
        items.offer(e);
        if (e.durable != null || n == wakeAt) {
            wake();
        }
        return true;
    }

    /** Adds {@code e}, waiting while the queue is full; false after {@code timeoutNanos} without room. */
    boolean offer(MetadataCapture e, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!offer(e)) {
            wake();
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.interrupted()) {
                return false;
            }
            LockSupport.parkNanos(this, Math.min(left, 200_000L));
        }
        return true;
    }

    /** Moves up to {@code max} items into {@code into}, oldest first; returns how many. Consumer only. */
    int drainTo(List<MetadataCapture> into, int max) {
        int n = 0;
        MetadataCapture e;
        while (n < max && (e = items.poll()) != null) {
            into.add(e);
            n++;
        }
        if (n > 0) {
            size.addAndGet(-n);
        }
        return n;
    }

    /** Whether an offer now would find no room. */
    boolean isFull() {
        return size.get() >= capacity;
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    int size() {
        return size.get();
    }

    /** Whether a full batch is waiting, so that the consumer should not wait for its tick. */
    boolean batchReady() {
        return size.get() >= wakeAt;
    }

    /**
     * Forgets wake-ups asked for so far: the consumer calls this just before it drains, which serves them.
     * One asked for after this call ends the next {@link #awaitUntil}.
     */
    void clearWake() {
        wakeRequested = false;
    }

    /**
     * Parks the consumer (the calling thread) until {@code deadline} ({@link System#nanoTime}) or a wake-up,
     * whichever comes first, even when items are waiting: async items are drained at the consumer's pace.
     */
    void awaitUntil(long deadline) throws InterruptedException {
        consumer = Thread.currentThread();
        long left;
        while (!wakeRequested && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** Makes the consumer drain now rather than at its next tick. */
    void wake() {
        wakeRequested = true;
        Thread t = consumer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
