package io.ringwire.loop;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The limits a listener applies to each accepted connection, in this order: the accept rate
 * ({@link AcceptRateLimiter}), the connections per remote IP ({@link PerAddressLimit}), then the
 * connections held ({@code maxConnections}). One mechanism for the servers ({@link AbstractServer})
 * and the splice proxy, so both refuse, and count their refusals, alike. The rate comes first so
 * that a flood is refused at the cost of one compare-and-set; a token is spent even on a
 * connection that a later limit refuses. The place among {@code maxConnections} is taken last and
 * by compare-and-set, never past the limit: the count of held connections, which users read as
 * {@code connectionCount()}, never includes a connection that is being refused, not even for a
 * moment, and listeners on several loops cannot together admit one too many.
 *
 * <p>Thread-safe: listeners on several loops admit, and each connection's loop releases.
 */
public final class Admission {
    private final int maxConnections;
    /** Null when the limit is off. */
    private final PerAddressLimit perAddress;
    /** Null when the limit is off. */
    private final AcceptRateLimiter acceptRate;

    /**
     * @param maxConnections connections held at once; 0 for no limit
     * @param maxPerAddress  connections held at once from one remote IP; 0 for no limit
     * @param ratePerSecond  new connections a second on average; 0 for no limit
     * @param burst          connections the rate admits at once after a quiet spell
     */
    public Admission(int maxConnections, int maxPerAddress, double ratePerSecond, int burst, NanoClock clock) {
        this.maxConnections = maxConnections;
        this.perAddress = maxPerAddress > 0 ? new PerAddressLimit(maxPerAddress) : null;
        this.acceptRate = ratePerSecond > 0 ? new AcceptRateLimiter(ratePerSecond, burst, clock) : null;
    }

    /** True if the per-IP limit is on: only then does {@link #admit} need the remote address. */
    public boolean needsAddress() {
        return perAddress != null;
    }

    /**
     * Decides on one accepted connection. A refusal takes nothing: it is counted in {@code stats}
     * (the loop's that accepted), and the caller closes the descriptor. An admitted connection has
     * taken one place in {@code held} and its per-IP place; the caller gives both back with
     * {@link #release} and its own decrement of {@code held} once the connection has ended.
     */
    public boolean admit(AtomicInteger held, InetAddress remote, LoopStats stats) {
        if (acceptRate != null && !acceptRate.tryAcquire()) {
            stats.connectionsRejected++;
            stats.rejectedByRate++;
            return false;
        }
        if (perAddress != null && !perAddress.tryAcquire(remote)) {
            stats.connectionsRejected++;
            stats.rejectedPerIp++;
            return false;
        }
        if (!takePlace(held)) {
            if (perAddress != null) {
                perAddress.release(remote);
            }
            stats.connectionsRejected++;
            return false;
        }
        return true;
    }

    private boolean takePlace(AtomicInteger held) {
        if (maxConnections <= 0) {
            held.incrementAndGet();
            return true;
        }
        for (int n = held.get(); n < maxConnections; n = held.get()) {
            if (held.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** A connection that {@link #admit} let in has ended; {@code remote} may be null if the per-IP limit is off. */
    public void release(InetAddress remote) {
        if (perAddress != null) {
            perAddress.release(remote);
        }
    }
}
