package io.ringwire.uring;

import static io.ringwire.uring.UringTestSupport.BUFFERS;
import static io.ringwire.uring.UringTestSupport.BUFFER_SIZE;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoop;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.loop.LoopStats;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.TcpQueues;
import io.ringwire.testutil.TestData;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The provided-buffer ring stays dry: a paused connection holds every buffer (completions that
 * landed after its pause was asked for are kept, with their buffers, until it resumes), and
 * another connection wants to read. Its data must wait in the socket, and the loop must wait for
 * a buffer to come back, not re-arm a recv that fails with ENOBUFS at once, again and again.
 *
 * <p>Without wall-clock measures, the spin shows as a count: failed recvs (LoopStats
 * recvBufferShortages) per task round trip through the loop while nothing else changes.
 */
@Timeout(30)
class DryBufferRingTest {
    private static final int BUFFER_COUNT = 4;
    private static final int ROUND_TRIPS = 200;

    @BeforeAll
    static void requireIoUring() {
        UringTestSupport.assumeIoUring();
    }

    /** Records what it gets; the first connection's FIN pauses the second one (say, a proxy's other side). */
    static final class Handler implements ConnectionHandler {
        final CompletableFuture<Connection> opened = new CompletableFuture<>();
        final AtomicLong received = new AtomicLong();
        volatile Connection pauseOnFin;

        @Override
        public void onOpen(Connection c) {
            opened.complete(c);
        }

        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
            received.addAndGet(length);
        }

        @Override
        public void onInputShutdown(Connection c) {
            if (pauseOnFin != null) {
                pauseOnFin.setAutoRead(false);
            }
            c.shutdownOutput();
        }
    }

    @Test
    void loopWaitsForABufferInsteadOfSpinningWhileTheRingIsDry() throws Exception {
        EventLoopGroup group = UringTestSupport.group("dry", 1,
                UringTestSupport.rings(BUFFERS, BUFFER_COUNT, BUFFER_SIZE, 1024));
        List<Handler> handlers = new ArrayList<>();
        try (group) {
            EventLoop loop = group.loops().get(0);
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> {
                Handler h = new Handler();
                handlers.add(h);
                return h;
            });
            LoopStats stats = UringTestSupport.stats(group, 0);
            try (Socket x = Peers.connect(server.localAddress()); Socket y = Peers.connect(server.localAddress());
                 Socket c = Peers.connect(server.localAddress())) {
                Await.until("three connections", () -> handlers.size() == 3);
                Handler hx = handlers.get(0);
                Handler hy = handlers.get(1);
                Handler hc = handlers.get(2);
                Connection cy = Await.get(hy.opened, "y to open");
                Await.get(hc.opened, "c to open");
                hx.pauseOnFin = cy;
                // Two iterations, so the recvs armed at accept have reached the kernel.
                UringTestSupport.onLoop(loop, () -> null);
                UringTestSupport.onLoop(loop, () -> null);

                // Hold the loop in a task while x's FIN and then y's burst arrive, so that one enter
                // runs both recvs: x's FIN completes first and its handler pauses y before y's
                // completions, which fill every buffer, are drained. They are held: the ring is dry.
                CountDownLatch blocked = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                loop.execute(() -> {
                    blocked.countDown();
                    try {
                        release.await(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertTrue(blocked.await(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS));
                x.shutdownOutput();
                byte[] burst = TestData.random(new Random(3), 8 * 1024);
                y.getOutputStream().write(burst);
                int serverPort = server.localAddress().getPort();
                Await.until("y's burst in the server's receive queue",
                        () -> TcpQueues.receiveQueue(serverPort, y.getLocalPort()) >= burst.length);
                release.countDown();
                assertTrue(Peers.isClosedByPeer(x), "x's FIN was handled: the server half-closed back");
                UringTestSupport.onLoop(loop, () -> null);
                assumeTrue(hy.received.get() == 0, "y was paused before any of its data was delivered");

                long before = stats.recvBufferShortages();
                c.getOutputStream().write(42);
                Await.until("c's recv to find the ring dry", () -> stats.recvBufferShortages() > before);
                assumeTrue(hc.received.get() == 0, "the ring is dry: c's byte waits");
                long dry = stats.recvBufferShortages();
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    UringTestSupport.onLoop(loop, () -> null);
                }
                long spun = stats.recvBufferShortages() - dry;
                assertTrue(spun < ROUND_TRIPS / 4, "while the ring stayed dry, c's recv failed for want of a buffer "
                        + spun + " more times over " + ROUND_TRIPS + " task round trips: the loop re-arms it every iteration");

                cy.setAutoRead(true);
                Await.until("y's burst", () -> hy.received.get() == burst.length);
                Await.until("c's byte once buffers are back", () -> hc.received.get() == 1);
            }
        }
    }
}
