package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/**
 * Handler methods run one at a time: a write inside onData that crosses the high watermark is
 * reported by onWritabilityChanged after onData returns, never from within it.
 */
@Timeout(60)
class HandlerReentrancyTest {

    @ConformanceTest
    void writabilityIsReportedAfterTheMethodThatCausedIt(TransportUnderTest transport) throws Exception {
        AtomicBoolean inOnData = new AtomicBoolean();
        AtomicBoolean reentered = new AtomicBoolean();
        List<Boolean> events = new CopyOnWriteArrayList<>();
        byte[] big = new byte[4 * 1024 * 1024]; // far above the 64 KiB high watermark and the socket buffers
        ConnectionHandler handler = new ConnectionHandler() {
            @Override
            public void onData(Connection c, DirectBuffer data, int offset, int length) {
                inOnData.set(true);
                try {
                    c.write(big, 0, big.length);
                    c.flush();
                } finally {
                    inOnData.set(false);
                }
            }

            @Override
            public void onWritabilityChanged(Connection c, boolean writable) {
                if (inOnData.get()) {
                    reentered.set(true);
                }
                events.add(writable);
            }
        };
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> handler);
            try (Socket s = Peers.connect(server.localAddress())) {
                s.getOutputStream().write(1); // the client then reads nothing, so the queue stays full
                Await.until("the unwritable event", () -> !events.isEmpty());
                assertFalse(reentered.get(), "onWritabilityChanged ran inside onData");
                assertEquals(false, events.get(0), "the first event reports the queue above the watermark");
            }
        }
    }
}
