package io.ringwire.uring;

import static io.ringwire.uring.UringTestSupport.BUFFERS;
import static io.ringwire.uring.UringTestSupport.BUFFER_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionConfig;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.loop.LoopStats;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.EchoHandler;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.TestData;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The provided-buffer ring runs dry: a multishot recv ends with ENOBUFS, the data waits in the
 * socket, and the loop re-arms once handlers have given buffers back. With a ring of two or
 * four small buffers shared by fifty busy connections that happens all the time; every byte
 * must still arrive, once, in order.
 */
@Timeout(60)
class BufferRingExhaustionTest {
    private static final int CLIENTS = 50;
    private static final int PER_CLIENT = 256 * 1024;

    @BeforeAll
    static void requireIoUring() {
        UringTestSupport.assumeIoUring();
    }

    /** Fifty plain-socket clients, each writing 256 KiB in random slices while another thread reads the echo. */
    @Test
    void twoBuffersOfOneKibServeFiftyEchoClientsWithoutLoss() throws Exception {
        EventLoopGroup group = UringTestSupport.group("pbuf-2", 1,
                UringTestSupport.rings(BUFFERS, 2, BUFFER_SIZE, 1024));
        try (group; ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE);
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int id = i;
                clients.add(threads.submit(() -> {
                    echoRoundTrip(threads, server.localAddress(), id);
                    return null;
                }));
            }
            for (int i = 0; i < CLIENTS; i++) {
                Await.get(clients.get(i), "client " + i + " to get its echo back");
            }
            Await.until("the server to release every connection", () -> server.connectionCount() == 0);
            LoopStats stats = UringTestSupport.stats(group, 0);
            assertEquals((long) CLIENTS * PER_CLIENT, stats.bytesRead(), "bytes the server read");
            assertEquals(0, stats.readErrors(), "read errors");
            System.out.printf("BufferRingExhaustionTest two buffers: recvBufferShortages=%d%n", stats.recvBufferShortages());
            assertTrue(stats.recvBufferShortages() > 0,
                    "two 1 KiB buffers for fifty busy connections must run out; shortages=" + stats.recvBufferShortages());
        }
    }

    private static void echoRoundTrip(ExecutorService threads, InetSocketAddress address, int id) throws Exception {
        Random rnd = new Random(id);
        byte[] payload = TestData.random(rnd, PER_CLIENT);
        try (Socket s = Peers.connect(address)) {
            Future<byte[]> echo = threads.submit(() -> Peers.readExactly(s, PER_CLIENT));
            for (int at = 0; at < PER_CLIENT; ) {
                int n = Math.min(PER_CLIENT - at, TestData.logUniformSize(rnd, 32 * 1024));
                s.getOutputStream().write(payload, at, n);
                at += n;
            }
            byte[] back = Await.get(echo, "the echo of client " + id);
            assertArrayEquals(payload, back, () -> "client " + id + ": " + TestData.describeMismatch(payload, back));
            s.shutdownOutput();
            assertTrue(Peers.isClosedByPeer(s), "the server closes after the client's FIN");
        }
    }

    /**
     * Both sides are io_uring with four 4 KiB buffers per loop: the clients' receives run dry as
     * well as the server's, and the clients check the echo as it arrives.
     */
    @Test
    void fourBuffersOnBothSidesOfAnIoUringEcho() throws Exception {
        var rings = UringTestSupport.rings(BUFFERS, 4, BUFFER_SIZE, 4096);
        EventLoopGroup group = UringTestSupport.group("pbuf-4-server", 1, rings);
        EventLoopGroup clientGroup = UringTestSupport.group("pbuf-4-client", 1, rings);
        try (group; clientGroup) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE);
            List<RecordingHandler> handlers = new ArrayList<>();
            List<byte[]> payloads = new ArrayList<>();
            List<CompletableFuture<Connection>> connecting = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                RecordingHandler h = new RecordingHandler(null, true);
                handlers.add(h);
                payloads.add(TestData.random(new Random(1000 + i), PER_CLIENT));
                connecting.add(clientGroup.connect(server.localAddress(), h, ConnectionConfig.defaults(),
                        UringTestSupport.NO_CONNECT_TIMER));
            }
            for (int i = 0; i < CLIENTS; i++) {
                Connection c = Await.get(connecting.get(i), "client " + i + " to connect");
                byte[] p = payloads.get(i);
                // From this thread: the writes queue on the client loop in order.
                for (int at = 0; at < PER_CLIENT; at += 16 * 1024) {
                    c.write(p, at, Math.min(16 * 1024, PER_CLIENT - at));
                    c.flush();
                }
            }
            for (int i = 0; i < CLIENTS; i++) {
                RecordingHandler h = handlers.get(i);
                int id = i;
                Await.until("client " + i + " to get its echo back", () -> h.receivedBytes.get() >= PER_CLIENT);
                byte[] back = h.received();
                assertArrayEquals(payloads.get(i), back,
                        () -> "client " + id + ": " + TestData.describeMismatch(payloads.get(id), back));
                h.connection().shutdownOutput();
            }
            for (int i = 0; i < CLIENTS; i++) {
                Await.get(handlers.get(i).closed, "client " + i + " to close");
                assertTrue(handlers.get(i).errors.isEmpty(), "client " + i + ": " + handlers.get(i).errors);
            }
            Await.until("the server to release every connection", () -> server.connectionCount() == 0);
            long serverShortages = UringTestSupport.stats(group, 0).recvBufferShortages();
            long clientShortages = UringTestSupport.stats(clientGroup, 0).recvBufferShortages();
            System.out.printf("BufferRingExhaustionTest four buffers: recvBufferShortages server=%d clients=%d%n",
                    serverShortages, clientShortages);
            assertTrue(serverShortages > 0, "the server's four buffers ran out; shortages=" + serverShortages);
            assertTrue(clientShortages > 0, "the clients' four buffers ran out; shortages=" + clientShortages);
        }
    }
}
