package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.ServerConfig.AcceptMode;
import io.ringwire.loop.AbstractEventLoop;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.TransportUnderTest;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/** Both ways of spreading connections over loops serve every connection, each in its own way. */
@Timeout(60)
class AcceptModeTest {
    private static final int CONNECTIONS = 40;

    @ConformanceTest
    void acceptorHandsConnectionsOutInTurn(TransportUnderTest transport) throws Exception {
        long[] perLoop = run(transport, AcceptMode.ACCEPTOR);
        assertEquals(CONNECTIONS / 2, perLoop[0]);
        assertEquals(CONNECTIONS / 2, perLoop[1]);
    }

    @ConformanceTest
    void reuseportLetsTheKernelSpreadThem(TransportUnderTest transport) throws Exception {
        long[] perLoop = run(transport, AcceptMode.REUSEPORT);
        assertEquals(CONNECTIONS, perLoop[0] + perLoop[1]);
        // 40 distinct source ports all hashing to one listener: odds of 2^-39.
        assertTrue(perLoop[0] > 0 && perLoop[1] > 0, "both loops accept: " + perLoop[0] + "/" + perLoop[1]);
    }

    private static long[] run(TransportUnderTest transport, AcceptMode mode) throws Exception {
        try (EventLoopGroup group = transport.newGroup(2)) {
            Server server = group.listen(new InetSocketAddress("127.0.0.1", 0),
                    ServerConfig.builder().acceptMode(mode).build(),
                    () -> (c, data, offset, length) -> c.writeAndFlush(data, offset, length));
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket s = new Socket("127.0.0.1", server.localAddress().getPort());
                    sockets.add(s);
                    s.getOutputStream().write(i);
                    assertEquals(i, s.getInputStream().read(), "echo on connection " + i);
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            long[] perLoop = new long[2];
            for (int i = 0; i < 2; i++) {
                perLoop[i] = ((AbstractEventLoop) group.loops().get(i)).stats().connectionsOpened();
            }
            return perLoop;
        }
    }
}
