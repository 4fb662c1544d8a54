package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.ConformanceTestAllWaitStrategies;
import io.ringwire.testutil.EchoHandler;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.TestData;
import io.ringwire.testutil.TransportUnderTest;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;

/**
 * Many concurrent connections each echo a random payload of 1 B to 1 MiB, checked byte for byte.
 * The server echoes with backpressure (it pauses reading while unwritable), so large payloads
 * also drive the pause and resume path of the edge-triggered loop.
 */
@Timeout(90)
class EchoIntegrityTest {
    private static final int CONNECTIONS = 128;
    private static final int MAX_PAYLOAD = 1 << 20;

    /** Payload sizes: the extremes once each, the rest spread log-uniformly in between. */
    private static byte[][] payloads(Random rnd) {
        byte[][] p = new byte[CONNECTIONS][];
        for (int i = 0; i < CONNECTIONS; i++) {
            int size = i == 0 ? 1 : i == 1 ? MAX_PAYLOAD : TestData.logUniformSize(rnd, MAX_PAYLOAD);
            p[i] = TestData.random(rnd, size);
        }
        return p;
    }

    /**
     * Ringwire clients; every write and flush is issued from this test thread, not a loop thread,
     * interleaved across connections in random slices through all three write overloads.
     */
    @ConformanceTestAllWaitStrategies
    void ringwireClientsWritingFromATestThread(TransportUnderTest transport) throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        byte[][] payloads = payloads(rnd);
        try (EventLoopGroup server = transport.newGroup(2); EventLoopGroup clients = transport.newClientGroup(2)) {
            Server s = server.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE);
            RecordingHandler[] handlers = new RecordingHandler[CONNECTIONS];
            List<CompletableFuture<Connection>> connecting = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                handlers[i] = new RecordingHandler();
                connecting.add(clients.connect(s.localAddress(), handlers[i]));
            }
            Connection[] conns = new Connection[CONNECTIONS];
            for (int i = 0; i < CONNECTIONS; i++) {
                conns[i] = Await.get(connecting.get(i), "connect #" + i);
            }

            // Round-robin over the connections, one random slice each, until every payload is queued.
            int[] sent = new int[CONNECTIONS];
            int unfinished = CONNECTIONS;
            for (int round = 0; unfinished > 0; round++) {
                assertTrue(round < 10_000_000, "write rounds are bounded");
                for (int i = 0; i < CONNECTIONS; i++) {
                    byte[] p = payloads[i];
                    if (sent[i] == p.length) {
                        continue;
                    }
                    int n = Math.min(p.length - sent[i], 1 + rnd.nextInt(64 * 1024));
                    switch (rnd.nextInt(3)) {
                        case 0 -> conns[i].write(p, sent[i], n);
                        case 1 -> conns[i].write(ByteBuffer.wrap(p, sent[i], n));
                        default -> conns[i].write(new UnsafeBuffer(p), sent[i], n);
                    }
                    if (rnd.nextInt(4) != 0) {
                        conns[i].flush();
                    }
                    sent[i] += n;
                    if (sent[i] == p.length) {
                        conns[i].flush();
                        conns[i].shutdownOutput();
                        unfinished--;
                    }
                }
            }

            // The echo server returns everything and then closes; the client then closes too.
            for (int i = 0; i < CONNECTIONS; i++) {
                Await.get(handlers[i].closed, "connection #" + i + " to close (seed " + seed + ")");
                byte[] got = handlers[i].received();
                assertArrayEquals(payloads[i], got, "connection #" + i + ": "
                        + TestData.describeMismatch(payloads[i], got) + " (seed " + seed + ")");
                assertTrue(handlers[i].errors.isEmpty(), "connection #" + i + " errors: " + handlers[i].errors);
                assertNull(handlers[i].eventAfterClose);
            }
            Await.until("the server to release every connection", () -> s.connectionCount() == 0);
            long total = 0;
            for (byte[] p : payloads) {
                total += p.length;
            }
            assertEquals(total, server.stats().bytesRead(), "server bytesRead");
            assertEquals(total, server.stats().bytesWritten(), "server bytesWritten");
            assertEquals(CONNECTIONS, server.stats().connectionsOpened());
        }
    }

    /** Plain JDK sockets, one reader and one writer virtual thread per connection. */
    @ConformanceTestAllWaitStrategies
    void plainSocketClients(TransportUnderTest transport) throws Exception {
        plainSocketClients(transport, ServerConfig.defaults());
    }

    /** The same with one accepting loop that hands connections to the others. */
    @ConformanceTest
    void plainSocketClientsWithOneAcceptor(TransportUnderTest transport) throws Exception {
        plainSocketClients(transport, ServerConfig.builder().acceptMode(ServerConfig.AcceptMode.ACCEPTOR).build());
    }

    private static void plainSocketClients(TransportUnderTest transport, ServerConfig config) throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        byte[][] payloads = payloads(rnd);
        try (EventLoopGroup server = transport.newGroup(2);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server s = server.listen(Loopback.v4AnyPort(), config, () -> EchoHandler.INSTANCE);
            InetSocketAddress address = s.localAddress();
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                byte[] payload = payloads[i];
                long sliceSeed = rnd.nextLong();
                results.add(threads.submit(() -> {
                    try (Socket socket = Peers.connect(address)) {
                        Future<?> writer = threads.submit(() -> {
                            Random slices = new Random(sliceSeed);
                            OutputStream out = socket.getOutputStream();
                            for (int at = 0; at < payload.length; ) {
                                int n = Math.min(payload.length - at, 1 + slices.nextInt(64 * 1024));
                                out.write(payload, at, n);
                                at += n;
                            }
                            socket.shutdownOutput();
                            return null;
                        });
                        byte[] echoed = Peers.readToEof(socket);
                        writer.get();
                        return echoed;
                    }
                }));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                byte[] got = Await.get(results.get(i), "connection #" + i + " (seed " + seed + ")");
                assertArrayEquals(payloads[i], got, "connection #" + i + ": "
                        + TestData.describeMismatch(payloads[i], got) + " (seed " + seed + ")");
            }
            Await.until("the server to release every connection", () -> s.connectionCount() == 0);
        }
    }
}
