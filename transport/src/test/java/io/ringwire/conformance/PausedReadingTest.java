package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.SocketOption;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TcpQueues;
import io.ringwire.testutil.TestData;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/**
 * setAutoRead(false) then true: with edge-triggered readiness the edge for data that came while
 * paused has already fired, so resuming must pick the data (and a FIN) up by itself, with no new
 * traffic to raise another edge. The test makes sure of that order: the bytes are in the server's
 * kernel queue, and the loop has polled at least once, before reading resumes.
 */
@Timeout(30)
class PausedReadingTest {
    private static final ConnectionHandler SINK = new ConnectionHandler() {
        @Override
        public void onData(Connection connection, DirectBuffer data, int offset, int length) {
        }
    };

    private static void runOnLoop(Connection c, Runnable r) {
        Await.get(CompletableFuture.runAsync(r, c.eventLoop()), "a task on the loop");
    }

    /**
     * Resumes reading from a timer set by a loop task: a zero-delay timer set while the loop runs
     * a task fires in the next iteration, after the loop has waited for (and consumed) the events
     * pending now.
     */
    private static void resumeAfterTheNextPoll(Connection c) {
        CompletableFuture<Void> resumed = new CompletableFuture<>();
        c.eventLoop().execute(() -> c.eventLoop().schedule(() -> {
            c.setAutoRead(true);
            resumed.complete(null);
        }, 0, TimeUnit.MILLISECONDS));
        Await.get(resumed, "reading to resume");
    }

    private static void awaitInServerKernel(Connection serverSide, Socket client, long bytes) {
        int local = serverSide.localAddress().getPort();
        int remote = client.getLocalPort();
        Await.until(bytes + " bytes in the server's receive queue",
                () -> TcpQueues.receiveQueue(local, remote) >= bytes);
    }

    @ConformanceTest
    void dataThatArrivedWhilePausedIsReadOnResume(TransportUnderTest transport) throws Exception {
        byte[] payload = TestData.random(new Random(11), 20_000);
        RecordingServer recorded = new RecordingServer(() -> SINK, true);
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket s = Peers.connect(server.localAddress())) {
                RecordingHandler h = recorded.next();
                Connection c = h.connection();
                runOnLoop(c, () -> c.setAutoRead(false));
                s.getOutputStream().write(payload);
                awaitInServerKernel(c, s, payload.length);
                assertEquals(0, h.receivedBytes.get(), "nothing is delivered while paused");

                resumeAfterTheNextPoll(c);
                Await.until("the paused data to be delivered", () -> h.receivedBytes.get() == payload.length);
                assertArrayEquals(payload, h.received());
            }
        }
    }

    @ConformanceTest
    void finThatArrivedWhilePausedIsSeenOnResume(TransportUnderTest transport) throws Exception {
        byte[] payload = TestData.random(new Random(12), 5_000);
        RecordingServer recorded = new RecordingServer(() -> SINK, true);
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket s = Peers.connect(server.localAddress())) {
                RecordingHandler h = recorded.next();
                Connection c = h.connection();
                runOnLoop(c, () -> c.setAutoRead(false));
                s.getOutputStream().write(payload);
                s.shutdownOutput();
                awaitInServerKernel(c, s, payload.length);
                assertFalse(h.inputShutdown.isDone(), "the FIN waits while paused");

                resumeAfterTheNextPoll(c);
                Await.get(h.inputShutdown, "the FIN to be seen after resuming");
                assertArrayEquals(payload, h.received(), "every byte before the FIN");
                // The default onInputShutdown half-closes too, so the connection ends.
                Await.get(h.closed, "the connection to close");
                assertTrue(Peers.isClosedByPeer(s));
            }
        }
    }

    /**
     * More bytes wait in the kernel than one event's read budget takes (16 reads of 64 KiB), and
     * no more will come: the loop must come back for the rest by itself.
     */
    @ConformanceTest
    void connectionThatUsedUpItsReadBudgetIsResumedByTheLoop(TransportUnderTest transport) throws Exception {
        int size = 3 * 1024 * 1024 / 2;
        byte[] payload = TestData.random(new Random(13), size);
        RecordingServer recorded = new RecordingServer(() -> SINK, true);
        // A large receive buffer, so the whole payload fits in the server's kernel queue at once.
        ServerConfig config = ServerConfig.builder().listenerOption(SocketOption.SO_RCVBUF, 4 * 1024 * 1024).build();
        try (EventLoopGroup group = transport.newGroup(1);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), config, recorded);
            try (Socket s = Peers.connect(server.localAddress())) {
                RecordingHandler h = recorded.next();
                Connection c = h.connection();
                runOnLoop(c, () -> c.setAutoRead(false));
                Future<?> writer = threads.submit(() -> {
                    s.getOutputStream().write(payload);
                    return null;
                });
                int local = c.localAddress().getPort();
                int remote = s.getLocalPort();
                boolean queued = Await.holdsWithin(Duration.ofSeconds(5), () -> TcpQueues.receiveQueue(local, remote) == size);
                assumeTrue(queued, "this kernel holds only " + TcpQueues.receiveQueue(local, remote) + " of " + size
                        + " bytes for a paused reader (net.core.rmem_max too small?)");
                Await.get(writer, "the client to finish writing");

                resumeAfterTheNextPoll(c);
                Await.until("every byte to be delivered", () -> h.receivedBytes.get() == size);
                assertArrayEquals(payload, h.received());
            }
        }
    }
}
