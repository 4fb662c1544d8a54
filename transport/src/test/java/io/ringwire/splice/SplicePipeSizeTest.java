package io.ringwire.splice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.internal.Native;
import io.ringwire.internal.Sysctl;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Fds;
import io.ringwire.testutil.LogCapture;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy's pipe size reaches the relays' pipes; a size the kernel refuses is an error at
 * start-up; a refusal while running (the per-user pipe quota) keeps the kernel's pipe, the
 * connection relayed all the same, and is logged once.
 */
@Timeout(60)
class SplicePipeSizeTest {
    private static final int SIZE = 256 * 1024; // unlike the kernel's 64 KiB default, and within pipe-max-size

    /** Capacities of the pipes this process holds now and did not hold in {@code before}. */
    private static List<Integer> newPipeSizes(Map<Integer, String> before) {
        List<Integer> sizes = new ArrayList<>();
        Fds.snapshot().forEach((fd, target) -> {
            if (target.startsWith("pipe:") && !target.equals(before.get(fd))) {
                sizes.add(Native.getPipeSize(fd));
            }
        });
        return sizes;
    }

    @ConformanceTest
    void aRelaysPipesHaveTheConfiguredSize(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(1)) {
            Server echo = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), RecordingServer.echo());
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), echo.localAddress(),
                    SpliceProxy.Config.defaults().withPipeSize(SIZE))) {
                Map<Integer, String> before = Fds.snapshot();
                try (Socket s = Peers.connect(proxy.localAddress())) {
                    Peers.assertEchoes(s, new byte[] {1}); // the relay is up
                    assertEquals(List.of(SIZE, SIZE, SIZE, SIZE), newPipeSizes(before), "both ends of both pipes");
                }
                Await.until("the relay to end", () -> proxy.activeCount() == 0);
                assertEquals(0, proxy.pipeSizeRefusedCount());
            }
        }
    }

    @ConformanceTest
    void aSizeTheKernelRefusesFailsAtStartNotPerConnection(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup group = transport.newGroup(1)) {
            Map<Integer, String> before = Fds.snapshot();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpliceProxy.start(group,
                    Loopback.v4AnyPort(), Loopback.closedPort("127.0.0.1"), SpliceProxy.Config.defaults().withPipeSize(1 << 30)));
            assertTrue(e.getMessage().contains("F_SETPIPE_SZ") && e.getMessage().contains("pipe-max-size"), e.getMessage());
            Fds.awaitSame("after a refused pipe size: no listener, no pipe left open", before);
        }
    }

    /**
     * The quota cannot be used up in a test (it is per user, shared with the whole machine), but
     * its symptom can be had: EPERM from F_SETPIPE_SZ, here for a size over pipe-max-size, which
     * a proxy started without its check meets at run time, as it would meet the quota.
     */
    @ConformanceTest
    void aSizeRefusedWhileRunningKeepsTheKernelsPipeAndIsLoggedOnce(TransportUnderTest transport) throws Exception {
        int refused = 2 * Integer.parseInt(Sysctl.read("fs/pipe-max-size"));
        boolean granted;
        try (Pipe p = Pipe.open(refused)) {
            granted = true;
        } catch (IOException e) {
            granted = false;
        }
        assumeTrue(!granted, "this process may exceed pipe-max-size (CAP_SYS_RESOURCE): no EPERM to meet");
        String warning = "per-user pipe quota";
        long warningsBefore = LogCapture.messages(Level.WARNING).stream().filter(m -> m.contains(warning)).count();
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(1)) {
            Server echo = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), RecordingServer.echo());
            try (SpliceProxy proxy = SpliceProxy.startUnchecked(proxyGroup, Loopback.v4AnyPort(), echo.localAddress(),
                    SpliceProxy.Config.defaults().withPipeSize(refused))) {
                int kernelDefault;
                try (Pipe p = Pipe.open(0)) {
                    kernelDefault = p.capacity;
                }
                for (int i = 0; i < 3; i++) {
                    Map<Integer, String> before = Fds.snapshot();
                    try (Socket s = Peers.connect(proxy.localAddress())) {
                        Peers.assertEchoes(s, new byte[] {(byte) i});
                        assertEquals(List.of(kernelDefault, kernelDefault, kernelDefault, kernelDefault),
                                newPipeSizes(before), "relay " + i + " kept the kernel's pipes");
                    }
                    Await.until("relay " + i + " to end", () -> proxy.activeCount() == 0);
                }
                assertEquals(3, proxy.pipeSizeRefusedCount());
                assertEquals(0, proxy.failedConnectCount());
            }
        }
        long warnings = LogCapture.messages(Level.WARNING).stream().filter(m -> m.contains(warning)).count() - warningsBefore;
        assertEquals(1, warnings, "logged once, not once per relay");
    }
}
