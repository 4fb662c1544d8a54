package io.ringwire.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Backend;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.protocol.testutil.Await;
import io.ringwire.protocol.testutil.Backends;
import io.ringwire.protocol.testutil.NetNamespace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A half-open connection for real: the peer runs in a network namespace, answers heartbeats for a
 * while, and then every packet in and out of its namespace is dropped (nft, or iptables). It never
 * sends a FIN or a reset; only the heartbeat can find it gone. The server must close it within
 * heartbeat × misses plus one interval of its last PONG; the bound checked here is generous
 * (seconds more), as this runs on a loaded machine, and the exact bound is HeartbeatTimingTest's.
 * Skipped, with the reason, where namespaces cannot be made (not root, no iproute2 or firewall).
 */
@Timeout(90)
class HeartbeatNetnsTest {
    /**
     * The peer is a fresh JVM, answering its first PINGs while it still loads classes: it must
     * never go two intervals without a PONG on a loaded machine, so the interval is long.
     */
    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final int MISSES = 3;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void aPeerWhosePacketsAreDroppedIsClosedAsDead(Backend backend) throws Exception {
        try (NetNamespace ns = NetNamespace.create(); EventLoopGroup group = Backends.group(backend, 1, "heartbeat-netns")) {
            FrameConfig config = FrameConfig.builder().heartbeat(INTERVAL).heartbeatMisses(MISSES).build();
            Server server = group.listen(new InetSocketAddress(ns.hostAddress, 0), ServerConfig.defaults(),
                    FrameServer.handlers(config));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process peer = new ProcessBuilder(ns.exec(List.of(java, "-cp", System.getProperty("java.class.path"),
                    HeartbeatPeer.class.getName(), ns.hostAddress, Integer.toString(server.localAddress().getPort()))))
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("connected", out.readLine(), "the peer in the namespace connects");
                // Alive for longer than misses × interval, because it answers.
                for (int i = 0; i <= MISSES; i++) {
                    assertEquals("pong", out.readLine(), "PING " + i + " answered");
                }
                assertEquals(1, server.connectionCount(), "a peer that answers PINGs stays connected");

                ns.dropAllPackets();
                long dropped = System.nanoTime();
                Await.until("the server to close the vanished peer", () -> server.connectionCount() == 0);
                long took = System.nanoTime() - dropped;
                assertTrue(peer.isAlive(), "the peer never closed: it only vanished from the network");
                long bound = INTERVAL.multipliedBy(MISSES + 1).plusSeconds(10).toNanos();
                assertTrue(took <= bound, "closed " + took / 1_000_000 + " ms after the drop; heartbeat × misses"
                        + " + interval is " + INTERVAL.multipliedBy(MISSES + 1).toMillis() + " ms (10 s allowed for load)");
            } finally {
                peer.destroyForcibly();
                peer.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
