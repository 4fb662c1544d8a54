package io.ringwire.client;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.DirectBuffer;

/** A loopback echo server for the client tests that counts what it accepted. */
final class EchoServer implements AutoCloseable {
    final Server server;
    final AtomicInteger accepted = new AtomicInteger();
    final Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();
    final Set<Connection> open = ConcurrentHashMap.newKeySet();

    EchoServer(EventLoopGroup group, String host) throws IOException {
        server = group.listen(new InetSocketAddress(host, 0), ServerConfig.defaults(), () -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                accepted.incrementAndGet();
                peers.add(c.remoteAddress());
                open.add(c);
            }

            @Override
            public void onData(Connection c, DirectBuffer data, int offset, int length) {
                c.writeAndFlush(data, offset, length);
            }

            @Override
            public void onClose(Connection c) {
                open.remove(c);
            }
        });
    }

    InetSocketAddress address() {
        return server.localAddress();
    }

    int port() {
        return address().getPort();
    }

    /** Closes every accepted connection (as a restarting server would), keeping the listener. */
    void dropAll() {
        open.forEach(Connection::close);
    }

    @Override
    public void close() {
        server.close();
    }
}
