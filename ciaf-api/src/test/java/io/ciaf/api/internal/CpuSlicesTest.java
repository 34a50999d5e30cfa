package io.ciaf.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class CpuSlicesTest {

    @Test
    void yieldsOncePerSliceOfWorkAndNotInBetween() {
        long[] last = {5_000_000};
        AtomicInteger yields = new AtomicInteger();
        // 2 ms of work in steps of 1 µs after the last yield: one yield a slice, each at a slice's end
        for (long t = 5_001_000; t <= 7_000_000; t += 1_000) {
            long before = last[0];
            boolean yielded = CpuSlices.pause(last, t, yields::incrementAndGet);
            assertThat(yielded).isEqualTo(t - before >= CpuSlices.SLICE_NANOS);
        }
        assertThat(yields).hasValue((int) (2_000_000 / CpuSlices.SLICE_NANOS));
        assertThat(last[0]).isEqualTo(7_000_000);
    }

    @Test
    void aThreadThatWaitedLongerThanASliceYieldsAtItsFirstPauseOnly() {
        long[] last = {0};
        AtomicInteger yields = new AtomicInteger();
        assertThat(CpuSlices.pause(last, 9_000_000_000L, yields::incrementAndGet)).isTrue();
        assertThat(CpuSlices.pause(last, 9_000_000_000L + CpuSlices.SLICE_NANOS - 1, yields::incrementAndGet)).isFalse();
        assertThat(yields).hasValue(1);
    }

    @Test
    void pauseOnARealThreadReturns() throws Exception {
        // the real clock and Thread.yield: many calls in a tight loop, from two threads at once, never block
        Thread other = new Thread(() -> {
            for (int i = 0; i < 200_000; i++) {
                CpuSlices.pause();
            }
        });
        other.start();
        for (int i = 0; i < 200_000; i++) {
            CpuSlices.pause();
        }
        other.join(10_000);
        assertThat(other.isAlive()).isFalse();
    }
}
