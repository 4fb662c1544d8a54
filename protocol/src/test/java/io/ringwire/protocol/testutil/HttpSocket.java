package io.ringwire.protocol.testutil;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A raw socket that writes requests by hand and reads responses strictly, as a test oracle. */
public final class HttpSocket implements AutoCloseable {
    /** One response: status, headers (names lower-cased), body. */
    public record Response(String statusLine, int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    public final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public HttpSocket(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(20_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public void send(String raw) throws IOException {
        send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Reads one response framed by its Content-Length (0 if absent), as a client of a HEAD would not. */
    public Response read() throws IOException {
        return read(false);
    }

    public Response read(boolean headRequest) throws IOException {
        String statusLine = line();
        if (!statusLine.matches("HTTP/1\\.1 \\d{3} .*")) {
            throw new AssertionError("not a status line: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            String name = l.substring(0, colon).toLowerCase(Locale.ROOT);
            if (headers.containsKey(name)) {
                throw new AssertionError("header " + name + " sent twice");
            }
            headers.put(name, l.substring(colon + 1).strip());
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int length = headRequest || !headers.containsKey("content-length") ? 0 : Integer.parseInt(headers.get("content-length"));
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new EOFException("body ended after " + body.length + " of " + length + " bytes");
        }
        return new Response(statusLine, status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** True if the server closed the connection: the next read is the end (or a reset). */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed mid-line after '" + b + "'");
            }
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                if (!s.endsWith("\r")) {
                    throw new AssertionError("a response line must end with CRLF: " + s);
                }
                return s.substring(0, s.length() - 1);
            }
            b.write(c);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
