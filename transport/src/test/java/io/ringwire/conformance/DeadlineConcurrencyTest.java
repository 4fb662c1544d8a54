package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.EventLoop;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.FakeClock;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Timeout;

/**
 * The lock-free side of deadlines: setters on other threads publish a value and queue one apply
 * task, and an expiring timer re-reads the value before it fires. On a {@link FakeClock}, so
 * that a deadline that passes can only pass because the test moved the clock past it.
 */
@Timeout(120)
class DeadlineConcurrencyTest {

    /**
     * The race the re-read exists for: the timer comes due while a later deadline is published
     * but its apply task has not run. The loop is held in a task, and the apply queued behind
     * more tasks than one turn runs, so the timer's expiry comes first, deterministically.
     */
    @ConformanceTest
    void aTimerThatComesDueBeforeItsMoveIsAppliedDoesNotFire(TransportUnderTest transport) throws Exception {
        FakeClock clock = new FakeClock();
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1, clock);
             Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
             Socket client = Peers.connect(server.localAddress())) {
            RecordingHandler h = recorded.next();
            Connection c = h.connection();
            EventLoop loop = c.eventLoop();
            for (Duration later : List.of(Duration.ofSeconds(60), Duration.ZERO)) {
                c.setReadDeadline(Duration.ofSeconds(1));
                FakeClock.settle(loop); // armed for 1 s
                CountDownLatch release = new CountDownLatch(1);
                loop.execute(() -> awaitQuietly(release));
                for (int i = 0; i < 3000; i++) {
                    loop.execute(() -> { }); // more than one turn's task budget
                }
                clock.jump(Duration.ofSeconds(2)); // the armed deadline has passed...
                c.setReadDeadline(later); // ...but a later one (or none) is published before the loop looks
                release.countDown();
                FakeClock.settle(loop);
                assertTrue(h.timeouts.isEmpty(), "moved to " + later + " before it fired: " + h.timeouts);
            }
            c.setReadDeadline(Duration.ofSeconds(5));
            clock.advance(Duration.ofSeconds(5), loop);
            assertEquals(1, h.timeouts.size(), "a plain deadline still fires");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Several threads set and clear one connection's read deadline as fast as they can while the
     * clock moves a second at a time. Each sets a deadline at least 10 s away, and the clock moves
     * on only once every thread has set or cleared again since it last moved, so every deadline
     * that could be the newest lies in the future: any timeout would be early. Then the last
     * word goes to the test thread, and exactly one timeout follows, at that deadline.
     */
    @ConformanceTest
    void concurrentSettersNeverFireEarlyAndTheLastSetWins(TransportUnderTest transport) throws Exception {
        int writers = 4;
        FakeClock clock = new FakeClock();
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1, clock);
             Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
             Socket client = Peers.connect(server.localAddress());
             ExecutorService threads = Executors.newFixedThreadPool(writers)) {
            RecordingHandler h = recorded.next();
            Connection c = h.connection();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLongArray calls = new AtomicLongArray(writers);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                running.add(threads.submit(() -> {
                    SplittableRandom random = new SplittableRandom(id);
                    while (!stop.get()) {
                        int r = random.nextInt(12);
                        c.setReadDeadline(r < 2 ? Duration.ZERO : Duration.ofMillis(10_000 + 500L * r));
                        calls.incrementAndGet(id);
                    }
                }));
            }
            for (int step = 0; step < 100; step++) {
                long[] before = new long[writers];
                for (int w = 0; w < writers; w++) {
                    before[w] = calls.get(w);
                }
                clock.advance(Duration.ofSeconds(1), c.eventLoop());
                for (int w = 0; w < writers; w++) {
                    int id = w;
                    // Two calls: the first may have read the clock before it moved.
                    Await.until("writer " + id + " to call again", () -> calls.get(id) >= before[id] + 2);
                }
            }
            stop.set(true);
            for (Future<?> f : running) {
                Await.get(f, "a writer to stop");
            }
            assertTrue(h.timeouts.isEmpty(), "a deadline fired before the newest one: " + h.timeouts);
            Duration last = Duration.ofSeconds(30); // later than any the writers set
            c.setReadDeadline(last);
            clock.advance(last.minusNanos(1), c.eventLoop());
            assertTrue(h.timeouts.isEmpty(), "fired before the last deadline set: " + h.timeouts);
            clock.advance(Duration.ofNanos(1), c.eventLoop());
            assertEquals(1, h.timeouts.size(), "the last deadline fires, once");
            clock.advance(Duration.ofMinutes(5), c.eventLoop());
            assertEquals(1, h.timeouts.size(), "at most one timeout per deadline set");
            assertTrue(c.isOpen());
        }
    }
}
