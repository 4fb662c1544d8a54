package io.ringwire.splice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Fds;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TestData;
import io.ringwire.testutil.Threads;
import io.ringwire.testutil.TransportUnderTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/** {@link SpliceProxy} in front of ringwire servers: integrity, half-close, backpressure, aborts and leaks. */
@Timeout(120)
class SpliceProxyTest {

    /** A backend that keeps its side open after the client's FIN, so it can still answer; echoes or not. */
    private record OpenAfterFin(boolean echo) implements io.ringwire.ConnectionHandler {
        @Override
        public void onData(io.ringwire.Connection c, org.agrona.DirectBuffer data, int offset, int length) {
            if (echo) {
                c.write(data, offset, length);
                c.flush();
            }
        }

        @Override
        public void onInputShutdown(io.ringwire.Connection c) {
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ConformanceTest
    void hundredConcurrentStreamsComeBackIntactThroughAnEchoServer(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(2);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server echo = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), RecordingServer.echo());
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), echo.localAddress(),
                    SpliceProxy.Config.defaults())) {
                List<Future<?>> streams = new ArrayList<>();
                AtomicLong mostWorkers = new AtomicLong();
                AtomicLong relayed = new AtomicLong(); // both ways: to the echo server and back
                for (int i = 0; i < 100; i++) {
                    int n = i;
                    streams.add(threads.submit(() -> {
                        byte[] data = TestData.random(new Random(n), 1000 + n * 3001); // up to ~300 KB
                        relayed.addAndGet(2L * data.length);
                        try (Socket s = Peers.connect(proxy.localAddress())) {
                            Future<?> writer = threads.submit(() -> {
                                OutputStream out = s.getOutputStream();
                                for (int at = 0; at < data.length; at += 7919) {
                                    out.write(data, at, Math.min(7919, data.length - at));
                                }
                                // Under load, once per stream: iou-wrk threads while 100 relays run.
                                mostWorkers.accumulateAndGet(Threads.countNamed("iou-wrk-"), Math::max);
                                s.shutdownOutput(); // half-close, passed through: the echo then ends its side
                                return null;
                            });
                            byte[] back = Peers.readToEof(s);
                            writer.get();
                            assertArrayEquals(data, back, "stream " + n);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : streams) {
                    Await.get(f, "a stream to come back");
                }
                Await.until("every relay to end", () -> proxy.activeCount() == 0);
                // Each relay counts its bytes before it ends, and activeCount's atomic makes them
                // visible here: every relayed byte went by splice(2), none through Java.
                assertEquals(relayed.get(), proxyGroup.stats().spliceBytes(), "bytes relayed by splice(2)");
                assertEquals(100, proxy.acceptedCount());
                assertEquals(0, proxy.failedConnectCount());
                // Three rings here, each with two iou-wrk pools capped at max_workers (4). The relay
                // splices on the loop and polls, which never go to a worker; this holds the bound
                // should anything punt work under load.
                assertTrue(mostWorkers.get() <= 3 * 2 * 4, "iou-wrk threads under load: " + mostWorkers.get());
            }
        }
    }

    @ConformanceTest
    void halfCloseIsPassedThroughAndTheOtherDirectionGoesOn(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = new RecordingServer(() -> new OpenAfterFin(false), true);
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(1)) {
            Server server = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), server.localAddress(),
                    SpliceProxy.Config.defaults());
                 Socket s = Peers.connect(proxy.localAddress())) {
                RecordingHandler h = recorded.next();
                s.getOutputStream().write(ascii("request"));
                s.shutdownOutput();
                Await.get(h.inputShutdown, "the backend to see the client's FIN");
                assertArrayEquals(ascii("request"), h.received());
                // The backend still writes after the FIN, then closes its side.
                h.connection().write(ascii("late reply"), 0, 10);
                h.connection().flush();
                h.connection().shutdownOutput();
                assertArrayEquals(ascii("late reply"), Peers.readToEof(s));
                Await.until("the relay to end after both FINs", () -> proxy.activeCount() == 0);
                assertEquals(7 + 10, proxyGroup.stats().spliceBytes(), "bytes relayed by splice(2), both ways");
            }
        }
    }

    @ConformanceTest
    void aHalfClosedRelayAtRestDoesNotSpin(TransportUnderTest transport) throws Exception {
        // The half-closed one's backend stays open and silent: one direction at EOF, the other idle.
        RecordingServer recorded = new RecordingServer(() -> new OpenAfterFin(true), true);
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(1)) {
            Server server = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), server.localAddress(),
                    SpliceProxy.Config.defaults());
                 Socket halfClosed = Peers.connect(proxy.localAddress());
                 Socket busy = Peers.connect(proxy.localAddress())) {
                RecordingHandler h = recorded.next();
                recorded.next();
                halfClosed.getOutputStream().write(ascii("bye"));
                halfClosed.shutdownOutput();
                Await.get(h.inputShutdown, "the FIN to reach the backend");
                long before = proxy.readyReports();
                // 200 round trips on the other relay: a window measured in work, not in time. A
                // relay that spun on the half-closed socket (RDHUP, level-triggered) would run up
                // reports by the thousand meanwhile; two relays at rest add none.
                for (int i = 0; i < 200; i++) {
                    Peers.assertEchoes(busy, new byte[] {(byte) i});
                }
                long during = proxy.readyReports() - before;
                assertTrue(during < 200 * 8, "readiness reports during 200 round trips: " + during);
                assertEquals(2, proxy.activeCount(), "the half-closed relay is still open for the reply direction");
            }
        }
    }

    @ConformanceTest
    void aSlowReaderHoldsTheWriterBackAndGetsEverythingOnceItReads(TransportUnderTest transport) throws Exception {
        // Paused in onOpen, on the loop, before any read: a pause asked for from the test thread
        // lands a moment later, after the proxy may already have delivered the first bytes.
        ConnectionHandler pausedFromTheStart = new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                c.setAutoRead(false);
            }

            @Override
            public void onData(Connection c, DirectBuffer data, int offset, int length) {
            }
        };
        RecordingServer recorded = new RecordingServer(() -> pausedFromTheStart, false);
        int total = 128 << 20;
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(1);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), server.localAddress(),
                    SpliceProxy.Config.defaults().withPipeSize(256 * 1024));
                 Socket s = Peers.connect(proxy.localAddress())) {
                RecordingHandler h = recorded.next();
                AtomicLong written = new AtomicLong();
                Future<?> writer = threads.submit(() -> {
                    OutputStream out = s.getOutputStream();
                    byte[] buf = new byte[1 << 16];
                    for (long at = 0; at < total; at += buf.length) {
                        TestData.fillStream(buf, buf.length, at);
                        out.write(buf);
                        written.addAndGet(buf.length);
                    }
                    s.shutdownOutput();
                    return null;
                });
                Await.until("the writer to get going", () -> written.get() > (1 << 20));
                // Socket buffers on two hops and a pipe hold tens of MiB at most, even with raised
                // tcp_rmem/tcp_wmem: 128 MiB cannot be in flight while the backend reads nothing.
                assertEquals(0, h.receivedBytes.get());
                assertFalse(writer.isDone(), "the writer finished while nobody read: " + written.get());
                h.connection().setAutoRead(true);
                Await.get(writer, "the writer to finish once the backend reads");
                Await.get(h.inputShutdown, "the FIN after the last byte");
                assertEquals(total, h.receivedBytes.get());
            }
        }
    }

    @ConformanceTest
    void aResetOnEitherSideEndsBothAndLeavesNoDescriptorOrPipe(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = new RecordingServer(null, true);
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(1)) {
            Server server = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), server.localAddress(),
                    SpliceProxy.Config.defaults())) {
                // One relay first, so lazily made things (thread-local buffers, logging) are in the baseline.
                try (Socket warm = Peers.connect(proxy.localAddress())) {
                    recorded.next();
                    warm.getOutputStream().write(1);
                }
                Await.until("the warm-up relay to end", () -> proxy.activeCount() == 0 && server.connectionCount() == 0);
                Map<Integer, String> baseline = Fds.snapshot();

                // The client resets mid-stream: the backend connection is reset too.
                Socket client = Peers.connect(proxy.localAddress());
                RecordingHandler h1 = recorded.next();
                client.getOutputStream().write(ascii("hello"));
                Await.until("bytes to pass", () -> h1.receivedBytes.get() == 5);
                client.setSoLinger(true, 0);
                client.close();
                Await.get(h1.closed, "the backend side to close after the client's reset");
                Await.until("the relay to end", () -> proxy.activeCount() == 0);
                Fds.awaitSame("after a client reset", baseline);

                // The backend goes away while the client waits: the client hears the end.
                try (Socket c2 = Peers.connect(proxy.localAddress())) {
                    RecordingHandler h2 = recorded.next();
                    h2.connection().setOption(io.ringwire.SocketOption.SO_LINGER, 0);
                    h2.connection().close();
                    assertTrue(Peers.isClosedByPeer(c2));
                }
                Await.until("the relay to end", () -> proxy.activeCount() == 0);
                Fds.awaitSame("after a backend reset", baseline);
            }
        }
    }

    @ConformanceTest
    void aResetAfterTheClientsFinEndsBothWhileTheReplyWayIsIdle(TransportUnderTest transport) throws Exception {
        // The backend stays open and silent after the FIN: the reply direction never moves, so
        // only a watch on the client's socket, already at EOF, can hear its reset.
        RecordingServer recorded = new RecordingServer(() -> new OpenAfterFin(false), true);
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(1)) {
            Server server = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), server.localAddress(),
                    SpliceProxy.Config.defaults())) {
                try (Socket warm = Peers.connect(proxy.localAddress())) {
                    recorded.next().connection().close();
                    assertTrue(Peers.isClosedByPeer(warm));
                }
                Await.until("the warm-up relay to end", () -> proxy.activeCount() == 0 && server.connectionCount() == 0);
                Map<Integer, String> baseline = Fds.snapshot();

                Socket client = Peers.connect(proxy.localAddress());
                RecordingHandler h = recorded.next();
                client.getOutputStream().write(ascii("request"));
                client.shutdownOutput();
                Await.get(h.inputShutdown, "the client's FIN to reach the backend");
                assertArrayEquals(ascii("request"), h.received());
                client.setSoLinger(true, 0);
                client.close(); // a reset, from a socket that has sent its FIN already
                Await.get(h.closed, "the backend side to close after the client's reset");
                Await.until("the relay to end", () -> proxy.activeCount() == 0);
                Fds.awaitSame("after a reset that followed a FIN", baseline);
            }
        }
    }

    @ConformanceTest
    void anIdleRelayIsEndedByTheIdleTimeout(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(1)) {
            Server server = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), server.localAddress(),
                    SpliceProxy.Config.defaults().withIdleTimeout(Duration.ofMillis(300)));
                 Socket idle = Peers.connect(proxy.localAddress())) {
                RecordingHandler h = recorded.next();
                Peers.assertEchoes(idle, ascii("once"));
                // Then silence: the proxy ends the relay and resets both sides (the client's read
                // would time out after 20 s, and fail, if nothing ended it).
                assertTrue(Peers.isClosedByPeer(idle));
                Await.get(h.closed, "the backend side to be closed too");
                Await.until("the relay to end", () -> proxy.activeCount() == 0);
            }
        }
    }

    @ConformanceTest
    void aRefusedBackendClosesTheClientAndMaxConnectionsIsHeld(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup proxyGroup = transport.newGroup(1)) {
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), Loopback.closedPort("127.0.0.1"),
                    SpliceProxy.Config.defaults());
                 Socket s = Peers.connect(proxy.localAddress())) {
                assertTrue(Peers.isClosedByPeer(s));
                Await.until("the failed connect to be counted", () -> proxy.failedConnectCount() == 1);
                Await.until("nothing active", () -> proxy.activeCount() == 0);
            }
            RecordingServer recorded = new RecordingServer(null, true);
            try (EventLoopGroup backendGroup = transport.newGroup(1)) {
                Server server = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
                try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), server.localAddress(),
                        SpliceProxy.Config.defaults().withMaxConnections(1));
                     Socket first = Peers.connect(proxy.localAddress())) {
                    recorded.next();
                    Await.until("the first to be relayed", () -> proxy.activeCount() == 1);
                    try (Socket second = Peers.connect(proxy.localAddress())) {
                        assertTrue(Peers.isClosedByPeer(second));
                    }
                    assertEquals(1, proxy.refusedCount());
                    Peers.assertEchoes(first, new byte[0]);
                }
            }
        }
    }

    @ConformanceTest
    void shutdownDrainsThenResetsWhatIsLeft(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = new RecordingServer(null, true);
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(1)) {
            Server server = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            Map<Integer, String> baseline = Fds.snapshot();
            SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), server.localAddress(),
                    SpliceProxy.Config.defaults());
            try (Socket s = Peers.connect(proxy.localAddress())) {
                RecordingHandler h = recorded.next();
                assertFalse(proxy.shutdown(Duration.ofMillis(50)), "a relay that stays open is not drained");
                assertTrue(Peers.isClosedByPeer(s));
                Await.get(h.closed, "the backend side to be closed");
            }
            assertEquals(0, proxy.activeCount());
            Await.until("the backend to let go", () -> server.connectionCount() == 0);
            Fds.awaitSame("after the proxy shut down", baseline);
        }
    }
}
