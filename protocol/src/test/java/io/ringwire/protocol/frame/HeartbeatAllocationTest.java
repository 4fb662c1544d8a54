package io.ringwire.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Backend;
import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.protocol.testutil.Backends;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A heartbeat tick on a real loop allocates nothing: the check re-arms one timer of the loop's
 * wheel instead of scheduling a new task each interval. Counted in bytes with the JVM's per-thread
 * allocation counter, so load cannot make it flaky.
 */
@Timeout(60)
class HeartbeatAllocationTest {
    private static final int TICKS = 100_000;
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(30);

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void aTickReArmsOneTimerAndAllocatesNothing(Backend backend) throws Exception {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean bean && bean.isThreadAllocatedMemorySupported(),
                "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        try (EventLoopGroup group = Backends.group(backend, 1, "hb-alloc");
             Server server = group.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(),
                     () -> new ConnectionHandler() {
                         @Override
                         public void onOpen(Connection connection) {
                             opened.complete(connection);
                         }

                         @Override
                         public void onData(Connection connection, org.agrona.DirectBuffer data, int offset, int length) {
                         }
                     });
             Socket client = new Socket(server.localAddress().getAddress(), server.localAddress().getPort())) {
            Connection c = opened.get(20, TimeUnit.SECONDS);
            long[] now = {0};
            int[] pings = {0};
            long allocated = CompletableFuture.supplyAsync(() -> {
                Heartbeat hb = new Heartbeat(c, Duration.ofNanos(INTERVAL), 3, () -> pings[0]++, () -> now[0]);
                hb.start();
                tick(hb, now); // warm up: the JIT compiles the check
                long before = bean.getCurrentThreadAllocatedBytes();
                tick(hb, now);
                long bytes = bean.getCurrentThreadAllocatedBytes() - before;
                hb.stop();
                return bytes;
            }, c.eventLoop()).get(30, TimeUnit.SECONDS);
            assertEquals(2 * TICKS, pings[0], "each tick came after one silent interval and pinged");
            // A few hundred bytes of slack for the counter itself; a task per tick would be megabytes.
            assertTrue(allocated < 1024, TICKS + " heartbeat ticks allocated " + allocated + " bytes");
        }
    }

    /** Each tick: one interval of silence passes, the check pings and re-arms, then the peer is heard. */
    private static void tick(Heartbeat hb, long[] now) {
        for (int i = 0; i < TICKS; i++) {
            now[0] += INTERVAL;
            hb.check();
            hb.heard();
        }
    }
}
