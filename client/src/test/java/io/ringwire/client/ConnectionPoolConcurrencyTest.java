package io.ringwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.client.FakeFactory.Conn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Hammers one pool from many threads over two endpoints whose limits add up to more than the
 * total, with discards, idle limits and eviction racing the borrowers: the pool must never exceed
 * a limit, never hand a connection to two borrowers, and account for every connection at the end.
 */
class ConnectionPoolConcurrencyTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 3000;
    private static final int MAX_TOTAL = 6;
    private static final int MAX_PER_ENDPOINT = 4;

    @RepeatedTest(3)
    void invariantsHoldUnderContention() throws Exception {
        FakeFactory factory = new FakeFactory();
        Endpoint[] endpoints = {new Endpoint("a.test", 1), new Endpoint("b.test", 2)};
        PoolConfig config = PoolConfig.builder().maxTotal(MAX_TOTAL).maxPerEndpoint(MAX_PER_ENDPOINT).maxIdlePerEndpoint(3)
                .acquireTimeout(Duration.ofSeconds(30)).idleTimeout(Duration.ofMillis(1)).minIdle(1)
                .housekeepingPeriod(Duration.ofMillis(1)).build();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger borrowed = new AtomicInteger();
        AtomicInteger maxBorrowed = new AtomicInteger();
        AtomicInteger[] perEndpoint = {new AtomicInteger(), new AtomicInteger()};
        try (ConnectionPool<Conn> pool = new ConnectionPool<>(factory, config)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        for (int i = 0; i < ROUNDS && failure.get() == null; i++) {
                            int which = r.nextInt(2);
                            PooledConnection<Conn> c = r.nextInt(4) == 0 ? pool.tryAcquire(endpoints[which])
                                    : pool.acquire(endpoints[which]).get(30, TimeUnit.SECONDS);
                            if (c == null) {
                                continue;
                            }
                            c.get().take();
                            int now = borrowed.incrementAndGet();
                            maxBorrowed.accumulateAndGet(now, Math::max);
                            int here = perEndpoint[which].incrementAndGet();
                            if (here > MAX_PER_ENDPOINT || now > MAX_TOTAL || pool.total() > MAX_TOTAL
                                    || factory.openNow.get() > MAX_TOTAL) {
                                throw new AssertionError("over a limit: endpoint " + here + ", borrowed " + now
                                        + ", total " + pool.total() + ", open " + factory.openNow.get());
                            }
                            if (!c.get().endpoint.equals(endpoints[which])) {
                                throw new AssertionError("connection of the wrong endpoint");
                            }
                            if (r.nextInt(16) == 0) {
                                Thread.onSpinWait();
                            }
                            perEndpoint[which].decrementAndGet();
                            borrowed.decrementAndGet();
                            c.get().give();
                            if (r.nextInt(10) == 0) {
                                c.discard();
                            } else if (r.nextInt(50) == 0) {
                                c.get().halfClosed = true; // the peer went away while it was borrowed
                                c.release();
                            } else {
                                c.release();
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                threads.add(th);
                th.start();
            }
            start.countDown();
            for (Thread th : threads) {
                th.join(TimeUnit.SECONDS.toMillis(120));
                assertTrue(!th.isAlive(), "a borrower is stuck: " + pool.stats());
            }
            if (failure.get() != null) {
                throw new AssertionError("a borrower failed; stats " + pool.stats(), failure.get());
            }
            assertTrue(factory.maxOpenSeen.get() <= MAX_TOTAL, "open at once: " + factory.maxOpenSeen.get());
            // Housekeeping (every 1 ms) goes on after the borrowers: it may be opening a connection
            // to keep an endpoint's minIdle, counted by the factory before the pool. Compare the two
            // once it is done: then every open connection is idle and stays so (minIdle is met).
            Poll.until("housekeeping to settle", () -> {
                PoolStats now = pool.stats();
                return now.connecting() == 0 && factory.opens.get() == now.created()
                        && factory.openNow.get() == now.created() - now.destroyed();
            });
            PoolStats s = pool.stats();
            assertEquals(0, s.active(), s.toString());
            assertEquals(0, s.pending(), s.toString());
            assertEquals(factory.opens.get(), s.created(), "every open counted");
            assertEquals(s.created() - s.destroyed(), factory.openNow.get(), "open = created - destroyed: " + s);
            assertEquals(factory.openNow.get(), s.idle() + s.connecting(), "every open connection is idle: " + s);
        }
        assertEquals(0, factory.openNow.get(), "close closed every connection");
        assertEquals(factory.opens.get(), factory.closes.get());
    }

    /** Two borrowers racing for one connection: each round, exactly one wins, and the other waits for it. */
    @RepeatedTest(3)
    void oneConnectionManyBorrowers() throws Exception {
        FakeFactory factory = new FakeFactory();
        Endpoint e = new Endpoint("one.test", 1);
        try (ConnectionPool<Conn> pool = new ConnectionPool<>(factory,
                PoolConfig.builder().maxPerEndpoint(1).acquireTimeout(Duration.ofSeconds(30)).build())) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                all.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 500; i++) {
                        PooledConnection<Conn> c = pool.acquire(e).join();
                        c.get().take();
                        c.get().give();
                        c.release();
                    }
                }, r -> new Thread(r).start()));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            assertEquals(1, factory.opens.get(), "one connection served everyone");
        }
    }
}
