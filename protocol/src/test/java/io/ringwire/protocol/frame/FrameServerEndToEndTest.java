package io.ringwire.protocol.frame;

import static io.ringwire.protocol.testutil.TestFrames.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Backend;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.protocol.testutil.Await;
import io.ringwire.protocol.testutil.Backends;
import io.ringwire.protocol.testutil.FrameSocket;
import io.ringwire.protocol.testutil.TestFrames;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The frame server over real sockets on each backend: pipelining, the error rules, splits. */
@Timeout(120)
class FrameServerEndToEndTest {
    private static final int MAX_BODY = 1 << 20;

    private static Server listen(EventLoopGroup group, FrameConfig config) throws Exception {
        return group.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(), FrameServer.handlers(config));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void aFrameClientPipeliningThousandsOfRequestsGetsEveryReplyInOrder(Backend backend) throws Exception {
        try (EventLoopGroup server = Backends.group(backend, 2, "frame-server");
             EventLoopGroup client = Backends.group(backend, 1, "frame-client")) {
            Server s = listen(server, FrameConfig.builder().maxBody(MAX_BODY).build());
            Random random = new Random(42);
            try (FrameClient c = FrameClient.connect(client, s.localAddress(), FrameConfig.defaults()).get(20, TimeUnit.SECONDS)) {
                List<byte[]> bodies = new ArrayList<>();
                List<CompletableFuture<FrameReply>> replies = new ArrayList<>();
                for (int i = 0; i < 3000; i++) {
                    int size = i % 500 == 0 ? MAX_BODY : i % 7 == 0 ? 0 : random.nextInt(i % 3 == 0 ? 70_000 : 200);
                    byte[] body = new byte[size];
                    random.nextBytes(body);
                    bodies.add(body);
                    replies.add(i % 2 == 0 ? c.echo(body) : c.ping(body)); // all sent before any reply is awaited
                }
                for (int i = 0; i < replies.size(); i++) {
                    FrameReply r = replies.get(i).get(60, TimeUnit.SECONDS);
                    assertEquals(i % 2 == 0 ? FrameCommand.ECHO_REPLY : FrameCommand.PONG, r.cmd(), "reply " + i);
                    assertArrayEquals(bodies.get(i), r.body(), "body of reply " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void anUnknownCmdGetsAnErrorAndTheConnectionStaysOpen(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "frame");
             FrameSocket sock = new FrameSocket(listen(group, FrameConfig.defaults()).localAddress())) {
            sock.send(frame(7, "x".getBytes()));
            TestFrames.Parsed error = sock.read();
            assertEquals(FrameCommand.ERROR, error.cmd());
            assertEquals("unknown cmd 0x0007", new String(error.body(), StandardCharsets.UTF_8));
            sock.send(frame(FrameCommand.PING, "still here".getBytes()));
            TestFrames.Parsed pong = sock.read();
            assertEquals(FrameCommand.PONG, pong.cmd());
            assertEquals("still here", new String(pong.body()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void badMagicVersionCrcOrLengthGetOneErrorThenAClose(Backend backend) throws Exception {
        byte[][] faults = {
            frame(0x4D42, 1, FrameCommand.PING, 0, new byte[0], true),
            frame(0x424D, 9, FrameCommand.PING, 0, new byte[0], true),
            frame(0x424D, 1, FrameCommand.ECHO, 4, new byte[] {1, 2, 3, 4}, false),
            frame(0x424D, 1, FrameCommand.ECHO, 1025, new byte[0], true),
        };
        String[] expected = {"bad magic 0x4D42", "unsupported version 9", "crc32 mismatch", "body_len 1025 is over the limit of 1024"};
        try (EventLoopGroup group = Backends.group(backend, 1, "frame")) {
            Server s = listen(group, FrameConfig.builder().maxBody(1024).build());
            for (int i = 0; i < faults.length; i++) {
                try (FrameSocket sock = new FrameSocket(s.localAddress())) {
                    // A good frame first: its reply must survive the fault that follows it in the same send.
                    ByteArrayOutputStream both = new ByteArrayOutputStream();
                    both.writeBytes(frame(FrameCommand.ECHO, "before".getBytes()));
                    both.writeBytes(faults[i]);
                    both.writeBytes(frame(FrameCommand.PING, new byte[0])); // after the fault: dropped
                    sock.send(both.toByteArray());
                    assertEquals("before", new String(sock.read().body()));
                    TestFrames.Parsed error = sock.read();
                    assertEquals(FrameCommand.ERROR, error.cmd());
                    String message = new String(error.body(), StandardCharsets.UTF_8);
                    assertTrue(message.startsWith(expected[i]), "fault " + i + ": " + message);
                    assertTrue(sock.closedByPeer(), "fault " + i + ": the server closes after the ERROR");
                }
            }
            assertEquals(0, awaitNoConnections(s), "every faulty connection is gone");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void framesSentByteByByteAndCoalescedBothWork(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "frame");
             FrameSocket sock = new FrameSocket(listen(group, FrameConfig.defaults()).localAddress())) {
            byte[] f = frame(FrameCommand.ECHO, "one byte at a time".getBytes());
            for (byte b : f) {
                sock.send(new byte[] {b});
            }
            assertEquals("one byte at a time", new String(sock.read().body()));
            ByteArrayOutputStream many = new ByteArrayOutputStream();
            for (int i = 0; i < 500; i++) {
                many.writeBytes(frame(FrameCommand.ECHO, ("n" + i).getBytes()));
            }
            sock.send(many.toByteArray());
            for (int i = 0; i < 500; i++) {
                TestFrames.Parsed p = sock.read();
                assertEquals(FrameCommand.ECHO_REPLY, p.cmd());
                assertEquals("n" + i, new String(p.body()));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void aFaultyConnectionDoesNotDisturbAnother(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "frame")) {
            Server s = listen(group, FrameConfig.defaults());
            try (FrameSocket good = new FrameSocket(s.localAddress()); FrameSocket bad = new FrameSocket(s.localAddress())) {
                good.send(frame(FrameCommand.ECHO, "a".getBytes()));
                assertEquals("a", new String(good.read().body()));
                bad.send(new byte[] {'G', 'E', 'T', ' '});
                assertEquals(FrameCommand.ERROR, bad.read().cmd());
                assertTrue(bad.closedByPeer());
                good.send(frame(FrameCommand.ECHO, "b".getBytes()));
                assertEquals("b", new String(good.read().body()));
            }
        }
    }

    private static int awaitNoConnections(Server s) {
        Await.until("every connection closed", () -> s.connectionCount() == 0);
        return s.connectionCount();
    }
}
