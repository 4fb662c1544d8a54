package io.ringwire.loop;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Connections held per remote IP address, for {@code maxConnectionsPerIp}. A lock guards a plain
 * map: it is taken twice per connection (accept and close), never per message, and an entry goes
 * away with the address's last connection, so the map is never larger than the connections held.
 *
 * <p>Thread-safe: listeners on several loops acquire, and each connection's loop releases.
 */
final class PerAddressLimit {
    private final int max;
    private final Map<InetAddress, Integer> counts = new HashMap<>();

    PerAddressLimit(int max) {
        this.max = max;
    }

    /** Counts one more connection from {@code address}, unless it already holds {@code max}. */
    synchronized boolean tryAcquire(InetAddress address) {
        int n = counts.getOrDefault(address, 0);
        if (n >= max) {
            return false;
        }
        counts.put(address, n + 1);
        return true;
    }

    /** One connection from {@code address} that {@link #tryAcquire} counted has gone. */
    synchronized void release(InetAddress address) {
        counts.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }

    /** Connections counted for {@code address} now. */
    synchronized int count(InetAddress address) {
        return counts.getOrDefault(address, 0);
    }

    /** Addresses with at least one connection now. */
    synchronized int addresses() {
        return counts.size();
    }
}
