package io.ringwire.epoll;

import io.ringwire.ConnectionHandler;
import io.ringwire.ServerConfig;
import io.ringwire.loop.AbstractConnection;
import io.ringwire.loop.AbstractServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A server over epoll: listeners are {@link EpollListener}s; see {@link AbstractServer}. */
public final class EpollServer extends AbstractServer<EpollEventLoop> {
    private final EpollListener[] listeners;

    private EpollServer(List<EpollEventLoop> loops, ServerConfig config, Supplier<? extends ConnectionHandler> handlers) {
        super(loops, config, handlers);
        this.listeners = new EpollListener[loops.size()];
    }

    /** Binds and starts accepting. */
    public static EpollServer bind(List<EpollEventLoop> loops, InetSocketAddress address, ServerConfig config,
                                   Supplier<? extends ConnectionHandler> handlers) throws IOException {
        EpollServer server = new EpollServer(loops, config, handlers);
        server.bind(address);
        return server;
    }

    @Override
    protected void attachListener(EpollEventLoop loop, int index, int fd) throws IOException {
        listeners[index] = EpollListener.open(loop, this, fd);
    }

    @Override
    protected void detachListener(EpollEventLoop loop, int index) {
        EpollListener l = listeners[index];
        if (l != null) {
            l.close();
        }
    }

    @Override
    protected void forEachConnection(EpollEventLoop loop, Consumer<AbstractConnection> action) {
        loop.forEachConnection(action::accept);
    }

    @Override
    protected AbstractConnection register(EpollEventLoop loop, int fd, ConnectionHandler handler,
                                          InetSocketAddress remote) throws IOException {
        return loop.newConnection(fd, handler, config.connectionConfig(), this, remote);
    }
}
