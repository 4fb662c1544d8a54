package io.ringwire.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.splice.SpliceProxy;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The error watches on sockets past the peer's FIN (a connection's, a relay's) are multishot and
 * edge-triggered: the kernel adds POLLRDHUP to every poll's mask, so a level-triggered or re-armed
 * one-shot watch would complete on every turn of the loop for as long as the socket is
 * half-closed. Without wall-clock measures, that spin shows as a count of completions the loop
 * handles while another connection does 200 round trips: a few per round trip, not thousands.
 */
@Timeout(30)
class ErrorWatchAtRestTest {
    private static final int ROUND_TRIPS = 200;

    @BeforeAll
    static void requireIoUring() {
        UringTestSupport.assumeIoUring();
    }

    /** Echoes, and keeps its side open after the peer's FIN. */
    private static final class EchoOpenAfterFin implements ConnectionHandler {
        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
            c.write(data, offset, length);
            c.flush();
        }

        @Override
        public void onInputShutdown(Connection c) {
        }
    }

    private static long completions(UringEventLoop loop) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(loop.completions));
        return f.join();
    }

    @Test
    void halfClosedSocketsAtRestCompleteNothing() throws Exception {
        RecordingServer recorded = new RecordingServer(EchoOpenAfterFin::new, true);
        try (EventLoopGroup group = UringTestSupport.group("watch-at-rest", 1, UringTestSupport.rings())) {
            UringEventLoop loop = (UringEventLoop) group.loops().get(0);
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (SpliceProxy proxy = SpliceProxy.start(group, Loopback.v4AnyPort(), server.localAddress(),
                    SpliceProxy.Config.defaults());
                 Socket direct = Peers.connect(server.localAddress());
                 Socket relayed = Peers.connect(proxy.localAddress());
                 Socket busy = Peers.connect(server.localAddress())) {
                // The server accepts the busy client and the relay's backend connection in either
                // order: tell them apart by what arrives.
                relayed.getOutputStream().write('r');
                RecordingHandler directSide = recorded.next();
                RecordingHandler a = recorded.next();
                RecordingHandler b = recorded.next();
                Await.until("the relayed byte to arrive", () -> a.receivedBytes.get() + b.receivedBytes.get() == 1);
                RecordingHandler relayedBackend = a.receivedBytes.get() == 1 ? a : b;
                Peers.readExactly(relayed, 1);
                // One connection and one relay past their peer's FIN, each with an error watch armed.
                direct.shutdownOutput();
                relayed.shutdownOutput();
                Await.get(directSide.inputShutdown, "the direct connection to see its FIN");
                Await.get(relayedBackend.inputShutdown, "the relay to pass its FIN on");
                Peers.assertEchoes(busy, new byte[] {0}); // settles the watches' first completions

                long before = completions(loop);
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    Peers.assertEchoes(busy, new byte[] {(byte) i});
                }
                long during = completions(loop) - before;
                assertTrue(during < ROUND_TRIPS * 8L, "completions during " + ROUND_TRIPS + " round trips: " + during);
                assertTrue(directSide.connection().isOpen(), "the half-closed connection is still open");
                assertEquals(1, proxy.activeCount(), "the half-closed relay is still open");
            }
        }
    }
}
