package io.ringwire.uring;

import static io.ringwire.uring.UringTestSupport.CQ_ENTRIES;
import static io.ringwire.uring.UringTestSupport.SQ_ENTRIES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.loop.LoopStats;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.EchoHandler;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.TestData;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rings far too small for the traffic: an 8-entry SQ and a 16-entry CQ on both sides of 500
 * connections, a hundred at a time, each doing a few echo round trips. Submissions must wait for
 * room instead of being lost, completions that do not fit must come back from the kernel's
 * overflow list (LESSONS: Netty lost accepts there), and a multishot the kernel ends under that
 * pressure must be re-armed.
 */
@Timeout(60)
class CompletionQueuePressureTest {
    private static final int CONNECTIONS = 500;
    private static final int BATCH = 100;
    private static final int ROUND_TRIPS = 3;
    private static final Map<String, String> TINY = UringTestSupport.rings(SQ_ENTRIES, 8, CQ_ENTRIES, 16);

    @BeforeAll
    static void requireIoUring() {
        UringTestSupport.assumeIoUring();
    }

    /**
     * Sends a message, waits for its whole echo, checks it, sends the next; after the last it
     * half-closes and completes {@link #done} when the server's FIN arrives.
     */
    static final class RoundTripper implements ConnectionHandler {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final Random rnd;
        private final String name;
        private final ByteArrayOutputStream echo = new ByteArrayOutputStream();
        private byte[] sent;
        private int trips;

        RoundTripper(int id) {
            this.rnd = new Random(id);
            this.name = "connection " + id;
        }

        private void sendNext(Connection c) {
            sent = TestData.random(rnd, TestData.logUniformSize(rnd, 8 * 1024));
            echo.reset();
            c.write(sent, 0, sent.length);
            c.flush();
        }

        @Override
        public void onOpen(Connection c) {
            sendNext(c);
        }

        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
            byte[] b = new byte[length];
            data.getBytes(offset, b);
            echo.write(b, 0, length);
            if (echo.size() > sent.length) {
                done.completeExceptionally(new AssertionError(name + ": more echoed than sent in trip " + trips));
            } else if (echo.size() == sent.length) {
                if (!Arrays.equals(sent, echo.toByteArray())) {
                    done.completeExceptionally(new AssertionError(name + " trip " + trips + ": "
                            + TestData.describeMismatch(sent, echo.toByteArray())));
                    return;
                }
                if (++trips < ROUND_TRIPS) {
                    sendNext(c);
                } else {
                    c.shutdownOutput();
                }
            }
        }

        @Override
        public void onInputShutdown(Connection c) {
            if (trips == ROUND_TRIPS) {
                done.complete(null);
            } else {
                done.completeExceptionally(new AssertionError(name + ": FIN after " + trips + " round trips"));
            }
        }

        @Override
        public void onError(Connection c, Throwable cause) {
            done.completeExceptionally(cause);
        }

        @Override
        public void onClose(Connection c) {
            done.completeExceptionally(new AssertionError(name + ": closed after " + trips + " round trips"));
        }
    }

    @Test
    void fiveHundredConnectionsThroughAnEightEntrySqAndSixteenEntryCq() throws Exception {
        EventLoopGroup server = UringTestSupport.group("cq-server", 1, TINY);
        EventLoopGroup clients = UringTestSupport.group("cq-client", 1, TINY);
        try (server; clients) {
            Server s = server.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE);
            for (int first = 0; first < CONNECTIONS; first += BATCH) {
                List<RoundTripper> batch = new ArrayList<>();
                List<CompletableFuture<Connection>> connecting = new ArrayList<>();
                for (int id = first; id < first + BATCH; id++) {
                    RoundTripper r = new RoundTripper(id);
                    batch.add(r);
                    connecting.add(clients.connect(s.localAddress(), r, ConnectionConfig.defaults(),
                            UringTestSupport.NO_CONNECT_TIMER));
                }
                for (int i = 0; i < BATCH; i++) {
                    Await.get(connecting.get(i), "connection " + (first + i) + " to open");
                }
                for (int i = 0; i < BATCH; i++) {
                    Await.get(batch.get(i).done, "connection " + (first + i) + " to finish its round trips");
                }
                Await.until("the server to release the batch from " + first, () -> s.connectionCount() == 0);
            }
            Await.until("the clients to close every connection", () -> clients.stats().connectionsActive() == 0);
            LoopStats sv = UringTestSupport.stats(server, 0);
            LoopStats cl = UringTestSupport.stats(clients, 0);
            assertEquals(CONNECTIONS, sv.connectionsOpened(), "connections the server accepted");
            assertEquals(CONNECTIONS, cl.connectionsOpened(), "connections the clients opened");
            assertEquals(0, sv.acceptErrors() + sv.readErrors() + sv.writeErrors(), "server errors");
            assertEquals(sv.bytesRead(), cl.bytesWritten(), "the server read what the clients wrote");
            assertEquals(cl.bytesRead(), sv.bytesWritten(), "the clients read what the server wrote");
            assertEquals(sv.bytesRead(), sv.bytesWritten(), "an echo writes what it reads");
            System.out.printf("CompletionQueuePressureTest: cqOverflows server=%d clients=%d; "
                            + "recvBufferShortages server=%d clients=%d%n",
                    sv.cqOverflows(), cl.cqOverflows(), sv.recvBufferShortages(), cl.recvBufferShortages());
            assertTrue(sv.cqOverflows() + cl.cqOverflows() > 0,
                    "a 16-entry CQ under 100 busy connections overflowed at least once");
        }
    }

    /**
     * LESSONS (Netty 15502): accepts lost to CQ overflow. Two hundred handshakes complete in the
     * kernel while the loop is held in a task, so the one multishot accept has them all queued
     * when the loop next enters: far more completions than a 16-entry CQ holds. Each must still
     * become a connection that echoes, whether the kernel overflows the CQ or ends the multishot.
     */
    @Test
    void acceptBurstThroughASixteenEntryCqLosesNoConnection() throws Exception {
        int burst = 200;
        EventLoopGroup server = UringTestSupport.group("cq-accept", 1, TINY);
        List<Socket> sockets = new ArrayList<>();
        try (server) {
            Server s = server.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE);
            LoopStats sv = UringTestSupport.stats(server, 0);
            long overflowsBefore = sv.cqOverflows();
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            server.loops().get(0).execute(() -> {
                blocked.countDown();
                try {
                    release.await(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                assertTrue(blocked.await(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS), "the loop took the task");
                for (int i = 0; i < burst; i++) {
                    sockets.add(Peers.connect(s.localAddress())); // completes in the kernel's backlog
                }
            } finally {
                release.countDown();
            }
            Await.until(burst + " connections accepted", () -> s.connectionCount() == burst);
            for (int i = 0; i < burst; i++) {
                Peers.assertEchoes(sockets.get(i), new byte[] {(byte) i});
            }
            assertEquals(burst, sv.connectionsOpened());
            assertEquals(0, sv.acceptErrors(), "accept errors");
            long overflows = sv.cqOverflows() - overflowsBefore;
            // Not asserted: on the kernel this was written on (6.18) the burst did not raise the
            // overflow flag, so the kernel seems to bound the accepts it completes per enter. What
            // matters is that none was lost.
            System.out.printf("CompletionQueuePressureTest accept burst: cqOverflows=%d%n", overflows);
        } finally {
            for (Socket sock : sockets) {
                sock.close();
            }
        }
    }
}
