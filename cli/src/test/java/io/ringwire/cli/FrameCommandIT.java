package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bin/ringwire frame} against the contract, with frames built by hand from its table. */
@Timeout(120)
class FrameCommandIT {
    private static final int PING = 1;
    private static final int PONG = 2;
    private static final int ECHO = 3;
    private static final int ECHO_REPLY = 4;
    private static final int ERROR = 0xFFFF;

    private record Frame(int cmd, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static byte[] frame(int cmd, long bodyLength, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(13 + body.length);
        b.putShort((short) 0x424D).put((byte) 1).putShort((short) cmd).putInt((int) bodyLength);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, 9);
        crc.update(body);
        b.putInt((int) crc.getValue()).put(body);
        return b.array();
    }

    static Frame read(DataInputStream in) throws IOException {
        byte[] header = new byte[13];
        in.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header);
        assertEquals(0x424D, h.getShort(0) & 0xFFFF, "magic");
        assertEquals(1, h.get(2), "version");
        byte[] body = new byte[h.getInt(5)];
        in.readFully(body);
        CRC32 crc = new CRC32();
        crc.update(header, 0, 9);
        crc.update(body);
        assertEquals((int) crc.getValue(), h.getInt(9), "crc32 of the server's frame");
        return new Frame(h.getShort(3) & 0xFFFF, body);
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        s.setTcpNoDelay(true);
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void servesPingEchoAndTheErrorRules(String backend) throws Exception {
        try (RingwireProcess p = RingwireProcess.start("frame", "--port", "0", "--backend", backend, "--max-frame", "1KiB")) {
            Matcher ready = p.awaitReady();
            assertEquals("frame", ready.group(1));
            assertEquals(backend, ready.group(4));
            int port = Integer.parseInt(ready.group(3));
            try (Socket s = connect(port)) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
                pipelined.writeBytes(frame(PING, 2, "hi".getBytes()));
                pipelined.writeBytes(frame(ECHO, 1024, new byte[1024]));
                pipelined.writeBytes(frame(9, 0, new byte[0]));
                pipelined.writeBytes(frame(ECHO, 3, "end".getBytes()));
                s.getOutputStream().write(pipelined.toByteArray());
                Frame pong = read(in);
                assertEquals(PONG, pong.cmd());
                assertEquals("hi", pong.text());
                Frame big = read(in);
                assertEquals(ECHO_REPLY, big.cmd());
                assertArrayEquals(new byte[1024], big.body());
                Frame unknown = read(in);
                assertEquals(ERROR, unknown.cmd());
                assertEquals("unknown cmd 0x0009", unknown.text());
                assertEquals("end", read(in).text(), "the connection stays open after an unknown cmd");

                s.getOutputStream().write(frame(ECHO, 1025, new byte[0]));
                Frame tooLong = read(in);
                assertEquals(ERROR, tooLong.cmd());
                assertTrue(tooLong.text().contains("1025") && tooLong.text().contains("1024"), tooLong.text());
                assertEquals(-1, in.read(), "closed after a body_len over --max-frame");
            }
            try (Socket s = connect(port)) {
                s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes());
                Frame bad = read(new DataInputStream(s.getInputStream()));
                assertEquals(ERROR, bad.cmd());
                assertTrue(bad.text().startsWith("bad magic"), bad.text());
                assertEquals(-1, s.getInputStream().read());
            }
            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void heartbeatPingsASilentPeerAndThenClosesIt(String backend) throws Exception {
        try (RingwireProcess p = RingwireProcess.start("frame", "--port", "0", "--backend", backend,
                "--heartbeat", "100ms", "--heartbeat-misses", "2")) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            try (Socket s = connect(port)) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                assertEquals(PING, read(in).cmd(), "a PING after 100ms of silence");
                assertEquals(-1, in.read(), "closed as dead after two silent intervals");
            }
            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }

    @ParameterizedTest
    @CsvSource({"--max-frame,abc", "--max-frame,4GiB", "--heartbeat,5x", "--heartbeat-misses,0", "--port,-1"})
    void badArgumentsExitTwoNamingThem(String option, String value) throws Exception {
        try (RingwireProcess p = RingwireProcess.start("frame", option, value)) {
            assertEquals(2, p.awaitExit());
            String err = p.stderr.join().strip();
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains(option), err);
        }
    }
}
