package io.ringwire.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * A plain JDK peer for bench/compare in the style the JDK now recommends: blocking sockets, one
 * virtual thread per connection. It serves echo, or HTTP {@code /plaintext} (see
 * {@link PlaintextResponder}).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.ringwire.bench.peers.VirtualThreadServer --mode echo|http [--port 0]</pre>
 *
 * <p>Pinned to one CPU by the runner, the virtual threads run on one carrier thread; the JDK's
 * poller parks a blocked read and resumes it when the socket is ready. On a FIN the echo has
 * already written everything back (writes block until done), so it closes. The first line on
 * stdout is the CLI contract's ready line with {@code backend=jdk-vthreads}.
 */
public final class VirtualThreadServer {

    private VirtualThreadServer() {}

    public static void main(String[] args) throws IOException {
        PeerArgs a = PeerArgs.parse("VirtualThreadServer", args);
        boolean http = a.mode().equals("http");
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(a.host(), a.port()), 4096);
        a.ready(server.getLocalPort(), "jdk-vthreads");
        while (true) {
            Socket s = server.accept();
            Thread.ofVirtual().start(() -> serve(s, http));
        }
    }

    private static void serve(Socket s, boolean http) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            ByteBuffer view = ByteBuffer.wrap(buf);
            PlaintextResponder parser = new PlaintextResponder();
            int n;
            while ((n = in.read(buf)) > 0) {
                if (!http) {
                    out.write(buf, 0, n);
                    continue;
                }
                for (int k = parser.heads(view, 0, n); k > 0; k -= PlaintextResponder.BATCH) {
                    out.write(PlaintextResponder.RESPONSES, 0,
                            Math.min(k, PlaintextResponder.BATCH) * PlaintextResponder.RESPONSE.length);
                }
            }
        } catch (IOException e) {
            // a reset or the like: only this connection ends
        }
    }
}
