package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.ringwire.testutil.EchoHandler;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TestData;
import io.ringwire.testutil.TransportUnderTest;
import java.io.InputStream;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/**
 * A slow reader must not make the writer's memory grow without bound, and the pause must not
 * lose data: the watermarks hold, and every byte arrives once the reader catches up.
 */
@Timeout(60)
class BackpressureTest {
    private static final int LOW = 32 * 1024;
    private static final int HIGH = 64 * 1024;
    private static final int SLICE = 8 * 1024;
    private static final long STREAM_BYTES = 16L * 1024 * 1024;
    /** Small socket buffers, so the kernel absorbs little and the outbound queue does the holding. */
    private static final int SOCKET_BUFFER = 32 * 1024;

    private static ServerConfig smallBuffers() {
        return ServerConfig.builder().connectionConfig(ConnectionConfig.builder()
                .watermarks(LOW, HIGH).option(SocketOption.SO_SNDBUF, SOCKET_BUFFER).build()).build();
    }

    /**
     * Streams {@link #STREAM_BYTES} of {@link TestData#streamByte} while writable, stops on the
     * unwritable signal, resumes on the writable one, and half-closes at the end.
     *
     * <p>{@code flush()} may call {@code onWritabilityChanged(true)} back before it returns (the
     * kernel took enough to drop below the low watermark), so the pump guards against running
     * inside itself and keeps its position in a field.
     */
    static final class Streamer implements ConnectionHandler {
        final AtomicLong written = new AtomicLong();
        final AtomicLong maxPending = new AtomicLong();
        private final byte[] slice = new byte[SLICE];
        private boolean pumping;
        private boolean finished;

        @Override
        public void onOpen(Connection connection) {
            pump(connection);
        }

        @Override
        public void onWritabilityChanged(Connection connection, boolean writable) {
            if (writable) {
                pump(connection);
            }
        }

        private void pump(Connection c) {
            if (pumping || finished) {
                return;
            }
            pumping = true;
            try {
                while (written.get() < STREAM_BYTES && c.isWritable()) {
                    long at = written.get();
                    int n = (int) Math.min(SLICE, STREAM_BYTES - at);
                    TestData.fillStream(slice, n, at);
                    c.write(slice, 0, n);
                    written.set(at + n);
                    maxPending.accumulateAndGet(c.pendingOutboundBytes(), Math::max);
                    c.flush();
                }
            } finally {
                pumping = false;
            }
            if (written.get() == STREAM_BYTES) {
                finished = true;
                c.shutdownOutput();
            }
        }

        @Override
        public void onData(Connection connection, DirectBuffer data, int offset, int length) {
        }
    }

