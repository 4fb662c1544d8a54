package io.ringwire.testutil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Plain {@link java.net.Socket} peers. They share no code with ringwire, so a test that uses one
 * on the far side checks ringwire against the JDK rather than against itself. Every socket gets a
 * read timeout, so a test that goes wrong fails instead of hanging in a blocking read.
 */
public final class Peers {
    public static final int READ_TIMEOUT_MILLIS = (int) Await.DEFAULT.toMillis();

    private Peers() {
    }

    public static Socket connect(InetSocketAddress address) throws IOException {
        return connect(address, -1);
    }

    /** Connects with a receive buffer of {@code receiveBuffer} bytes (set before connecting), or the default if negative. */
    public static Socket connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        try {
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            s.setTcpNoDelay(true);
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.connect(address, READ_TIMEOUT_MILLIS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Connects from {@code sourceIp}: any address in 127.0.0.0/8 is local on Linux, so each looks like another client. */
    public static Socket connectFrom(String sourceIp, InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        try {
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            s.bind(new InetSocketAddress(sourceIp, 0));
            s.connect(server, READ_TIMEOUT_MILLIS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    public static byte[] readExactly(Socket s, int n) throws IOException {
        byte[] b = new byte[n];
        InputStream in = s.getInputStream();
        int at = 0;
        while (at < n) {
            int r = in.read(b, at, n - at);
            if (r < 0) {
                throw new EOFException("EOF after " + at + " of " + n + " bytes");
            }
            at += r;
        }
        return b;
    }

    /** Reads until the peer's FIN; fails with the read timeout if it never comes. */
    public static byte[] readToEof(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.getInputStream().transferTo(out);
        return out.toByteArray();
    }

    /**
     * Reads to EOF, checking every byte against {@link TestData#streamByte}; returns how many came.
     * A reset instead of the EOF fails with the {@link java.net.SocketException}.
     */
    public static long readStreamToEof(Socket s) throws IOException {
        long received = 0;
        byte[] buf = new byte[64 * 1024];
        InputStream in = s.getInputStream();
        for (int r; (r = in.read(buf)) > 0; ) {
            int bad = TestData.firstStreamMismatch(buf, r, received);
            org.junit.jupiter.api.Assertions.assertEquals(-1, bad, "stream corrupt at byte " + (received + bad));
            received += r;
        }
        return received;
    }

    /** Writes {@code data} and checks that exactly it comes back. */
    public static void assertEchoes(Socket s, byte[] data) throws IOException {
        s.getOutputStream().write(data);
        s.getOutputStream().flush();
        assertArrayEquals(data, readExactly(s, data.length), "echo of " + data.length + " bytes");
    }

    /**
     * True if the peer ended the connection: the next read sees EOF or a reset. Fails with the
     * read timeout if the connection stays open and silent.
     */
    public static boolean isClosedByPeer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }
}
