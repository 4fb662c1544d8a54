package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.EchoHandler;
import io.ringwire.testutil.Fds;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Timeout;

/**
 * Descriptors come back: after many connections open and close, and after a group closes with
 * connections still open, /proc/self/fd holds exactly what it held before.
 */
@Timeout(120)
class DescriptorLeakTest {
    private static final int CONNECTIONS = 2000;
    private static final int BATCH = 100;

    /** Loads the classes and opens the jars the test will touch, so they do not show up as a difference. */
    private static void warmUp(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup group = transport.newGroup(1); EventLoopGroup clients = transport.newClientGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE);
            runBatch(server, clients, 4);
        }
    }

    /** Opens {@code n} connections, half plain sockets and half ringwire clients, echoes a byte on each, closes them all. */
    private static void runBatch(Server server, EventLoopGroup clients, int n) throws Exception {
        List<Socket> plain = new ArrayList<>();
        List<CompletableFuture<Connection>> connecting = new ArrayList<>();
        List<RecordingHandler> handlers = new ArrayList<>();
        try {
            for (int i = 0; i < n / 2; i++) {
                plain.add(Peers.connect(server.localAddress()));
                RecordingHandler h = new RecordingHandler();
                handlers.add(h);
                connecting.add(clients.connect(server.localAddress(), h));
            }
            for (Socket s : plain) {
                Peers.assertEchoes(s, new byte[] {42});
            }
            for (int i = 0; i < connecting.size(); i++) {
                Connection c = Await.get(connecting.get(i), "connect");
                c.write(new byte[] {7}, 0, 1);
                c.flush();
            }
            for (RecordingHandler h : handlers) {
                Await.until("a ringwire client's echo", () -> h.receivedBytes.get() == 1);
                h.connection().close();
            }
        } finally {
            for (Socket s : plain) {
                s.close();
            }
        }
        for (RecordingHandler h : handlers) {
            Await.get(h.closed, "a ringwire client to close");
        }
        Await.until("the server to release every connection", () -> server.connectionCount() == 0);
        Await.until("the client group to close every connection", () -> clients.stats().connectionsActive() == 0);
    }

    @ConformanceTest
    void manyConnectionsOpenedAndClosedLeakNoDescriptor(TransportUnderTest transport) throws Exception {
        warmUp(transport);
        Map<Integer, String> beforeGroups = Fds.snapshot();
        EventLoopGroup group = transport.newGroup(2);
        EventLoopGroup clients = transport.newClientGroup(2);
        try {
            // Both ways of accepting: a listener per loop, and one listener handing connections out.
            Server[] servers = {
                group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE),
                group.listen(Loopback.v4AnyPort(),
                        ServerConfig.builder().acceptMode(ServerConfig.AcceptMode.ACCEPTOR).build(), () -> EchoHandler.INSTANCE)
            };
            Map<Integer, String> ready = Fds.snapshot();
            assertTrue(ready.size() > beforeGroups.size(), "the groups and the listeners hold descriptors");
            for (int done = 0, batch = 0; done < CONNECTIONS; done += BATCH, batch++) {
                runBatch(servers[batch % 2], clients, BATCH);
            }
            Fds.awaitSame("after " + CONNECTIONS + " connections", ready);
            assertTrue(group.stats().connectionsOpened() >= CONNECTIONS, "stats: " + group.stats());
        } finally {
            clients.close();
            group.close();
        }
        Fds.awaitSame("after both groups closed", beforeGroups);
    }

    /** Closing a group closes the connections and listeners it still holds, and its own epoll set and eventfd. */
    @ConformanceTest
    void closingAGroupWithOpenConnectionsReleasesEverything(TransportUnderTest transport) throws Exception {
        warmUp(transport);
        Map<Integer, String> beforeGroups = Fds.snapshot();
        List<RecordingHandler> handlers = new ArrayList<>();
        try (EventLoopGroup group = transport.newGroup(2)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE);
            for (int i = 0; i < 50; i++) {
                RecordingHandler h = new RecordingHandler();
                handlers.add(h);
                Await.get(group.connect(server.localAddress(), h), "connect");
            }
            Await.until("the server to accept every connection", () -> server.connectionCount() == 50);
        }
        for (RecordingHandler h : handlers) {
            assertTrue(h.closed.isDone(), "group.close() closed every connection before returning");
        }
        Fds.awaitSame("after the group closed", beforeGroups);
    }
}
