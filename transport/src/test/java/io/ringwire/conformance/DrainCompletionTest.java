package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionConfig;
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
import io.ringwire.testutil.TestData;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/**
 * A graceful drain where the last request ends somewhere other than {@code onData}: the server
 * must ask the handler again and close in time, and closing must not reset a peer that sent more.
 * Each shutdown gets a long drain timeout, so "forced" (false) can only mean the handler was
 * never asked again.
 */
@Timeout(90)
class DrainCompletionTest {
    private static final int SOCKET_BUFFER = 32 * 1024;
    private static final int BULK = 2 * 1024 * 1024;
    private static final Duration DRAIN = Duration.ofSeconds(20);

    private static ServerConfig smallSendBuffer() {
        return ServerConfig.builder().connectionConfig(ConnectionConfig.builder()
                .option(SocketOption.SO_SNDBUF, SOCKET_BUFFER).build()).build();
    }

    /**
     * One request (a newline) is answered with {@link #BULK} stream bytes, written only while the
     * connection is writable and resumed in onWritabilityChanged: the usual way to stream a large
     * body, and the answer ends in that callback, never in onData.
     */
    private static final class StreamOnWritability implements ConnectionHandler {
        private long written = -1; // -1: no request yet

        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
            for (int i = 0; i < length; i++) {
                if (data.getByte(offset + i) == '\n' && written < 0) {
                    written = 0;
                }
            }
            pump(c);
        }

        @Override
        public void onWritabilityChanged(Connection c, boolean writable) {
            pump(c);
        }

        private void pump(Connection c) {
            byte[] slice = new byte[16 * 1024];
            // A flush per slice: a queue flushed below the low watermark inside this method
            // produces no callback, so writability must be read after the flush, not before.
            while (written >= 0 && written < BULK && c.isWritable()) {
                TestData.fillStream(slice, slice.length, written);
                c.write(slice, 0, slice.length);
                c.flush();
                written += slice.length;
            }
        }

        @Override
        public boolean isIdle(Connection connection) {
            return written < 0 || written == BULK;
        }
    }

    @ConformanceTest
    void aResponseFinishedInOnWritabilityChangedEndsTheDrain(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = new RecordingServer(StreamOnWritability::new, false);
        try (EventLoopGroup group = transport.newGroup(1);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), smallSendBuffer(), recorded);
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                RecordingHandler h = recorded.next();
                s.getOutputStream().write('\n');
                Await.until("the response to stall on a full socket", () -> h.unwritableEvents.get() > 0);
                Future<Boolean> shutdown = threads.submit(() -> server.shutdown(DRAIN));
                Await.until("the listener to close", () -> refuses(server));
                assertFalse(shutdown.isDone(), "the response in progress holds the drain");
                assertEquals(BULK, Peers.readStreamToEof(s), "the whole response, then EOF");
                assertTrue(Await.get(shutdown, "shutdown to return"), "the handler was asked again and nothing was forced");
                assertTrue(h.errors.isEmpty(), "errors: " + h.errors);
            }
        }
    }

    private static boolean refuses(Server server) {
        try {
            return GracefulShutdownTest.refuses(server.localAddress());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A request answered on a worker thread, which says it is done only after the reply is out:
     * no handler method and no flush follow, so only {@link Connection#requestIdleCheck()} can
     * end the drain.
     */
    @ConformanceTest
    void aRequestFinishedOnAnotherThreadEndsTheDrainThroughRequestIdleCheck(TransportUnderTest transport)
            throws Exception {
        AtomicInteger inProgress = new AtomicInteger();
        CountDownLatch replyRead = new CountDownLatch(1);
        byte[] reply = "done\n".getBytes(StandardCharsets.US_ASCII);
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            ConnectionHandler offLoop = new ConnectionHandler() {
                @Override
                public void onData(Connection c, DirectBuffer data, int offset, int length) {
                    inProgress.incrementAndGet();
                    workers.execute(() -> {
                        c.write(reply, 0, reply.length);
                        c.flush();
                        try {
                            replyRead.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        inProgress.decrementAndGet(); // the bookkeeping after the reply
                        c.requestIdleCheck();
                    });
                }

                @Override
                public boolean isIdle(Connection connection) {
                    return inProgress.get() == 0;
                }
            };
            RecordingServer recorded = new RecordingServer(() -> offLoop, false);
            try (EventLoopGroup group = transport.newGroup(1)) {
                Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
                try (Socket s = Peers.connect(server.localAddress())) {
                    RecordingHandler h = recorded.next();
                    s.getOutputStream().write('?');
                    Await.until("the request to arrive", () -> h.receivedBytes.get() == 1);
                    Future<Boolean> shutdown = workers.submit(() -> server.shutdown(DRAIN));
                    Await.until("the listener to close", () -> refuses(server));
                    assertEquals("done\n", new String(Peers.readExactly(s, reply.length), StandardCharsets.US_ASCII));
                    assertFalse(shutdown.isDone(), "the worker has not said it is done");
                    replyRead.countDown();
                    assertTrue(Peers.isClosedByPeer(s));
                    assertTrue(Await.get(shutdown, "shutdown to return"), "requestIdleCheck ended the drain");
                    assertTrue(h.errors.isEmpty(), "errors: " + h.errors);
                }
            }
        }
    }

    /**
     * A line protocol whose answer is {@link #BULK} stream bytes, queued at once. A pipelining
     * client sends its next request while that answer is still queued: the draining server must
     * neither answer it nor close with it unread, since that close would be a reset, which cuts
     * the answer short or turns the client's EOF into ECONNRESET.
     */
    @ConformanceTest
    void aPipelinedRequestDuringTheDrainGetsTheFullAnswerThenEofNotAReset(TransportUnderTest transport)
            throws Exception {
        ConnectionHandler bulkPerLine = new ConnectionHandler() {
            private boolean partial;

            @Override
            public void onData(Connection c, DirectBuffer data, int offset, int length) {
                for (int i = 0; i < length; i++) {
                    if (data.getByte(offset + i) != '\n') {
                        partial = true;
                        continue;
                    }
                    partial = false;
                    TestData.writeStream(c, BULK);
                }
            }

            @Override
            public boolean isIdle(Connection connection) {
                return !partial;
            }
        };
        java.util.Map<Integer, String> fdsBefore = io.ringwire.testutil.Fds.snapshot();
        RecordingServer recorded = new RecordingServer(() -> bulkPerLine, false);
        try (EventLoopGroup group = transport.newGroup(1);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), smallSendBuffer(), recorded);
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                RecordingHandler h = recorded.next();
                s.getOutputStream().write("GET".getBytes(StandardCharsets.US_ASCII));
                Await.until("the partial request to arrive", () -> h.receivedBytes.get() == 3);
                Future<Boolean> shutdown = threads.submit(() -> server.shutdown(DRAIN));
                Await.until("the listener to close", () -> refuses(server));
                s.getOutputStream().write('\n');
                Await.until("the request to be complete", () -> h.receivedBytes.get() == 4);
                // The pipelined request, sent before this client has read a byte of the answer.
                s.getOutputStream().write("GET\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(BULK, Peers.readStreamToEof(s), "the first answer in full, then EOF; the second is never answered");
                assertTrue(Await.get(shutdown, "shutdown to return"), "nothing was forced");
                assertEquals(4, h.receivedBytes.get(), "the pipelined request never reached the idle handler");
                assertTrue(h.errors.isEmpty(), "errors: " + h.errors);
            }
        }
        io.ringwire.testutil.Fds.awaitSame("after the lingering close and the group's close", fdsBefore);
    }
}