    @ConformanceTest
    void writerStopsAtTheHighWatermarkAndEveryByteArrives(TransportUnderTest transport) throws Exception {
        Streamer streamer = new Streamer();
        RecordingServer recorded = new RecordingServer(() -> streamer, false);
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), smallBuffers(), recorded);
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                RecordingHandler h = recorded.next();
                Connection c = h.connection();
                // The client has not read a byte: the streamer must have stopped at the watermark.
                Await.until("the server connection to become unwritable", () -> h.unwritableEvents.get() > 0);
                long stalledAt = streamer.written.get();
                assertTrue(stalledAt < STREAM_BYTES, "the writer stalls while nobody reads; wrote " + stalledAt);
                assertTrue(c.pendingOutboundBytes() > LOW, "pending " + c.pendingOutboundBytes());

                long received = 0;
                byte[] buf = new byte[64 * 1024];
                InputStream in = s.getInputStream();
                for (int r; (r = in.read(buf)) > 0; ) {
                    int bad = TestData.firstStreamMismatch(buf, r, received);
                    assertEquals(-1, bad, "stream corrupt at byte " + (received + bad));
                    received += r;
                }
                assertEquals(STREAM_BYTES, received, "every byte arrives, then EOF");
                assertTrue(streamer.maxPending.get() <= HIGH + SLICE,
                        "pending outbound peaked at " + streamer.maxPending.get() + ", above high watermark " + HIGH
                                + " plus one slice");
                assertTrue(h.writableEvents.get() > 0, "writability came back");
                assertTrue(h.errors.isEmpty(), "errors: " + h.errors);
                assertEquals(0, c.droppedBytes());
            }
        }
    }

    /**
     * The writable callback comes from inside a flush. A handler that writes its last block there
     * and half-closes must still get every byte out before the FIN. A low watermark of 0 makes
     * the callback come exactly when the queue has just run empty, the case where the flush that
     * called it could mistake the new bytes for nothing.
     */
    @ConformanceTest
    void lastWriteAndHalfCloseInsideTheWritableCallbackAreNotCutShort(TransportUnderTest transport) throws Exception {
        int first = 256 * 1024;
        int last = 1024 * 1024;
        ConnectionHandler writesTwice = new ConnectionHandler() {
            private boolean finished;

            @Override
            public void onOpen(Connection c) {
                byte[] block = new byte[first];
                TestData.fillStream(block, first, 0);
                c.write(block, 0, first);
                c.flush();
            }

            @Override
            public void onWritabilityChanged(Connection c, boolean writable) {
                if (writable && !finished) {
                    finished = true;
                    byte[] block = new byte[last];
                    TestData.fillStream(block, last, first);
                    c.write(block, 0, last);
                    c.flush();
                    c.shutdownOutput();
                }
            }

            @Override
            public void onData(Connection connection, DirectBuffer data, int offset, int length) {
            }
        };
        ServerConfig config = ServerConfig.builder().connectionConfig(ConnectionConfig.builder()
                .watermarks(0, HIGH).option(SocketOption.SO_SNDBUF, SOCKET_BUFFER).build()).build();
        RecordingServer recorded = new RecordingServer(() -> writesTwice, false);
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), config, recorded);
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                RecordingHandler h = recorded.next();
                Await.until("the first block to make the connection unwritable", () -> h.unwritableEvents.get() > 0);
                long received = 0;
                byte[] buf = new byte[64 * 1024];
                InputStream in = s.getInputStream();
                for (int r; (r = in.read(buf)) > 0; ) {
                    int bad = TestData.firstStreamMismatch(buf, r, received);
                    assertEquals(-1, bad, "stream corrupt at byte " + (received + bad));
                    received += r;
                }
                assertEquals(first + last, received, "every byte before the FIN");
                assertTrue(h.errors.isEmpty(), "errors: " + h.errors);
            }
        }
    }

    /**
     * An echo server that pauses reading while unwritable must pick the data up again when it
     * resumes: the socket's readiness edge came while it was paused and will not come again.
     * The client writes far more than the buffers hold before it reads a byte.
     */
    @ConformanceTest
    void pausedEchoServerLosesNothing(TransportUnderTest transport) throws Exception {
        byte[] payload = TestData.random(new Random(7), 8 * 1024 * 1024);
        RecordingServer recorded = new RecordingServer(() -> EchoHandler.INSTANCE, false);
        try (EventLoopGroup group = transport.newGroup(1);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), smallBuffers(), recorded);
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                Future<?> writer = threads.submit(() -> {
                    s.getOutputStream().write(payload);
                    s.shutdownOutput();
                    return null;
                });
                RecordingHandler h = recorded.next();
                Await.until("the echo server to pause reading", () -> h.unwritableEvents.get() > 0);
                byte[] echoed = Peers.readToEof(s);
                writer.get();
                assertArrayEquals(payload, echoed, TestData.describeMismatch(payload, echoed));
                assertTrue(h.unwritableEvents.get() >= 1 && h.writableEvents.get() >= 1,
                        "paused " + h.unwritableEvents + " and resumed " + h.writableEvents + " times");
                Await.get(h.closed, "the server connection to close");
                assertTrue(h.errors.isEmpty(), "errors: " + h.errors);
            }
        }
    }
}
