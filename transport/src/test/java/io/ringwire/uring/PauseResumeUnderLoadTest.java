package io.ringwire.uring;

import static io.ringwire.uring.UringTestSupport.BUFFERS;
import static io.ringwire.uring.UringTestSupport.BUFFER_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.TestData;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * setAutoRead(false) and (true) over and over while the peer sends. On io_uring a pause cannot
 * stop a multishot recv, only cancel it: completions that land before the cancel are held with
 * their buffers and delivered on resume, ahead of anything a new recv brings. A byte lost, doubled
 * or reordered at any of those seams shows up in the stream check.
 */
@Timeout(60)
class PauseResumeUnderLoadTest {
    private static final int SIZE = 8 * 1024 * 1024;
    private static final int TOGGLES = 2000;

    @BeforeAll
    static void requireIoUring() {
        UringTestSupport.assumeIoUring();
    }

    /**
     * Checks the received bytes against the test stream as they come, on the loop thread; records
     * the first problem and the FIN. With {@code pauseEvery > 0} it also pauses itself, from the
     * loop thread inside onData, every that many deliveries, and releases a permit for whoever
     * resumes it.
     */
    static final class StreamChecker implements ConnectionHandler {
        final CompletableFuture<Connection> opened = new CompletableFuture<>();
        final AtomicLong received = new AtomicLong();
        final AtomicLong pauses = new AtomicLong();
        final CompletableFuture<Long> fin = new CompletableFuture<>();
        final Semaphore pausedByHandler = new Semaphore(0);
        volatile String problem;
        private final int pauseEvery;
        private final byte[] copy = new byte[64 * 1024];
        private long deliveries;

        StreamChecker(int pauseEvery) {
            this.pauseEvery = pauseEvery;
        }

        @Override
        public void onOpen(Connection c) {
            opened.complete(c);
        }

        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
            long at = received.get();
            for (int done = 0; done < length; ) {
                int n = Math.min(copy.length, length - done);
                data.getBytes(offset + done, copy, 0, n);
                int bad = TestData.firstStreamMismatch(copy, n, at + done);
                if (bad >= 0 && problem == null) {
                    problem = "stream wrong at byte " + (at + done + bad);
                }
                done += n;
            }
            received.addAndGet(length);
            if (pauseEvery > 0 && ++deliveries % pauseEvery == 0) {
                c.setAutoRead(false);
                pauses.incrementAndGet();
                pausedByHandler.release();
            }
        }

