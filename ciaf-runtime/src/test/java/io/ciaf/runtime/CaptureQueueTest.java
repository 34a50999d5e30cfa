package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.ciaf.api.Stage;

class CaptureQueueTest {

    private static MetadataCapture async(String event) {
        return new MetadataCapture(null, "m", null, Stage.INFERENCE, event, false);
    }

    @Test
    void keepsOrderAndRefusesBeyondCapacity() {
        CaptureQueue q = new CaptureQueue(3, 2);
        assertThat(q.offer(async("a"))).isTrue();
        assertThat(q.offer(async("b"))).isTrue();
        assertThat(q.offer(async("c"))).isTrue();
        assertThat(q.offer(async("d"))).isFalse();
        assertThat(q.size()).isEqualTo(3);

        List<MetadataCapture> out = new ArrayList<>();
        assertThat(q.drainTo(out, 2)).isEqualTo(2);
        assertThat(out).extracting(c -> c.event).containsExactly("a", "b");
        assertThat(q.offer(async("e"))).isTrue();
        assertThat(q.drainTo(out, 10)).isEqualTo(2);
        assertThat(out).extracting(c -> c.event).containsExactly("a", "b", "c", "e");
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.size()).isZero();
    }

    @Test
    void aBlockingOfferWaitsForRoomAndGivesUpAfterItsTimeout() throws Exception {
        CaptureQueue q = new CaptureQueue(1, 1);
        assertThat(q.offer(async("a"))).isTrue();
        long t0 = System.nanoTime();
        assertThat(q.offer(async("b"), TimeUnit.MILLISECONDS.toNanos(50))).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));

        Thread drainer = new Thread(() -> {
            sleep(30);
            q.drainTo(new ArrayList<>(), 1);
        });
        drainer.start();
        assertThat(q.offer(async("c"), TimeUnit.SECONDS.toNanos(30))).isTrue();
        drainer.join();
        assertThat(q.size()).isEqualTo(1);
    }

    /** The consumer's tick here is a minute: only a wake-up can make it drain within the test's time. */
    @Test
    void aFullBatchWakesTheConsumerButSingleAsyncRecordsDoNot() throws Exception {
        CaptureQueue q = new CaptureQueue(100, 5);
        AtomicLong wokenAt = new AtomicLong();
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch woken = new CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            try {
                parked.countDown();
                q.awaitUntil(System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
                wokenAt.set(q.size());
                woken.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        consumer.start();
        parked.await();
        waitUntilParked(consumer);
        for (int i = 0; i < 4; i++) {
            q.offer(async("x" + i));
        }
        assertThat(woken.await(300, TimeUnit.MILLISECONDS)).as("woken before a batch was ready").isFalse();
        q.offer(async("x4"));
        assertThat(woken.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(wokenAt.get()).isEqualTo(5);
        consumer.join();
    }

    @Test
    void aSyncRecordWakesTheConsumerAtOnce() throws Exception {
        CiafConfig config = CiafConfig.loadWithHome(java.util.Map.of(), new java.util.Properties(),
                java.nio.file.Files.createTempDirectory("ciaf-queue"));
        CiafRuntime runtime = CiafRuntime.start(config);
        CaptureQueue q = new CaptureQueue(100, 50);
        CountDownLatch woken = new CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            try {
                q.awaitUntil(System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
                woken.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        consumer.start();
        waitUntilParked(consumer);
        // Made on a thread of its own: a capture becomes its thread's current one until closed.
        MetadataCapture[] sync = new MetadataCapture[1];
        Thread maker = new Thread(() -> sync[0] = new MetadataCapture(runtime, "m", null, Stage.INFERENCE, "s", true));
        maker.start();
        maker.join();
        assertThat(sync[0].durable).isNotNull();
        q.offer(sync[0]);
        assertThat(woken.await(30, TimeUnit.SECONDS)).isTrue();
        consumer.join();
    }

    @Test
    void aWakeUpBeforeTheParkIsNotLost() throws Exception {
        CaptureQueue q = new CaptureQueue(10, 10);
        Thread self = Thread.currentThread();
        q.awaitUntil(System.nanoTime() + 1); // registers this thread as the consumer
        assertThat(Thread.currentThread()).isSameAs(self);
        q.wake();
        long t0 = System.nanoTime();
        q.awaitUntil(System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(30));
    }

    /** Queued async records do not end the wait: the consumer drains them at its tick, in one batch. */
    @Test
    void queuedAsyncRecordsDoNotCutTheConsumersWaitShort() throws Exception {
        CaptureQueue q = new CaptureQueue(100, 50);
        q.awaitUntil(System.nanoTime() + 1); // registers this thread as the consumer
        q.offer(async("waiting"));
        long t0 = System.nanoTime();
        q.awaitUntil(t0 + TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        // a wake-up asked for before clearWake is served by the drain that follows it, and ends no later wait
        q.wake();
        q.clearWake();
        t0 = System.nanoTime();
        q.awaitUntil(t0 + TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    private static void waitUntilParked(Thread t) throws InterruptedException {
        while (t.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
