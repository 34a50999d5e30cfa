package io.ciaf.api.internal;

/**
 * Keeps a CIAF background thread from holding a CPU for long stretches without entering the kernel. On
 * virtual machines where a reschedule interrupt reaches a busy vCPU late, an application thread woken onto the
 * CPU where CIAF computes waits until CIAF's thread makes a system call or the next timer tick comes (up to
 * 4 ms at 250 Hz), whatever the two threads' priorities (docs/PERFORMANCE.md, "Slices"). Loops over records
 * call {@link #pause()} between items: once a slice has passed on this thread it yields the CPU, one
 * {@code sched_yield} that returns at once when nothing else is waiting.
 */
public final class CpuSlices {

    /**
     * Longest stretch of work between two yields: a woken application thread waits up to this long behind
     * CIAF. 20 µs rather than 100: under the macro load the service's p95 came within a few percent of no
     * agent, against 8-20 % over at 100 µs, with no more CIAF CPU per request (docs/PERFORMANCE.md, tenth session).
     */
    static final long SLICE_NANOS = 20_000;

    private static final ThreadLocal<long[]> LAST_YIELD = ThreadLocal.withInitial(() -> new long[1]);

    private CpuSlices() {
    }

    /** Yields the CPU if this thread has worked a slice since it last did. */
    public static void pause() {
        pause(LAST_YIELD.get(), System.nanoTime(), Thread::yield);
    }

    /** {@link #pause()} with the thread's last yield time, the clock and the yield given; true if it yielded. */
    static boolean pause(long[] lastYield, long now, Runnable yield) {
        if (now - lastYield[0] < SLICE_NANOS) {
            return false;
        }
        yield.run();
        lastYield[0] = now;
        return true;
    }
}
