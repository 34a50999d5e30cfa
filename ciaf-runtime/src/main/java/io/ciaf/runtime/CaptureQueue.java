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

    /**
     * Parks the consumer (the calling thread) until woken or {@code nanos} pass, unless something is already
     * waiting to be drained. A wake-up that came before the park is not lost (the thread's permit keeps it).
     */
    void await(long nanos) throws InterruptedException {
        consumer = Thread.currentThread();
        if (items.isEmpty()) {
            LockSupport.parkNanos(this, nanos);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    /** Makes the consumer drain now rather than at its next tick. */
    void wake() {
        Thread t = consumer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
