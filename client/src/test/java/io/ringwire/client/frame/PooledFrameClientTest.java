package io.ringwire.client.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.client.Backoff;
import io.ringwire.client.DialConfig;
import io.ringwire.client.Endpoint;
import io.ringwire.client.PoolConfig;
import io.ringwire.client.Poll;
import io.ringwire.client.RetryPolicy;
import io.ringwire.protocol.frame.FrameCommand;
import io.ringwire.protocol.frame.FrameConfig;
import io.ringwire.protocol.frame.FrameReply;
import io.ringwire.protocol.frame.FrameServer;
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
                server = serverGroup.listen(new InetSocketAddress("127.0.0.1", port), ServerConfig.defaults(),
                        FrameServer.handlers(FrameConfig.defaults()));
                FrameReply r = client.echo(endpoint, new byte[] {2}).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertArrayEquals(new byte[] {2}, r.body());
                assertEquals(2, client.stats().created(), "the old connection was not handed out: " + client.stats());
            } finally {
                server.close();
                serverGroup.close();
            }
        }
    }
}
