package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;

/**
 * Moving a connection's deadlines forward on its loop thread allocates nothing: the issue's
 * "moving a deadline forward allocates nothing", measured with the JVM's per-thread allocation
 * counter rather than with a profiler. Bytes, not time, so load cannot make it flaky.
 */
@Timeout(60)
class DeadlineAllocationTest {
    private static final int MOVES = 200_000;
    private static final Duration[] TIMEOUTS = {Duration.ofSeconds(30), Duration.ofSeconds(31), Duration.ofMillis(500)};

    @ConformanceTest
    void extendingDeadlinesOnTheLoopAllocatesNothing(TransportUnderTest transport) throws Exception {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean bean && bean.isThreadAllocatedMemorySupported(),
                "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1);
             Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
             Socket client = Peers.connect(server.localAddress())) {
            Connection c = recorded.next().connection();
            long allocated = Await.get(CompletableFuture.supplyAsync(() -> {
                move(c, MOVES); // warm up: the first calls make the deadline timers, and the JIT compiles
                long before = bean.getCurrentThreadAllocatedBytes();
                move(c, MOVES);
                return bean.getCurrentThreadAllocatedBytes() - before;
            }, c.eventLoop()), "moving deadlines on the loop");
            // A few hundred bytes of slack for the counter itself; one allocation per move would be megabytes.
            assertTrue(allocated < 1024, MOVES + " deadline moves allocated " + allocated + " bytes");
            c.setDeadline(Duration.ZERO);
            Peers.assertEchoes(client, new byte[] {1});
        }
    }

    private static void move(Connection c, int n) {
        for (int i = 0; i < n; i++) {
            Duration d = TIMEOUTS[i % TIMEOUTS.length];
            c.setReadDeadline(d);
            c.setWriteDeadline(d);
        }
    }
}
