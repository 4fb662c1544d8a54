package io.ringwire.protocol.testutil;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A plain blocking socket speaking frames by hand: the client the server cannot have been written for. */
public final class FrameSocket implements AutoCloseable {
    public final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public FrameSocket(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(20_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next frame; fails on a bad crc, throws EOFException at the end of the stream. */
    public TestFrames.Parsed read() throws IOException {
        byte[] header = new byte[13];
        in.readFully(header);
        int length = ((header[5] & 0xFF) << 24) | ((header[6] & 0xFF) << 16) | ((header[7] & 0xFF) << 8) | (header[8] & 0xFF);
        byte[] frame = new byte[13 + length];
        System.arraycopy(header, 0, frame, 0, 13);
        in.readFully(frame, 13, length);
        TestFrames.Parsed p = TestFrames.parse(frame);
        if (!p.crcOk()) {
            throw new AssertionError("the server sent a frame with a bad crc32");
        }
        return p;
    }

    /** True if the server closed: the next read is the end of the stream (or a reset). */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
