package io.ringwire.client.frame;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.DeadlineExceededException;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.protocol.codec.CodecException;
import io.ringwire.protocol.frame.FrameCommand;
import io.ringwire.protocol.frame.FrameConfig;
import io.ringwire.protocol.frame.FrameDecoder;
import io.ringwire.protocol.frame.FrameServer;
import io.ringwire.client.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.agrona.DirectBuffer;

/**
 * The real frame server, with two things a test needs: connections it holds shut (not reading,
 * so requests pile up unanswered until the test opens them), and a count of the PINGs it got.
 */
final class GatedFrameServer implements AutoCloseable {
    final Server server;
    final AtomicInteger pings = new AtomicInteger();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    /** Accepted connections, in order. */
    final List<Connection> connections = new CopyOnWriteArrayList<>();

    /** @param heldShut which connections (1-based, in accept order) start without reading */
    GatedFrameServer(EventLoopGroup group, int port, IntPredicate heldShut) throws IOException {
        var inner = FrameServer.handlers(FrameConfig.defaults());
        server = group.listen(new InetSocketAddress("127.0.0.1", port), ServerConfig.defaults(), () -> new Gate(inner.get(), heldShut));
    }

    Endpoint endpoint() {
        return new Endpoint("127.0.0.1", server.localAddress().getPort());
    }

    /** Lets connection {@code n} (1-based) read: the requests it held get their replies. */
    void open(int n) {
        connections.get(n - 1).setAutoRead(true);
    }

    @Override
    public void close() {
        server.close();
    }

    private final class Gate implements ConnectionHandler {
        private final ConnectionHandler inner;
        private final IntPredicate heldShut;
        private final FrameDecoder counter = new FrameDecoder(FrameConfig.defaults().maxBody(), (cmd, b, o, l) -> {
            if (cmd == FrameCommand.PING) {
                pings.incrementAndGet();
            }
            return true;
        });

        Gate(ConnectionHandler inner, IntPredicate heldShut) {
            this.inner = inner;
            this.heldShut = heldShut;
        }

        @Override
        public void onOpen(Connection c) {
            int n = accepted.incrementAndGet();
            connections.add(c);
            if (heldShut.test(n)) {
                c.setAutoRead(false);
            }
            inner.onOpen(c);
        }

        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
            try {
                counter.decode(data, offset, length);
            } catch (CodecException e) {
                throw new IllegalStateException("the client sent a bad frame", e);
            }
            inner.onData(c, data, offset, length);
        }

        @Override
        public void onInputShutdown(Connection c) {
            inner.onInputShutdown(c);
        }

        @Override
        public void onWritabilityChanged(Connection c, boolean writable) {
            inner.onWritabilityChanged(c, writable);
        }

        @Override
        public void onError(Connection c, Throwable cause) {
            inner.onError(c, cause);
        }

        @Override
        public void onTimeout(Connection c, DeadlineExceededException timeout) {
            inner.onTimeout(c, timeout);
        }

        @Override
        public boolean isIdle(Connection c) {
            return inner.isIdle(c);
        }

        @Override
        public void onClose(Connection c) {
            closed.incrementAndGet();
            counter.close();
            inner.onClose(c);
        }
    }
}
