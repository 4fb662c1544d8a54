package io.ringwire.zerocopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.DeadlineExceededException;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.SocketOption;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Fds;
import io.ringwire.testutil.Files2;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TestData;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful shutdown and deadlines (the lifecycle feature) meet {@code sendFile} (the zero-copy
 * one): a file region still queued counts as output in flight, so the drain sends all of it before
 * the close, a drain that times out fails the send and closes its file, and a write deadline
 * passes while the peer leaves a file unread.
 */
@Timeout(60)
class SendFileLifecycleTest {
    private static final int FILE_SIZE = 8 << 20;
    private static final int SOCKET_BUFFER = 32 * 1024;

    @TempDir
    Path dir;

    private static ServerConfig smallSendBuffer() {
        return ServerConfig.builder().connectionConfig(ConnectionConfig.builder()
                .option(SocketOption.SO_SNDBUF, SOCKET_BUFFER).build()).build();
    }

    /** Sends {@code file} on open; the future of the send is {@code sent}'s. */
    private record SendOnOpen(Path file, CompletableFuture<CompletableFuture<Long>> sent) implements ConnectionHandler {
        @Override
        public void onOpen(Connection c) {
            sent.complete(c.sendFile(file));
            c.flush();
        }

        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
        }
    }

    @ConformanceTest
    void theDrainSendsTheWholeFileBeforeItCloses(TransportUnderTest transport) throws Exception {
        Path file = Files2.streamFile(dir, "drained", FILE_SIZE);
        CompletableFuture<CompletableFuture<Long>> sent = new CompletableFuture<>();
        try (EventLoopGroup group = transport.newGroup(1);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), smallSendBuffer(), () -> new SendOnOpen(file, sent));
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                CompletableFuture<Long> send = Await.get(sent, "the send to start");
                Future<Boolean> shutdown = threads.submit(() -> server.shutdown(Duration.ofSeconds(30)));
                Await.until("the listener to close", () -> server.connectionCount() == 1 && refuses(server));
                assertFalse(send.isDone(), "the peer has not read: most of the file is still queued");
                long received = 0;
                byte[] buf = new byte[64 * 1024];
                for (int r; (r = s.getInputStream().read(buf)) > 0; ) {
                    assertEquals(-1, TestData.firstStreamMismatch(buf, r, received), "at " + received);
                    received += r;
                }
                assertEquals(FILE_SIZE, received, "the whole file arrives before the close");
                assertEquals(FILE_SIZE, Await.get(send, "the send to complete"));
                assertTrue(Await.get(shutdown, "shutdown to return"), "drained in time, nothing forced");
            }
            assertEquals(0, server.connectionCount());
            awaitFileClosed(file);
        }
    }

    @ConformanceTest
    void aDrainThatTimesOutFailsTheSendAndClosesTheFile(TransportUnderTest transport) throws Exception {
        Path file = Files2.streamFile(dir, "stalled", FILE_SIZE);
        CompletableFuture<CompletableFuture<Long>> sent = new CompletableFuture<>();
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), smallSendBuffer(), () -> new SendOnOpen(file, sent));
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                CompletableFuture<Long> send = Await.get(sent, "the send to start");
                // The peer never reads: the drain cannot finish and is forced at its deadline.
                assertFalse(server.shutdown(Duration.ofMillis(200)), "the stalled file send had to be forced");
                assertInstanceOf(ClosedChannelException.class, Await.failure(send, "the forced send"));
                assertEquals(0, server.connectionCount());
            }
            awaitFileClosed(file);
        }
    }

    /** The deadlines feature meets sendFile: queued file bytes are output a write deadline waits on. */
    @ConformanceTest
    void aWriteDeadlinePassesWhileOnlyAFileIsQueued(TransportUnderTest transport) throws Exception {
        Path file = Files2.streamFile(dir, "blocked", FILE_SIZE);
        CompletableFuture<CompletableFuture<Long>> sent = new CompletableFuture<>();
        RecordingServer recorded = new RecordingServer(() -> new SendOnOpen(file, sent), false);
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), smallSendBuffer(), recorded);
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                RecordingHandler h = recorded.next();
                CompletableFuture<Long> send = Await.get(sent, "the send to start");
                Await.until("the file to back up", () -> h.connection().pendingOutboundBytes() > 0);
                h.connection().setWriteDeadline(Duration.ofMillis(100));
                Await.until("the write deadline to pass", () -> !h.timeouts.isEmpty());
                assertEquals(DeadlineExceededException.Kind.WRITE, h.timeouts.get(0).kind());
                assertTrue(h.connection().isOpen(), "a write deadline does not close the connection");
                assertEquals(FILE_SIZE, Peers.readExactly(s, FILE_SIZE).length, "the file still arrives in full");
                assertEquals(FILE_SIZE, Await.get(send, "the send to complete"));
            }
        }
    }

    /** No descriptor of this process refers to {@code file} any more. */
    private static void awaitFileClosed(Path file) throws java.io.IOException {
        String path = file.toRealPath().toString();
        Await.until(path + " to be closed", () -> !Fds.snapshot().containsValue(path));
    }

    private static boolean refuses(Server server) {
        try {
            Peers.connect(server.localAddress()).close();
            return false;
        } catch (java.io.IOException refused) {
            return true;
        }
    }
}