        @Override
        public void onInputShutdown(Connection c) {
            fin.complete(received.get());
            c.shutdownOutput();
        }
    }

    /** Sends the stream, then FIN. With {@code pace} non-null, each of {@link #TOGGLES} pieces waits for a permit. */
    private static Future<?> sendStream(ExecutorService threads, Socket s, Semaphore pace, AtomicLong written) {
        return threads.submit(() -> {
            byte[] buf = new byte[SIZE];
            TestData.fillStream(buf, SIZE, 0);
            Random rnd = new Random(5);
            OutputStream out = s.getOutputStream();
            int piece = SIZE / TOGGLES + 1;
            for (int at = 0; at < SIZE; ) {
                int n;
                if (pace != null) {
                    if (!pace.tryAcquire(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new AssertionError("the toggler stopped handing out pieces at " + at);
                    }
                    n = Math.min(SIZE - at, piece);
                } else {
                    n = Math.min(SIZE - at, TestData.logUniformSize(rnd, 64 * 1024));
                }
                out.write(buf, at, n);
                at += n;
                written.set(at);
            }
            s.shutdownOutput();
            return null;
        });
    }

    /**
     * Toggles from the test thread, {@link #TOGGLES} times: pause, let the writer send its next
     * piece (so that it lands around the pause and its cancel), spin a random while, resume, and
     * half the time wait until more has arrived, so that reading really happens between toggles.
     */
    private static void toggleFromOtherThread(Connection c, StreamChecker h, Random rnd, Semaphore pace,
                                              AtomicLong written) {
        for (int i = 0; i < TOGGLES; i++) {
            c.setAutoRead(false);
            pace.release();
            for (int spin = rnd.nextInt(2000); spin > 0; spin--) {
                Thread.onSpinWait();
            }
            long before = h.received.get();
            c.setAutoRead(true);
            if (rnd.nextBoolean()) {
                int n = i;
                Await.until("more data after resume " + n,
                        () -> h.received.get() > before || h.received.get() >= written.get());
            }
        }
    }

    private static void runToggling(Map<String, String> rings, String name) throws Exception {
        StreamChecker h = new StreamChecker(0);
        EventLoopGroup group = UringTestSupport.group(name, 1, rings);
        try (group; ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> h);
            try (Socket s = Peers.connect(server.localAddress())) {
                Connection c = Await.get(h.opened, "the server to accept");
                Semaphore pace = new Semaphore(0);
                AtomicLong written = new AtomicLong();
                Future<?> writer = sendStream(threads, s, pace, written);
                toggleFromOtherThread(c, h, new Random(name.hashCode()), pace, written);
                c.setAutoRead(true);
                long atFin = Await.get(h.fin, "the FIN after every byte");
                Await.get(writer, "the client to finish writing");
                assertNull(h.problem, h.problem);
                assertEquals(SIZE, atFin, "bytes delivered before the FIN");
                assertTrue(Peers.isClosedByPeer(s));
            }
            Await.until("the server to release the connection", () -> server.connectionCount() == 0);
            System.out.printf("PauseResumeUnderLoadTest %s: recvBufferShortages=%d%n", name,
                    UringTestSupport.stats(group, 0).recvBufferShortages());
        }
    }

    @Test
    void togglingFromAnotherThreadLosesNothing() throws Exception {
        runToggling(Map.of(), "pause-default");
    }

    /** Four 1 KiB buffers: holding them while paused starves the recv, so ENOBUFS and pauses interleave. */
    @Test
    void togglingWithFourTinyBuffersLosesNothing() throws Exception {
        runToggling(UringTestSupport.rings(BUFFERS, 4, BUFFER_SIZE, 1024), "pause-tiny");
    }

    /** The handler pauses itself inside onData every third delivery; another thread resumes it each time. */
    @Test
    void pausedInsideOnDataAndResumedFromAnotherThread() throws Exception {
        StreamChecker h = new StreamChecker(3);
        EventLoopGroup group = UringTestSupport.group("pause-in-ondata", 1,
                UringTestSupport.rings(BUFFERS, 8, BUFFER_SIZE, 4096));
        try (group; ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> h);
            try (Socket s = Peers.connect(server.localAddress())) {
                Connection c = Await.get(h.opened, "the server to accept");
                Future<?> writer = sendStream(threads, s, null, new AtomicLong());
                // Each pause is answered by one resume. Bounded by the deadline: a pause nobody
                // can answer (a lost permit, a stalled stream) fails instead of spinning.
                long deadline = System.nanoTime() + Await.DEFAULT.toNanos();
                while (!h.fin.isDone()) {
                    assertTrue(System.nanoTime() - deadline < 0,
                            "stalled at " + h.received.get() + " of " + SIZE + " bytes after " + h.pauses.get() + " pauses");
                    if (h.pausedByHandler.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                        c.setAutoRead(true);
                    }
                }
                Await.get(writer, "the client to finish writing");
                assertNull(h.problem, h.problem);
                assertEquals(SIZE, (long) Await.get(h.fin, "the FIN"), "bytes delivered before the FIN");
                assertTrue(h.pauses.get() > 0, "the handler paused itself");
                assertTrue(Peers.isClosedByPeer(s));
                System.out.printf("PauseResumeUnderLoadTest pause-in-ondata: %d pauses, recvBufferShortages=%d%n",
                        h.pauses.get(), UringTestSupport.stats(group, 0).recvBufferShortages());
            }
            Await.until("the server to release the connection", () -> server.connectionCount() == 0);
        }
    }
}
