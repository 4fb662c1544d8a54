package io.ringwire.client.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.client.Backoff;
import io.ringwire.client.DialConfig;
import io.ringwire.client.Endpoint;
import io.ringwire.client.FakeClock;
import io.ringwire.client.PoolConfig;
import io.ringwire.client.Poll;
import io.ringwire.client.RequestTimeoutException;
import io.ringwire.client.RetryPolicy;
import io.ringwire.protocol.frame.FrameCommand;
import io.ringwire.protocol.frame.FrameConfig;
import io.ringwire.protocol.frame.FrameReply;
import io.ringwire.protocol.frame.FrameServer;
import io.ringwire.protocol.frame.FrameTimeoutException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PooledFrameClientTest {
    @Test
    void pipelinedRepliesMatchTheirRequestsOverFewConnections() throws Exception {
        try (EventLoopGroup serverGroup = EventLoopGroup.create(1); EventLoopGroup clientGroup = EventLoopGroup.create(2)) {
            Server server = serverGroup.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(),
                    FrameServer.handlers(FrameConfig.defaults()));
            Endpoint endpoint = new Endpoint("127.0.0.1", server.localAddress().getPort());
            try (PooledFrameClient client = new PooledFrameClient(clientGroup, DialConfig.defaults(), FrameConfig.defaults(),
                    PoolConfig.builder().maxPerEndpoint(2).build(), RetryPolicy.none())) {
                List<CompletableFuture<FrameReply>> replies = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    replies.add(client.echo(endpoint, ("msg-" + i).getBytes(StandardCharsets.US_ASCII)));
                }
                for (int i = 0; i < replies.size(); i++) {
                    FrameReply r = replies.get(i).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    assertEquals(FrameCommand.ECHO_REPLY, r.cmd());
                    assertArrayEquals(("msg-" + i).getBytes(StandardCharsets.US_ASCII), r.body(), "reply " + i);
                }
                assertTrue(client.stats().created() <= 2, client.stats().toString());
                assertEquals(FrameCommand.PONG, client.ping(endpoint, new byte[] {1}).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS).cmd());
            } finally {
                server.close();
            }
        }
    }

    @Test
    void aConnectionTheServerClosedIsReplacedAndPingChecksIdleOnes() throws Exception {
        try (EventLoopGroup clientGroup = EventLoopGroup.create(1)) {
            EventLoopGroup serverGroup = EventLoopGroup.create(1);
            Server server = serverGroup.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(),
                    FrameServer.handlers(FrameConfig.defaults()));
            int port = server.localAddress().getPort();
            Endpoint endpoint = new Endpoint("127.0.0.1", port);
            PoolConfig pool = PoolConfig.builder().maxPerEndpoint(1).healthCheckAfterIdle(Duration.ofNanos(1))
                    .reconnectBackoff(Backoff.of(Duration.ofMillis(10), Duration.ofMillis(100), Integer.MAX_VALUE, Duration.ZERO)).build();
            RetryPolicy retry = RetryPolicy.builder(Backoff.of(Duration.ofMillis(10), Duration.ofMillis(100), 500,
                    Duration.ofSeconds(Poll.TIMEOUT_SECONDS))).build();
            try (PooledFrameClient client = new PooledFrameClient(clientGroup, DialConfig.defaults(), FrameConfig.defaults(), pool, retry)) {
                assertEquals(FrameCommand.ECHO_REPLY, client.echo(endpoint, new byte[] {1}).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS).cmd());
                server.close();
                serverGroup.close();
                serverGroup = EventLoopGroup.create(1);
                GatedFrameServer restarted = new GatedFrameServer(serverGroup, port, n -> false);
                server = restarted.server;
                FrameReply r = client.echo(endpoint, new byte[] {2}).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertArrayEquals(new byte[] {2}, r.body());
                assertEquals(2, client.stats().created(), "the old connection was not handed out: " + client.stats());
                // The new connection was idle (by 1 ns) when borrowed: a PING went first, and one more per later borrow.
                int pings = restarted.pings.get();
                assertTrue(pings >= 1, "the health check sent a PING");
                client.echo(endpoint, new byte[] {3}).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertEquals(pings + 1, restarted.pings.get(), "an idle connection is checked with a PING on each borrow");
            } finally {
                server.close();
                serverGroup.close();
            }
        }
    }

    /**
     * A request gives its connection back once its frame is queued, so the pool may retire a
     * connection whose replies are still due: past its lifetime, and when the client closes.
     * The replies must still arrive. The server holds each connection shut until the test
     * opens it, so that the requests are surely outstanding when the pool retires it.
     */
    @Test
    void pipelinedRequestsOnARetiredConnectionGetTheirReplies() throws Exception {
        try (EventLoopGroup serverGroup = EventLoopGroup.create(1); EventLoopGroup clientGroup = EventLoopGroup.create(1);
             GatedFrameServer server = new GatedFrameServer(serverGroup, 0, n -> true)) {
            FakeClock clock = new FakeClock();
            PoolConfig pool = PoolConfig.builder().maxPerEndpoint(1).maxLifetime(Duration.ofMinutes(1)).idleTimeout(Duration.ZERO)
                    .housekeepingPeriod(Duration.ofMillis(5)).clock(clock).build();
            PooledFrameClient client = new PooledFrameClient(clientGroup, DialConfig.defaults(), FrameConfig.defaults(), pool,
                    RetryPolicy.none());
            try (client) {
                List<CompletableFuture<FrameReply>> replies = echoes(client, server.endpoint(), 0, 100);
                Poll.until("all 100 queued on the one connection", () -> client.stats().pending() == 0
                        && client.stats().active() == 0 && client.stats().idle() == 1);
                clock.advance(Duration.ofMinutes(2));
                Poll.until("housekeeping to retire it, past its lifetime", () -> client.stats().destroyed() == 1);
                server.open(1);
                assertReplies(replies, 0);
                Poll.until("the drained connection closed", () -> server.closed.get() == 1);

                List<CompletableFuture<FrameReply>> more = echoes(client, server.endpoint(), 100, 50);
                Poll.until("a second connection", () -> server.accepted.get() == 2);
                Poll.until("all 50 queued", () -> client.stats().pending() == 0 && client.stats().active() == 0);
                client.close(); // the pool closes its idle connection, with 50 replies due on it
                server.open(2);
                assertReplies(more, 100);
                Poll.until("closed once drained", () -> server.closed.get() == 2);
            }
        }
    }

    private static List<CompletableFuture<FrameReply>> echoes(PooledFrameClient client, Endpoint endpoint, int from, int n) {
        List<CompletableFuture<FrameReply>> replies = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            replies.add(client.echo(endpoint, ("msg-" + i).getBytes(StandardCharsets.US_ASCII)));
        }
        return replies;
    }

    private static void assertReplies(List<CompletableFuture<FrameReply>> replies, int from) throws Exception {
        for (int i = 0; i < replies.size(); i++) {
            FrameReply r = replies.get(i).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertArrayEquals(("msg-" + (from + i)).getBytes(StandardCharsets.US_ASCII), r.body(), "reply " + (from + i));
        }
    }

    /** A request the server never answers times out; its connection takes no more requests, and closes. */
    @Test
    void aRequestTheServerNeverAnswersTimesOutAndItsConnectionIsRetired() throws Exception {
        try (EventLoopGroup serverGroup = EventLoopGroup.create(1); EventLoopGroup clientGroup = EventLoopGroup.create(1);
             GatedFrameServer server = new GatedFrameServer(serverGroup, 0, n -> n == 1)) {
            FrameConfig frames = FrameConfig.builder().requestTimeout(Duration.ofMillis(300)).build();
            try (PooledFrameClient client = new PooledFrameClient(clientGroup, DialConfig.defaults(), frames,
                    PoolConfig.builder().maxPerEndpoint(1).build(), RetryPolicy.none())) {
                Throwable e = RetryPolicy.unwrap(client.echo(server.endpoint(), new byte[] {1}).handle((v, x) -> x)
                        .get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS));
                assertInstanceOf(RequestTimeoutException.class, e);
                assertTrue(e.getMessage().contains("timed out after 300 ms"), e.getMessage());
                assertInstanceOf(FrameTimeoutException.class, e.getCause());
                server.open(1); // the server reads at last, and finds the client closed it (nothing else waited on it)
                Poll.until("the silent connection closed by the client", () -> server.closed.get() == 1);
                FrameReply r = client.echo(server.endpoint(), new byte[] {2}).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertArrayEquals(new byte[] {2}, r.body());
                assertEquals(2, client.stats().created(), "a new connection for the next request: " + client.stats());
                assertEquals(1, client.stats().destroyed(), "the timed-out one was not lent again");
                assertEquals(0, client.stats().active());
            }
        }
    }
}
