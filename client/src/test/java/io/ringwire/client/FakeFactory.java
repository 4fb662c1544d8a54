package io.ringwire.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.ConnectException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A connection factory without sockets, which records what the pool does with its connections. */
final class FakeFactory implements ConnectionFactory<FakeFactory.Conn> {
    static final class Conn {
        final int id;
        final Endpoint endpoint;
        final AtomicBoolean borrowed = new AtomicBoolean();
        volatile boolean open = true;
        volatile boolean halfClosed;
        volatile boolean healthy = true;

        Conn(int id, Endpoint endpoint) {
            this.id = id;
            this.endpoint = endpoint;
        }

        /** Marks the borrow; fails the test if someone else holds it. */
        void take() {
            if (!borrowed.compareAndSet(false, true)) {
                fail("connection " + id + " handed out twice");
            }
            if (!open || halfClosed) {
                fail("connection " + id + " handed out closed or half-closed");
            }
        }

        void give() {
            borrowed.set(false);
        }

        @Override
        public String toString() {
            return "conn" + id;
        }
    }

    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger openNow = new AtomicInteger();
    final AtomicInteger maxOpenSeen = new AtomicInteger();
    final AtomicInteger healthChecks = new AtomicInteger();
    final Queue<Conn> created = new ConcurrentLinkedQueue<>();
    /** Per endpoint: connections open now (opening included), and the most seen at once. */
    final Map<Endpoint, AtomicInteger> openPer = new ConcurrentHashMap<>();
    final Map<Endpoint, AtomicInteger> maxOpenPer = new ConcurrentHashMap<>();
    /** When set, opens fail with a refused connect. */
    volatile boolean refuse;
    /** When set, opens stay pending here until the test completes them. */
    volatile Queue<CompletableFuture<Void>> held;
    /** When set, opens complete on this executor's thread, not inline on the borrower's. */
    volatile Executor completeOn;
    /** When set, health checks never answer (a peer that went silent without a FIN). */
    volatile boolean checksHang;
    private final AtomicInteger ids = new AtomicInteger();

    @Override
    public CompletableFuture<Conn> open(Endpoint endpoint) {
        opens.incrementAndGet();
        if (refuse) {
            return CompletableFuture.failedFuture(new ConnectException("connect " + endpoint + ": ECONNREFUSED (Connection refused)"));
        }
        int now = openNow.incrementAndGet();
        maxOpenSeen.accumulateAndGet(now, Math::max);
        int here = openPer.computeIfAbsent(endpoint, e -> new AtomicInteger()).incrementAndGet();
        maxOpenPer.computeIfAbsent(endpoint, e -> new AtomicInteger()).accumulateAndGet(here, Math::max);
        Conn c = new Conn(ids.incrementAndGet(), endpoint);
        created.add(c);
        Queue<CompletableFuture<Void>> h = held;
        if (h != null) {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            h.add(gate);
            return gate.thenApply(x -> c);
        }
        Executor on = completeOn;
        if (on != null) {
            return CompletableFuture.supplyAsync(() -> c, on);
        }
        return CompletableFuture.completedFuture(c);
    }

    @Override
    public boolean isUsable(Conn c) {
        return c.open && !c.halfClosed;
    }

    @Override
    public CompletableFuture<Boolean> healthCheck(Conn c) {
        healthChecks.incrementAndGet();
        return checksHang ? new CompletableFuture<>() : CompletableFuture.completedFuture(c.healthy);
    }

    @Override
    public void close(Conn c) {
        if (c.open) {
            c.open = false;
            closes.incrementAndGet();
            openNow.decrementAndGet();
            openPer.get(c.endpoint).decrementAndGet();
        }
    }
}
