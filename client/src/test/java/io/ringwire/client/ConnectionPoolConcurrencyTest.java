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

    /** One borrower's rounds; {@code failed} turns true once any borrower has failed, to stop the rest early. */
    private interface Borrower {
        void run(ThreadLocalRandom r, java.util.function.BooleanSupplier failed) throws Exception;
    }

    /** Runs {@link #THREADS} borrowers from one start signal; fails with the first failure, or if one is stuck. */
    private static void hammer(ConnectionPool<Conn> pool, Borrower borrower) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    borrower.run(ThreadLocalRandom.current(), () -> failure.get() != null);
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
    }

    @RepeatedTest(3)
    void invariantsHoldUnderContention() throws Exception {
        FakeFactory factory = new FakeFactory();
        Endpoint[] endpoints = {new Endpoint("a.test", 1), new Endpoint("b.test", 2)};
        PoolConfig config = PoolConfig.builder().maxTotal(MAX_TOTAL).maxPerEndpoint(MAX_PER_ENDPOINT).maxIdlePerEndpoint(3)
                .acquireTimeout(Duration.ofSeconds(30)).idleTimeout(Duration.ofMillis(1)).minIdle(1)
                .housekeepingPeriod(Duration.ofMillis(1)).build();
        AtomicInteger borrowed = new AtomicInteger();
        AtomicInteger maxBorrowed = new AtomicInteger();
        AtomicInteger[] perEndpoint = {new AtomicInteger(), new AtomicInteger()};
        try (ConnectionPool<Conn> pool = new ConnectionPool<>(factory, config)) {
            hammer(pool, (r, failed) -> {
                for (int i = 0; i < ROUNDS && !failed.getAsBoolean(); i++) {
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
            });
            assertTrue(factory.maxOpenSeen.get() <= MAX_TOTAL, "open at once: " + factory.maxOpenSeen.get());
            for (Endpoint e : endpoints) {
                int most = factory.maxOpenPer.get(e).get();
                assertTrue(most <= MAX_PER_ENDPOINT, "open at once to " + e + ": " + most);
            }
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

    /**
     * The racy paths: opens that complete on another thread (as a real connect does, on an event
     * loop), and acquire timeouts short enough to race deliveries and cancellations. Whatever
     * wins each race, no limit is passed, nothing is handed out twice, and every connection is
     * accounted for at the end.
     */
    @RepeatedTest(3)
    void invariantsHoldWithAsyncOpensAndRacingTimeouts() throws Exception {
        FakeFactory factory = new FakeFactory();
        java.util.concurrent.ExecutorService opener = java.util.concurrent.Executors.newFixedThreadPool(2);
        factory.completeOn = opener;
        Endpoint[] endpoints = {new Endpoint("a.test", 1), new Endpoint("b.test", 2)};
        PoolConfig config = PoolConfig.builder().maxTotal(MAX_TOTAL).maxPerEndpoint(MAX_PER_ENDPOINT).maxIdlePerEndpoint(3)
                .acquireTimeout(Duration.ofMillis(1)).idleTimeout(Duration.ofMillis(1)).housekeepingPeriod(Duration.ofMillis(1)).build();
        AtomicInteger timedOut = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        try (ConnectionPool<Conn> pool = new ConnectionPool<>(factory, config)) {
            hammer(pool, (r, failed) -> {
                for (int i = 0; i < ROUNDS / 2 && !failed.getAsBoolean(); i++) {
                    int which = r.nextInt(2);
                    CompletableFuture<PooledConnection<Conn>> f = pool.acquire(endpoints[which]);
                    if (r.nextInt(8) == 0) {
                        f.cancel(false); // gives up; a connection that reaches it anyway must go back
                    }
                    PooledConnection<Conn> c;
                    try {
                        c = f.get(30, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.CancellationException gaveUp) {
                        continue;
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (!(e.getCause() instanceof PoolTimeoutException)) {
                            throw e;
                        }
                        timedOut.incrementAndGet();
                        continue;
                    }
                    c.get().take();
                    if (!c.get().endpoint.equals(endpoints[which])) {
                        throw new AssertionError("connection of the wrong endpoint");
                    }
                    served.incrementAndGet();
                    c.get().give();
                    if (r.nextInt(10) == 0) {
                        c.discard();
                    } else {
                        c.release();
                    }
                }
            });
            assertTrue(served.get() > 0, "some borrows must succeed: " + pool.stats());
            assertTrue(factory.maxOpenSeen.get() <= MAX_TOTAL, "open at once: " + factory.maxOpenSeen.get());
            for (Endpoint e : endpoints) {
                AtomicInteger most = factory.maxOpenPer.get(e);
                assertTrue(most == null || most.get() <= MAX_PER_ENDPOINT, "open at once to " + e + ": " + most);
            }
            // Opens still completing on the opener threads land in the pool; then all is idle.
            Poll.until("the pool to settle", () -> {
                PoolStats now = pool.stats();
                return now.connecting() == 0 && now.active() == 0 && factory.opens.get() == now.created()
                        && factory.openNow.get() == now.created() - now.destroyed();
            });
            PoolStats s = pool.stats();
            assertEquals(0, s.pending(), s.toString());
            assertEquals(factory.openNow.get(), s.idle(), "every open connection is idle, none lost to a cancelled borrower: " + s);
            assertTrue(s.timeouts() >= timedOut.get(), "each timeout seen was counted: " + s + " vs " + timedOut.get());
        } finally {
            opener.shutdownNow();
        }
        assertEquals(0, factory.openNow.get(), "close closed every connection");
        assertEquals(factory.opens.get(), factory.closes.get());
    }
}
