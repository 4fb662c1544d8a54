package io.ringwire.bench.zerocopy;

import io.ringwire.Backend;
import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.splice.SpliceProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.agrona.DirectBuffer;

/**
 * A stream through a proxy: {@link SpliceProxy} against a copying proxy made of two ringwire
 * connections (bytes read into the loop's buffer, copied into the other side's outbound queue,
 * reading paused while that side is not writable), on each backend. The client and the sink are
 * plain blocking sockets on their own threads; only the proxy's loop is measured.
 */
final class ProxyBench {
    private ProxyBench() {
    }

    static void run(Backend[] backends, int rounds, int mibPerSample) throws Exception {
        Map<String, Sample> results = Sample.table();
        for (int round = 0; round < rounds; round++) {
            for (Backend backend : backends) {
                for (boolean splice : new boolean[] {true, false}) {
                    String name = backend.cliName() + (splice ? " splice proxy" : " copying proxy");
                    results.computeIfAbsent(name, k -> new Sample());
                    sample(backend, splice, (long) mibPerSample << 20, results.get(name));
                }
            }
        }
        Sample.print("A " + mibPerSample + " MiB stream through a proxy, " + rounds + " rounds", results);
    }

    private static void sample(Backend backend, boolean splice, long bytes, Sample into) throws Exception {
        try (ServerSocket sink = new ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress());
             EventLoopGroup group = EventLoopGroup.builder().backend(backend).threads(1).name("bench-proxy").build()) {
            CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> drain(sink));
            InetSocketAddress backendAddress = new InetSocketAddress("127.0.0.1", sink.getLocalPort());
            InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 0);
            AutoCloseable proxy;
            InetSocketAddress proxyAddress;
            if (splice) {
                SpliceProxy p = SpliceProxy.start(group, listen, backendAddress,
                        SpliceProxy.Config.defaults().withPipeSize(1 << 20));
                proxy = p;
                proxyAddress = p.localAddress();
            } else {
                Server s = group.listen(listen, ServerConfig.defaults(), () -> new CopyingProxy(group, backendAddress));
                proxy = s::close;
                proxyAddress = s.localAddress();
            }
            try (proxy) {
                LoopCpu cpu = new LoopCpu(group);
                long cpu0 = cpu.nanos();
                long t0 = System.nanoTime();
                try (Socket s = new Socket("127.0.0.1", proxyAddress.getPort())) {
                    OutputStream out = s.getOutputStream();
                    byte[] buf = new byte[1 << 20];
                    for (long left = bytes; left > 0; left -= buf.length) {
                        out.write(buf, 0, (int) Math.min(buf.length, left));
                    }
                    s.shutdownOutput();
                    long got = drained.join();
                    if (got != bytes) {
                        throw new IOException("the sink got " + got + " of " + bytes + " bytes");
                    }
                }
                into.add(bytes, System.nanoTime() - t0, cpu.nanos() - cpu0);
            }
        }
    }

    private static long drain(ServerSocket sink) {
        try (Socket s = sink.accept()) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1 << 20];
            long total = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                total += n;
            }
            return total;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The client side of the copying proxy; it opens its backend side on open. */
    private static final class CopyingProxy implements ConnectionHandler {
        private final EventLoopGroup group;
        private final InetSocketAddress backend;
        private Connection client;
        private Connection server;

        CopyingProxy(EventLoopGroup group, InetSocketAddress backend) {
            this.group = group;
            this.backend = backend;
        }

        @Override
        public void onOpen(Connection c) {
            client = c;
            c.setAutoRead(false); // until the backend side is there
            group.connect(backend, new ConnectionHandler() {
                @Override
                public void onOpen(Connection s) {
                    server = s;
                    client.setAutoRead(true);
                }

                @Override
                public void onData(Connection s, DirectBuffer data, int offset, int length) {
                    client.write(data, offset, length);
                    client.flush();
                }

                @Override
                public void onWritabilityChanged(Connection s, boolean writable) {
                    client.setAutoRead(writable);
                }

                @Override
                public void onInputShutdown(Connection s) {
                    client.shutdownOutput();
                }
            });
        }

        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
            server.write(data, offset, length);
            server.flush();
        }

        @Override
        public void onWritabilityChanged(Connection c, boolean writable) {
            if (server != null) {
                server.setAutoRead(writable);
            }
        }

        @Override
        public void onInputShutdown(Connection c) {
            server.shutdownOutput();
        }
    }
}
