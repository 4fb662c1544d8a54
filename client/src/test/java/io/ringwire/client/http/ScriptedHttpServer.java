package io.ringwire.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket HTTP/1.1 server on loopback whose behaviour a test scripts per connection, for
 * what a well-behaved server never does: stay silent, drip a body, close at the wrong moment.
 * One daemon thread per connection; {@link #close()} closes the listener and every connection.
 */
final class ScriptedHttpServer implements AutoCloseable {
    /** Serves connection number {@code n} (1-based) on {@code s}, with {@code server}'s helpers; returning closes it. */
    interface Script {
        void serve(ScriptedHttpServer server, int n, Socket s) throws IOException, InterruptedException;
    }

    static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener;
    final AtomicInteger accepted = new AtomicInteger();
    /** Request heads read, over all connections. */
    final AtomicInteger requests = new AtomicInteger();
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ScriptedHttpServer(Script script) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread.ofPlatform().daemon().name("scripted-http-accept").start(() -> {
            try {
                while (true) {
                    Socket s = listener.accept();
                    int n = accepted.incrementAndGet();
                    open.add(s);
                    Thread.ofPlatform().daemon().name("scripted-http-" + n).start(() -> {
                        try (s) {
                            script.serve(this, n, s);
                        } catch (IOException | InterruptedException ignored) {
                            // the client or the test closed it
                        } finally {
                            open.remove(s);
                        }
                    });
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
    }

    int port() {
        return listener.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Reads one request head from {@code s}; false at EOF. Counts it. */
    boolean readHead(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
            if (matched == 4) {
                requests.incrementAndGet();
                return true;
            }
        }
        return false;
    }

    /** Answers every request on {@code s} with {@link #OK}, keeping the connection alive. */
    void answerEach(Socket s) throws IOException {
        while (readHead(s)) {
            s.getOutputStream().write(OK);
        }
    }

    /** Reads the request and never answers; holds the connection until the client closes it. */
    void silent(Socket s) throws IOException {
        readHead(s);
        InputStream in = s.getInputStream();
        while (in.read() >= 0) {
            // a request arrives and nothing goes back
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
