package io.ringwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.client.FakeFactory.Conn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionPoolTest {
    private static final Endpoint A = new Endpoint("a.test", 1);
    private static final Endpoint B = new Endpoint("b.test", 2);

    private final FakeFactory factory = new FakeFactory();
    private final FakeClock clock = new FakeClock();
    private ConnectionPool<Conn> pool;

    private ConnectionPool<Conn> pool(PoolConfig.Builder b) {
        pool = new ConnectionPool<>(factory, b.clock(clock).housekeepingPeriod(Duration.ofMillis(5)).build());
        return pool;
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        return RetryPolicy.unwrap(f.handle((v, e) -> e).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    /** Waits until a housekeeping round has started and finished after this call. */
    private void awaitFullHousekeepingRound() {
        long now = pool.housekeepingRounds();
        Poll.until("a whole housekeeping round", () -> pool.housekeepingRounds() >= now + 2);
    }

    @Test
    void aReleasedConnectionIsReused() throws Exception {
        pool(PoolConfig.builder());
        PooledConnection<Conn> c = get(pool.acquire(A));
        Conn first = c.get();
        c.release();
        PooledConnection<Conn> again = get(pool.acquire(A));
        assertSame(first, again.get());
        assertEquals(1, factory.opens.get());
        assertNull(pool.tryAcquire(A), "nothing else idle");
        again.release();
        assertEquals(new PoolStats(0, 1, 0, 0, 1, 0, 0, 0), pool.stats());
    }

    @Test
    void releasingTwiceIsRefused() throws Exception {
        pool(PoolConfig.builder());
        PooledConnection<Conn> c = get(pool.acquire(A));
        c.release();
        assertThrows(IllegalStateException.class, c::release);
        assertThrows(IllegalStateException.class, c::discard);
    }

    @Test
    void anAcquireTimeoutNamesThePoolState() throws Exception {
        pool(PoolConfig.builder().maxPerEndpoint(2).acquireTimeout(Duration.ofMillis(50)));
        PooledConnection<Conn> one = get(pool.acquire(A));
        PooledConnection<Conn> two = get(pool.acquire(A));
        Throwable e = failure(pool.acquire(A));
        assertInstanceOf(PoolTimeoutException.class, e);
        assertTrue(e.getMessage().startsWith("acquire a.test:1 timed out after 50 ms: active=2 idle=0 waiting="), e.getMessage());
        assertTrue(e.getMessage().contains("maxPerEndpoint=2, pool total=2/64"), e.getMessage());
        assertEquals(1, pool.stats().timeouts());
        assertEquals(0, pool.stats().pending());
        one.release();
        two.release();
    }

    @Test
    void aZeroTimeoutFailsAtOnceWhenNothingIsFree() throws Exception {
        pool(PoolConfig.builder().maxPerEndpoint(1).acquireTimeout(Duration.ZERO));
        PooledConnection<Conn> one = get(pool.acquire(A));
        assertInstanceOf(PoolTimeoutException.class, failure(pool.acquire(A)));
        one.release();
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        pool(PoolConfig.builder().maxPerEndpoint(1).acquireTimeout(Duration.ofSeconds(30)));
        PooledConnection<Conn> held = get(pool.acquire(A));
        List<CompletableFuture<PooledConnection<Conn>>> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiters.add(pool.acquire(A));
        }
        assertEquals(5, pool.stats().pending());
        assertNull(pool.tryAcquire(A), "no barging past the waiters");
        held.release();
        for (int i = 0; i < 5; i++) {
            PooledConnection<Conn> c = get(waiters.get(i));
            for (int j = i + 1; j < 5; j++) {
                assertFalse(waiters.get(j).isDone(), "waiter " + j + " served before waiter " + i);
            }
            c.release();
        }
        assertEquals(1, factory.opens.get());
    }

    /**
     * Borrowers that release in their completion callback, as a pipelining client does: each
     * release hands the connection to the next waiter, and that must not nest one call deeper
     * per waiter (a PooledFrameClientTest run overflowed the stack with 2000 waiters).
     */
    @Test
    void borrowersThatReleaseInTheirCallbackAreServedWithoutNesting() throws Exception {
        factory.held = new ConcurrentLinkedQueue<>();
        pool(PoolConfig.builder().maxPerEndpoint(1).acquireTimeout(Duration.ofSeconds(60)));
        List<CompletableFuture<Void>> served = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            served.add(pool.acquire(A).thenAccept(PooledConnection::release));
        }
        Poll.until("the one connect to start", () -> !factory.held.isEmpty());
        factory.held.poll().complete(null); // every waiter is served from inside this call
        for (CompletableFuture<Void> f : served) {
            get(f);
        }
        assertEquals(1, factory.opens.get());
        assertEquals(1, pool.stats().idle());
    }

    @Test
    void idleConnectionsPastTheTimeoutAreEvictedDownToMinIdle() throws Exception {
        pool(PoolConfig.builder().idleTimeout(Duration.ofSeconds(10)).minIdle(1).maxLifetime(Duration.ZERO));
        List<PooledConnection<Conn>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(get(pool.acquire(A)));
        }
        held.forEach(PooledConnection::release);
        // While all three were borrowed, a housekeeping round (every 5 ms) may have opened one
        // more to keep minIdle: wait for such a top-up to finish, then count what is idle.
        Poll.until("no minIdle top-up still connecting", () -> pool.stats().connecting() == 0);
        PoolStats released = pool.stats();
        assertTrue(released.idle() == 3 || released.idle() == 4, "idle after the releases: " + released);
        assertEquals(released.created(), released.idle(), "every connection made is idle: " + released);
        clock.advance(Duration.ofSeconds(9));
        awaitFullHousekeepingRound(); // one that saw the clock at 9 s: it must have closed nothing
        assertEquals(0, factory.closes.get(), "not idle long enough yet");
        clock.advance(Duration.ofSeconds(2));
        Poll.until("eviction down to minIdle", () -> pool.stats().idle() == 1);
        assertEquals(released.idle() - 1, factory.closes.get());
        assertEquals(released.idle() - 1, pool.stats().destroyed());
    }

    @Test
    void connectionsPastTheirLifetimeAreClosedNotReused() throws Exception {
        pool(PoolConfig.builder().maxLifetime(Duration.ofMinutes(1)).idleTimeout(Duration.ZERO));
        PooledConnection<Conn> idle = get(pool.acquire(A));
        PooledConnection<Conn> busy = get(pool.acquire(A));
        Conn idleConn = idle.get();
        Conn busyConn = busy.get();
        idle.release();
        clock.advance(Duration.ofMinutes(2));
        Poll.until("the idle one closed by housekeeping", () -> !idleConn.open);
        busy.release();
        assertFalse(busyConn.open, "released past its lifetime: closed, not pooled");
        PooledConnection<Conn> fresh = get(pool.acquire(A));
        assertNotSame(busyConn, fresh.get());
        fresh.release();
    }

    @Test
    void closedOrHalfClosedConnectionsAreNeverHandedOut() throws Exception {
        pool(PoolConfig.builder());
        PooledConnection<Conn> x = get(pool.acquire(A));
        PooledConnection<Conn> y = get(pool.acquire(A));
        Conn cx = x.get();
        Conn cy = y.get();
        x.release();
        y.release();
        cx.halfClosed = true; // the server sent FIN while it sat idle
        cy.open = false;      // the server reset it
        PooledConnection<Conn> z = get(pool.acquire(A));
        assertTrue(z.get() != cx && z.get() != cy);
        assertTrue(z.get().open && !z.get().halfClosed);
        assertEquals(3, factory.opens.get());
        z.release();
    }

    @Test
    void aHealthCheckRunsAfterIdlenessAndAFailedOneIsReplaced() throws Exception {
        pool(PoolConfig.builder().healthCheckAfterIdle(Duration.ofSeconds(5)).idleTimeout(Duration.ZERO));
        PooledConnection<Conn> c = get(pool.acquire(A));
        Conn first = c.get();
        c.release();
        get(pool.acquire(A)).release();
        assertEquals(0, factory.healthChecks.get(), "not idle long enough for a check");
        clock.advance(Duration.ofSeconds(6));
        first.healthy = false;
        PooledConnection<Conn> d = get(pool.acquire(A));
        assertEquals(1, factory.healthChecks.get());
        assertNotSame(first, d.get());
        assertFalse(first.open, "the unhealthy one was closed");
        d.release();
    }

    @Test
    void aLeakIsReportedOnceWithTheAcquireSite() throws Exception {
        ConcurrentLinkedQueue<PoolConfig.LeakReport> leaks = new ConcurrentLinkedQueue<>();
        pool(PoolConfig.builder().leakThreshold(Duration.ofSeconds(30)).leakListener(leaks::add).idleTimeout(Duration.ofSeconds(45)));
        PooledConnection<Conn> leaked = get(pool.acquire(A));
        PooledConnection<Conn> marker = get(pool.acquire(B));
        Conn markerConn = marker.get();
        marker.release();
        clock.advance(Duration.ofSeconds(31));
        Poll.until("the leak report", () -> !leaks.isEmpty());
        PoolConfig.LeakReport r = leaks.peek();
        assertSame(leaked.get(), r.connection());
        assertEquals(A, r.endpoint());
        boolean fromHere = false;
        for (StackTraceElement el : r.acquiredAt().getStackTrace()) {
            fromHere |= el.getMethodName().equals("aLeakIsReportedOnceWithTheAcquireSite");
        }
        assertTrue(fromHere, "the stack shows where it was acquired");
        clock.advance(Duration.ofSeconds(60));
        // B's idle connection is evicted by a housekeeping round that also scanned A after the advance.
        Poll.until("a later housekeeping round", () -> !markerConn.open);
        assertEquals(1, leaks.size(), "reported once per borrow");
        leaked.release();
    }

    @Test
    void minIdleIsPrewarmed() throws Exception {
        pool(PoolConfig.builder().minIdle(3));
        get(pool.prewarm(A));
        assertEquals(3, pool.stats(A).idle());
        assertEquals(3, factory.opens.get());
        PooledConnection<Conn> c = get(pool.acquire(A));
        Poll.until("housekeeping tops minIdle back up", () -> pool.stats(A).idle() == 3);
        c.release();
    }

    @Test
    void idleConnectionsAboveThePerEndpointIdleLimitAreClosed() throws Exception {
        pool(PoolConfig.builder().maxIdlePerEndpoint(1));
        PooledConnection<Conn> x = get(pool.acquire(A));
        PooledConnection<Conn> y = get(pool.acquire(A));
        x.release();
        y.release();
        assertEquals(1, pool.stats().idle());
        assertEquals(1, factory.closes.get());
    }

    @Test
    void aFullPoolClosesAnIdleConnectionOfAnotherEndpoint() throws Exception {
        pool(PoolConfig.builder().maxTotal(2).maxPerEndpoint(2));
        PooledConnection<Conn> a1 = get(pool.acquire(A));
        PooledConnection<Conn> a2 = get(pool.acquire(A));
        Conn c1 = a1.get();
        a1.release();
        PooledConnection<Conn> b = get(pool.acquire(B));
        assertFalse(c1.open, "A's idle connection gave its slot to B");
        assertEquals(2, pool.total());
        a2.release();
        b.release();
    }

    @Test
    void aFailedConnectFailsFastThenRecoversThroughBackoff() throws Exception {
        pool(PoolConfig.builder().reconnectBackoff(Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 100, Duration.ZERO)));
        factory.refuse = true;
        Throwable first = failure(pool.acquire(A));
        assertInstanceOf(NotSentException.class, first);
        assertTrue(first.getMessage().contains("ECONNREFUSED"), first.getMessage());
        Throwable second = failure(pool.acquire(A));
        assertTrue(second.getMessage().contains("next attempt in"), second.getMessage());
        assertEquals(1, factory.opens.get(), "within the backoff nothing is tried");
        assertTrue(RetryPolicy.builder(Backoff.none()).build().mayRetry(second, false), "not sent: safe to retry");

        factory.refuse = false;
        clock.advance(Duration.ofSeconds(2)); // full jitter: at most the 1 s cap
        PooledConnection<Conn> c = get(pool.acquire(A));
        assertTrue(c.get().open);
        c.release();
        assertEquals(1, pool.stats().connectFailures());
    }

    @Test
    void afterAFailureOnlyOneProbeConnectsAtATime() throws Exception {
        pool(PoolConfig.builder().maxPerEndpoint(8).acquireTimeout(Duration.ofSeconds(30))
                .reconnectBackoff(Backoff.of(Duration.ofMillis(10), Duration.ofMillis(10), 100, Duration.ZERO)));
        factory.refuse = true;
        failure(pool.acquire(A));
        factory.refuse = false;
        ConcurrentLinkedQueue<CompletableFuture<Void>> gates = new ConcurrentLinkedQueue<>();
        factory.held = gates;
        clock.advance(Duration.ofSeconds(1));
        List<CompletableFuture<PooledConnection<Conn>>> waiting = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waiting.add(pool.acquire(A));
        }
        Poll.until("the probe", () -> gates.size() == 1);
        assertEquals(1, pool.stats().connecting(), "eight waiters, one probe: no reconnect storm");
        gates.poll().complete(null);
        Poll.until("the rest opened once the probe succeeded", () -> gates.size() == 7);
        gates.forEach(g -> g.complete(null));
        for (CompletableFuture<PooledConnection<Conn>> w : waiting) {
            get(w).release();
        }
        assertEquals(8, pool.stats().idle());
    }

    /**
     * The minIdle top-up is held to the same rule as a waiter's open: after a failure, one probe
     * at a time. It used to open all of minIdle at once every round past the backoff, a small
     * reconnect storm per client against a server that is still down.
     */
    @Test
    void afterAFailureTheMinIdleTopUpProbesOneAtATime() throws Exception {
        pool(PoolConfig.builder().minIdle(3)
                .reconnectBackoff(Backoff.of(Duration.ofMillis(10), Duration.ofMillis(10), 100, Duration.ZERO)));
        factory.refuse = true;
        failure(pool.prewarm(A)); // in service now, and in the backoff until the clock moves
        ConcurrentLinkedQueue<CompletableFuture<Void>> gates = new ConcurrentLinkedQueue<>();
        factory.held = gates;
        factory.refuse = false;
        clock.advance(Duration.ofSeconds(1));
        Poll.until("the top-up's probe", () -> !gates.isEmpty());
        awaitFullHousekeepingRound();
        assertEquals(1, gates.size(), "one probe, not minIdle connects at once");
        assertEquals(1, pool.stats(A).connecting());
        gates.poll().complete(null);
        Poll.until("the rest of minIdle, once the probe got through", () -> gates.size() == 2);
        gates.forEach(g -> g.complete(null));
        Poll.until("minIdle idle", () -> pool.stats(A).idle() == 3);
    }

    @Test
    void closeFailsWaitersClosesIdleAndClosesTheRestOnRelease() throws Exception {
        pool(PoolConfig.builder().maxPerEndpoint(2).acquireTimeout(Duration.ofSeconds(30)));
        PooledConnection<Conn> x = get(pool.acquire(A));
        PooledConnection<Conn> y = get(pool.acquire(A));
        Conn cy = y.get();
        y.release();
        PooledConnection<Conn> z = get(pool.acquire(A));
        CompletableFuture<PooledConnection<Conn>> waiter = pool.acquire(A);
        pool.close();
        assertInstanceOf(NotSentException.class, failure(waiter));
        assertTrue(cy.open, "it was borrowed again as z");
        x.release();
        z.release();
        assertEquals(0, factory.openNow.get(), "every connection closed");
        assertInstanceOf(NotSentException.class, failure(pool.acquire(A)));
    }

    /** minIdle counts idle connections: those borrowed are not there for the next borrower. */
    @Test
    void evictionKeepsMinIdleIdleWhileOthersAreBorrowed() throws Exception {
        // maxPerEndpoint 3: with all three borrowed, housekeeping has no slot to top minIdle up with.
        pool(PoolConfig.builder().maxPerEndpoint(3).idleTimeout(Duration.ofSeconds(10)).minIdle(2).maxLifetime(Duration.ZERO));
        PooledConnection<Conn> held = get(pool.acquire(A));
        PooledConnection<Conn> x = get(pool.acquire(A));
        PooledConnection<Conn> y = get(pool.acquire(A));
        x.release();
        y.release();
        Poll.until("no minIdle top-up still connecting", () -> pool.stats().connecting() == 0);
        assertEquals(2, pool.stats(A).idle(), "two idle, one borrowed: " + pool.stats(A));
        clock.advance(Duration.ofSeconds(11));
        awaitFullHousekeepingRound();
        assertEquals(0, factory.closes.get(), "the two idle ones are the minIdle: none evicted, none churned");
        assertEquals(3, factory.opens.get());
        held.release();
        // Now three are idle, one above minIdle: the one idle longest goes.
        clock.advance(Duration.ofSeconds(11));
        Poll.until("the one above minIdle evicted", () -> factory.closes.get() == 1);
        awaitFullHousekeepingRound();
        assertEquals(2, pool.stats(A).idle());
        assertEquals(1, factory.closes.get());
    }

    /** One connection, idle long enough to be due a health check on its next borrow, which will never answer. */
    private Conn idleWithAHangingCheckDue(Duration acquireTimeout) throws Exception {
        pool(PoolConfig.builder().maxPerEndpoint(1).healthCheckAfterIdle(Duration.ofSeconds(5)).idleTimeout(Duration.ZERO)
                .acquireTimeout(acquireTimeout));
        PooledConnection<Conn> c = get(pool.acquire(A));
        Conn silent = c.get();
        c.release();
        clock.advance(Duration.ofSeconds(6));
        factory.checksHang = true;
        return silent;
    }

    /** A health check that never answers (a peer gone silent without a FIN) times the acquire out. */
    @Test
    void aHealthCheckThatNeverAnswersTimesOutTheAcquireAndDiscardsTheConnection() throws Exception {
        Conn silent = idleWithAHangingCheckDue(Duration.ofMillis(100));
        Throwable e = failure(pool.acquire(A));
        assertInstanceOf(PoolTimeoutException.class, e);
        assertTrue(e.getMessage().contains("health check"), e.getMessage());
        assertEquals(1, factory.healthChecks.get());
        assertFalse(silent.open, "a connection whose check never answered is closed, not pooled again");
        assertEquals(0, pool.stats().active(), pool.stats().toString());
        assertEquals(1, pool.stats().timeouts());
    }

    /**
     * The same for a waiter: its own timer is cancelled once a connection reaches it, so the
     * check that follows must be bounded by what is left of its wait. A clock that moves a second
     * at every reading makes each hand-over find the connection idle long enough for a check.
     */
    @Test
    void aWaiterHandedAConnectionDueACheckIsStillBoundByItsTimeout() throws Exception {
        java.util.concurrent.atomic.AtomicLong t = new java.util.concurrent.atomic.AtomicLong();
        pool = new ConnectionPool<>(factory, PoolConfig.builder().maxPerEndpoint(1).healthCheckAfterIdle(Duration.ofMillis(1))
                .idleTimeout(Duration.ZERO).maxLifetime(Duration.ZERO).housekeepingPeriod(Duration.ofMillis(5))
                .clock(() -> t.addAndGet(1_000_000_000L)).build());
        PooledConnection<Conn> held = get(pool.acquire(A));
        assertEquals(1, factory.healthChecks.get(), "checked on its first borrow");
        CompletableFuture<PooledConnection<Conn>> waiter = pool.acquire(A, Duration.ofSeconds(2));
        assertFalse(waiter.isDone());
        factory.checksHang = true;
        Conn c = held.get();
        held.release(); // goes to the waiter, and its check never answers
        Throwable w = failure(waiter);
        assertInstanceOf(PoolTimeoutException.class, w);
        assertTrue(w.getMessage().contains("health check"), "handed over, checked, then timed out: " + w.getMessage());
        assertEquals(2, factory.healthChecks.get());
        assertFalse(c.open);
        assertEquals(0, pool.stats().active());
    }

    /**
     * Closing the pool must not strand an acquire whose health check is under way: the check's
     * deadline is a timer on the pool's housekeeper, and close used to drop it with the rest, so
     * a check that never answered left the acquire's future pending for good.
     */
    @Test
    void anAcquireInItsHealthCheckStillTimesOutAfterThePoolCloses() throws Exception {
        Conn silent = idleWithAHangingCheckDue(Duration.ofMillis(200));
        CompletableFuture<PooledConnection<Conn>> checking = pool.acquire(A);
        assertEquals(1, factory.healthChecks.get(), "the check has started");
        pool.close();
        Throwable e = failure(checking);
        assertInstanceOf(PoolTimeoutException.class, e);
        assertTrue(e.getMessage().contains("health check"), e.getMessage());
        assertFalse(silent.open, "the connection whose check never answered is closed");
        assertEquals(0, factory.openNow.get());
    }

    /**
     * A connect that fails while other connections of the endpoint are open does not fail the
     * waiters: they needed no new connection, and one comes back to them when released.
     */
    @Test
    void aFailedOpenLeavesWaitersToTheConnectionsInUse() throws Exception {
        pool(PoolConfig.builder().maxPerEndpoint(3).acquireTimeout(Duration.ofSeconds(30))
                .reconnectBackoff(Backoff.of(Duration.ofSeconds(10), Duration.ofSeconds(10), 100, Duration.ZERO)));
        PooledConnection<Conn> one = get(pool.acquire(A));
        PooledConnection<Conn> two = get(pool.acquire(A));
        factory.refuse = true;
        CompletableFuture<PooledConnection<Conn>> third = pool.acquire(A); // its open is refused
        Poll.until("the refused connect", () -> pool.stats().connectFailures() == 1);
        assertFalse(third.isDone(), "two connections are open: the waiter stays queued for one");
        CompletableFuture<PooledConnection<Conn>> fourth = pool.acquire(A); // within the backoff, but connections are open
        assertFalse(fourth.isDone(), "queued, not refused: " + fourth);
        assertEquals(2, pool.stats().pending());
        Conn first = one.get();
        one.release();
        assertSame(first, get(third).get(), "the released connection went to the first waiter");
        two.release();
        PooledConnection<Conn> f = get(fourth);
        assertEquals(1, pool.stats().connectFailures(), "nothing tried again within the backoff");
        f.release();
        get(third).release();

        // With nothing open at all, the same failure does fail fast.
        pool.close();
        pool(PoolConfig.builder().reconnectBackoff(Backoff.of(Duration.ofSeconds(10), Duration.ofSeconds(10), 100, Duration.ZERO)));
        assertInstanceOf(NotSentException.class, failure(pool.acquire(A)));
    }

    @Test
    void aCancelledAcquireGivesUpItsPlaceAndTheConnectionGoesToTheNext() throws Exception {
        pool(PoolConfig.builder().maxPerEndpoint(1).acquireTimeout(Duration.ofSeconds(30)));
        PooledConnection<Conn> held = get(pool.acquire(A));
        CompletableFuture<PooledConnection<Conn>> gaveUp = pool.acquire(A);
        CompletableFuture<PooledConnection<Conn>> next = pool.acquire(A);
        assertEquals(2, pool.stats().pending());
        assertTrue(gaveUp.cancel(false));
        assertEquals(1, pool.stats().pending(), "the cancelled one left the queue at once");
        Conn c = held.get();
        held.release();
        assertSame(c, get(next).get());
        get(next).release();
        assertEquals(new PoolStats(0, 1, 0, 0, 1, 0, 0, 0), pool.stats(), "nothing lost, nothing counted as a timeout");
    }

    /** The object is reused per borrow: a stale release with the old borrow's stamp is refused. */
    @Test
    void aStaleReleaseIsRefusedByItsStamp() throws Exception {
        pool(PoolConfig.builder().maxPerEndpoint(1));
        PooledConnection<Conn> first = get(pool.acquire(A));
        long oldStamp = first.stamp();
        first.release(oldStamp);
        PooledConnection<Conn> second = get(pool.acquire(A));
        assertSame(first, second, "the same entry, borrowed again");
        assertThrows(IllegalStateException.class, () -> first.release(oldStamp), "the first borrower's second release");
        assertThrows(IllegalStateException.class, () -> first.discard(oldStamp));
        assertEquals(1, pool.stats().active(), "the second borrow is untouched");
        assertNull(pool.tryAcquire(A), "and not handed out twice");
        second.release(second.stamp());
        assertEquals(1, pool.stats().idle());
    }

    @Test
    void prewarmFailsWhenAnOpenFails() throws Exception {
        pool(PoolConfig.builder().minIdle(2));
        factory.refuse = true;
        Throwable e = failure(pool.prewarm(A));
        assertTrue(e.getMessage().contains("ECONNREFUSED"), String.valueOf(e));
    }
}
