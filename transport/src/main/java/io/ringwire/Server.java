package io.ringwire;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A listening server: one listener per event loop of its group, all bound to one address.
 * Thread-safe: every method may be called from any thread except a loop thread of its group,
 * where the blocking ones ({@link #shutdown}, {@link #close}) would wait on themselves.
 */
public interface Server extends AutoCloseable {

    /** The bound address, with the real port when port 0 was asked for. */
    InetSocketAddress localAddress();

    /** Connections this server holds right now. */
    int connectionCount();

    /**
     * Connections refused by a limit: {@link ServerConfig#maxConnections()},
     * {@link ServerConfig#maxConnectionsPerIp()} or {@link ServerConfig#acceptRate()}.
     */
    long rejectedConnections();

    /**
     * Stops accepting, closes idle connections, lets connections with queued output drain, and
     * force-closes what is left when {@code drainTimeout} has passed. Blocks until every connection
     * of this server is closed. Returns true if none had to be forced. See
     * {@link ConnectionHandler#isIdle} for when a connection counts as idle and how it closes.
     * The group's loops keep running, for its other servers and clients;
     * {@link EventLoopGroup#shutdownGracefully} drains every server and then stops them.
     */
    boolean shutdown(Duration drainTimeout);

    /** Stops accepting and closes every connection now. Blocks until done. Idempotent. */
    @Override
    void close();
}
