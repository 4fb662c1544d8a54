package io.ringwire.protocol.frame;

import io.ringwire.protocol.testutil.FrameSocket;
import io.ringwire.protocol.testutil.TestFrames;
import java.net.InetSocketAddress;

/**
 * A frame-protocol peer run in its own process (inside a network namespace, by
 * {@link HeartbeatNetnsTest}): connects, answers every PING with a PONG, and prints one line per
 * PING so the test can follow. It never closes the connection itself: once its packets are
 * dropped, it is a peer that vanished without a FIN.
 */
public final class HeartbeatPeer {
    private HeartbeatPeer() {
    }

    public static void main(String[] args) throws Exception {
        try (FrameSocket sock = new FrameSocket(new InetSocketAddress(args[0], Integer.parseInt(args[1])))) {
            sock.socket.setSoTimeout(0);
            System.out.println("connected");
            System.out.flush();
            while (true) {
                TestFrames.Parsed p = sock.read();
                if (p.cmd() == FrameCommand.PING) {
                    sock.send(TestFrames.frame(FrameCommand.PONG, p.body()));
                    System.out.println("pong");
                    System.out.flush();
                }
            }
        }
    }
}
