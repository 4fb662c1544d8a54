package io.ringwire.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ringwire.Backend;
import io.ringwire.Connection;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.protocol.testutil.Backends;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A line server built from the codec pieces: DecodingHandler, DelimiterDecoder, DelimiterEncoder. */
@Timeout(60)
class DecodingHandlerEndToEndTest {
    private static final DelimiterEncoder LINES = new DelimiterEncoder(LineDelimiter.LF_OR_CRLF, 64);

    /** Answers each line with its length and the line, upper-cased by byte. */
    private static final class Shout implements MessageHandler {
        private final org.agrona.ExpandableDirectByteBuffer out = new org.agrona.ExpandableDirectByteBuffer(128);

        @Override
        public void onMessage(Connection connection, DirectBuffer buffer, int offset, int length) {
            int n = out.putNaturalIntAscii(0, length);
            out.putByte(n++, (byte) ' ');
            for (int i = 0; i < length; i++) {
                byte b = buffer.getByte(offset + i);
                out.putByte(n++, (byte) (b >= 'a' && b <= 'z' ? b - 32 : b));
            }
            LINES.write(connection, out, 0, n);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void linesSplitAndCoalescedAreAnsweredAndATooLongLineEndsOnlyItsConnection(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "lines")) {
            Server server = group.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(),
                    () -> new DecodingHandler(sink -> new DelimiterDecoder(LineDelimiter.LF_OR_CRLF, 50, sink), new Shout()));
            try (Socket a = new Socket("127.0.0.1", server.localAddress().getPort());
                 Socket b = new Socket("127.0.0.1", server.localAddress().getPort())) {
                a.setSoTimeout(20_000);
                b.setSoTimeout(20_000);
                a.setTcpNoDelay(true);
                OutputStream out = a.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(a.getInputStream(), StandardCharsets.US_ASCII));
                out.write("hello\r\nwor".getBytes());
                out.flush();
                assertEquals("5 HELLO", in.readLine());
                out.write("ld\nx\n\n".getBytes());
                out.flush();
                assertEquals("5 WORLD", in.readLine());
                assertEquals("1 X", in.readLine());
                assertEquals("0 ", in.readLine());

                out.write(("ok\n" + "y".repeat(60) + "\nnever\n").getBytes());
                out.flush();
                assertEquals("2 OK", in.readLine(), "the reply before the fault is not lost");
                assertNull(in.readLine(), "a line over 50 bytes closes the connection");

                b.getOutputStream().write("still\n".getBytes());
                assertEquals("5 STILL", new BufferedReader(new InputStreamReader(b.getInputStream())).readLine(),
                        "the other connection is untouched");
            }
        }
    }
}
