package io.ringwire.uring;

import io.ringwire.ConnectionHandler;
import io.ringwire.ServerConfig;
import io.ringwire.loop.AbstractConnection;
import io.ringwire.loop.AbstractServer;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A server over io_uring: listeners are {@link UringListener}s; see {@link AbstractServer}. */
public final class UringServer extends AbstractServer<UringEventLoop> {
    private final UringListener[] listeners;

    private UringServer(List<UringEventLoop> loops, ServerConfig config, Supplier<? extends ConnectionHandler> handlers) {
        super(loops, config, handlers);
        this.listeners = new UringListener[loops.size()];
    }

    /** Binds and starts accepting. */
    public static UringServer bind(List<UringEventLoop> loops, InetSocketAddress address, ServerConfig config,
                                   Supplier<? extends ConnectionHandler> handlers) throws IOException {
        UringServer server = new UringServer(loops, config, handlers);
        server.bind(address);
        return server;
    }

    @Override
    protected void attachListener(UringEventLoop loop, int index, int fd) {
        listeners[index] = new UringListener(loop, this, fd);
    }

    @Override
    protected void detachListener(UringEventLoop loop, int index) {
        UringListener l = listeners[index];
        if (l != null) {
            l.close();
        }
    }

    @Override
    protected void forEachConnection(UringEventLoop loop, Consumer<AbstractConnection> action) {
        loop.forEachConnection(action::accept);
    }

    @Override
    protected AbstractConnection register(UringEventLoop loop, int fd, ConnectionHandler handler,
                                          InetSocketAddress remote) {
        return loop.newConnection(fd, handler, config.connectionConfig(), this, remote);
    }
}
