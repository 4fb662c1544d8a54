package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Timeout;

/**
 * EventLoopGroup.shutdownGracefully: every server of the group drains under one deadline, then
 * the loops stop, and the process holds exactly the descriptors it held before the group.
 */
@Timeout(60)
class GracefulGroupShutdownTest {

    @ConformanceTest
    void everyServerDrainsThenTheLoopsStop(TransportUnderTest transport) throws Exception {
        Map<Integer, String> fdsBefore = Fds.snapshot();
        RecordingServer lines = new RecordingServer(GracefulShutdownTest::lineServer, false);
        RecordingServer echoes = RecordingServer.echo();
        RecordingHandler client = new RecordingHandler();
        EventLoopGroup group = transport.newGroup(2);
        try {
            Server a = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), lines);
            Server b = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), echoes);
            // A client connection of the group itself, to a server outside it: the loops' stop closes it.
            try (EventLoopGroup other = transport.newClientGroup(1);
                 Socket busy = Peers.connect(a.localAddress()); Socket idle = Peers.connect(b.localAddress())) {
                Server outside = other.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), RecordingServer.echo());
                Await.get(group.connect(outside.localAddress(), client), "the group's client connection");
                RecordingHandler hBusy = lines.next();
                Peers.assertEchoes(idle, "hello".getBytes(StandardCharsets.US_ASCII));
                busy.getOutputStream().write("half a re".getBytes(StandardCharsets.US_ASCII));
                Await.until("the partial request to arrive", () -> hBusy.receivedBytes.get() == 9);

                CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(
                        () -> group.shutdownGracefully(Duration.ofSeconds(20)));
                assertTrue(Peers.isClosedByPeer(idle), "the idle connection of the other server closes at once");
                Await.until("both servers to refuse new connections", () -> {
                    try {
                        return GracefulShutdownTest.refuses(a.localAddress()) && GracefulShutdownTest.refuses(b.localAddress());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                assertFalse(shutdown.isDone(), "the request in progress holds the group's shutdown");
                assertFalse(client.closed.isDone(), "the loops run until the servers have drained");

                busy.getOutputStream().write("quest\n".getBytes(StandardCharsets.US_ASCII));
                byte[] expected = "ok: half a request\n".getBytes(StandardCharsets.US_ASCII);
                assertArrayEquals(expected, Peers.readExactly(busy, expected.length), "the in-flight request is answered");
                assertTrue(Peers.isClosedByPeer(busy));
                assertTrue(Await.get(shutdown, "the group's shutdown"), "nothing had to be forced");
                assertTrue(client.closed.isDone(), "the loops stopped and closed the group's client connection");
                assertThrows(RejectedExecutionException.class, () -> group.next().execute(() -> { }),
                        "the loops have stopped");
                assertTrue(hBusy.errors.isEmpty(), "errors: " + hBusy.errors);
            }
        } finally {
            group.close(); // idempotent; here for a test that failed half way
        }
        Fds.awaitSame("after the group's graceful shutdown", fdsBefore);
    }

    /** A connection whose peer reads nothing is forced at the deadline, and nothing leaks either way. */
    @ConformanceTest
    void aStuckConnectionIsForcedAndNothingLeaks(TransportUnderTest transport) throws Exception {
        Map<Integer, String> fdsBefore = Fds.snapshot();
        RecordingServer recorded = new RecordingServer(GracefulShutdownTest::bulkWriter, false);
        EventLoopGroup group = transport.newGroup(1);
        try (Socket s = Peers.connect(group.listen(Loopback.v4AnyPort(), GracefulShutdownTest.smallSendBuffer(), recorded)
                .localAddress(), GracefulShutdownTest.SOCKET_BUFFER)) {
            RecordingHandler h = recorded.next();
            Await.until("bytes to be queued", () -> h.connection().pendingOutboundBytes() > 0);
            assertFalse(group.shutdownGracefully(Duration.ofMillis(200)), "the stuck connection had to be forced");
            assertTrue(h.closed.isDone(), "closed before the group's shutdown returned");
            assertTrue(h.connection().droppedBytes() > 0, "its queued bytes were dropped");
        } finally {
            group.close();
        }
        Fds.awaitSame("after a forced graceful shutdown", fdsBefore);
    }
}
