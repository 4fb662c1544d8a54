package io.ringwire.bench.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * A plain JDK NIO peer for bench/compare: one thread, one {@link Selector}, non-blocking
 * channels, no library. It serves echo, or HTTP {@code /plaintext} (see {@link PlaintextResponder}).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.ringwire.bench.peers.JdkNioServer --mode echo|http [--port 0]</pre>
 *
 * <p>What it does is what a careful hand-written NIO server does: reads go into one shared direct
 * buffer and are written straight back; only bytes the kernel refuses are copied to the
 * connection, which then stops reading until {@code OP_WRITE} says they are out (backpressure, as
 * bench/cserver's echo_server). On a FIN the echo writes back what is pending, then closes. The
 * first line on stdout is the CLI contract's ready line with {@code backend=jdk-nio}.
 */
public final class JdkNioServer {

    private final boolean http;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
    /** The HTTP answers as a direct buffer: k pipelined responses are one slice of it. */
    private final ByteBuffer responses;

    /** A connection's state; the key's attachment. */
    private static final class Conn {
        final PlaintextResponder parser = new PlaintextResponder();
        ByteBuffer backlog;             // echo: bytes the kernel refused
        long due, written;              // http: bytes of the response stream owed and written
        boolean peerClosed;
    }

    private JdkNioServer(boolean http) {
        this.http = http;
        responses = ByteBuffer.allocateDirect(PlaintextResponder.RESPONSES.length).put(PlaintextResponder.RESPONSES).flip();
    }

    public static void main(String[] args) throws IOException {
        PeerArgs a = PeerArgs.parse("JdkNioServer", args);
        new JdkNioServer(a.mode().equals("http")).run(a);
    }

    private void run(PeerArgs a) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(a.host(), a.port()), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        a.ready(((InetSocketAddress) server.getLocalAddress()).getPort(), "jdk-nio");
        while (true) {
            selector.select();
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                if (!key.isValid()) continue;
                if (key.isAcceptable()) {
                    accept(server, selector);
                    continue;
                }
                try {
                    serve(key);
                } catch (IOException e) {
                    close(key);                 // a reset or the like: only this connection ends
                }
            }
        }
    }

    private static void accept(ServerSocketChannel server, Selector selector) throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.register(selector, SelectionKey.OP_READ, new Conn());
        }
    }

    private void serve(SelectionKey key) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        Conn c = (Conn) key.attachment();
        if (key.isWritable() && !flush(ch, c)) return;
        while (!c.peerClosed) {
            in.clear();
            int n = ch.read(in);
            if (n == 0) break;
            if (n < 0) {
                c.peerClosed = true;
                break;
            }
            in.flip();
            if (http) {
                c.due += (long) c.parser.heads(in, 0, n) * PlaintextResponder.RESPONSE.length;
            } else {
                ch.write(in);
                if (in.hasRemaining()) c.backlog = ByteBuffer.allocate(in.remaining()).put(in).flip();
            }
            if (!flush(ch, c)) {
                key.interestOps(SelectionKey.OP_WRITE);     // stop reading until it drains
                return;
            }
            if (n < in.capacity()) break;                    // drained: a later byte raises a new event
        }
        if (c.peerClosed) close(key);
        else key.interestOps(SelectionKey.OP_READ);
    }

    /** Writes what the connection owes; true when nothing is left. */
    private boolean flush(SocketChannel ch, Conn c) throws IOException {
        if (c.backlog != null) {
            ch.write(c.backlog);
            if (c.backlog.hasRemaining()) return false;
            c.backlog = null;
        }
        while (c.written < c.due) {
            int off = (int) (c.written % PlaintextResponder.RESPONSE.length);
            int len = (int) Math.min(c.due - c.written, responses.capacity() - off);
            int n = ch.write(responses.duplicate().position(off).limit(off + len));
            c.written += n;
            if (n < len) return false;
        }
        return true;
    }

    private static void close(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
    }
}
