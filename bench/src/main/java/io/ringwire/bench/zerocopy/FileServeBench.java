package io.ringwire.bench.zerocopy;

import io.ringwire.Backend;
import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;
import org.agrona.DirectBuffer;

/**
 * Serving a file: {@link Connection#sendFile} against a read-then-write copy through Java
 * ({@code FileChannel.read} into a direct buffer, then {@link Connection#write}), on each backend.
 * One request byte asks for the whole file; a blocking client in another thread reads and drops
 * it. Configurations are interleaved round by round, so drift on a shared machine spreads evenly.
 */
final class FileServeBench {
    private FileServeBench() {
    }

    static void run(Backend[] backends, int rounds, int fileMiB, int filesPerSample) throws Exception {
        Path dir = Files.createTempDirectory("ringwire-bench");
        Path file = dir.resolve("served");
        long size = (long) fileMiB << 20;
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] chunk = new byte[1 << 20];
            new Random(1).nextBytes(chunk);
            for (long at = 0; at < size; at += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, size - at));
            }
        }
        try {
            Map<String, Sample> results = Sample.table();
            for (int round = 0; round < rounds; round++) {
                for (Backend backend : backends) {
                    for (boolean zeroCopy : new boolean[] {true, false}) {
                        String name = backend.cliName() + (zeroCopy ? " sendFile" : " read+write copy");
                        results.computeIfAbsent(name, k -> new Sample());
                        sample(backend, zeroCopy, file, size, filesPerSample, results.get(name));
                    }
                }
            }
            Sample.print("Serving a " + fileMiB + " MiB file, " + filesPerSample + " per sample, " + rounds
                    + " rounds", results);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static void sample(Backend backend, boolean zeroCopy, Path file, long size, int files, Sample into)
            throws Exception {
        try (EventLoopGroup group = EventLoopGroup.builder().backend(backend).threads(1).name("bench-files").build();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Server server = group.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(),
                    () -> zeroCopy ? new SendFileHandler(file) : new CopyHandler(channel, size));
            LoopCpu cpu = new LoopCpu(group);
            try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
                s.setReceiveBufferSize(4 << 20);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[1 << 20];
                fetch(in, out, buf, size); // warm the page cache and the path
                long cpu0 = cpu.nanos();
                long t0 = System.nanoTime();
                for (int i = 0; i < files; i++) {
                    fetch(in, out, buf, size);
                }
                into.add(size * files, System.nanoTime() - t0, cpu.nanos() - cpu0);
            }
        }
    }

    private static void fetch(InputStream in, OutputStream out, byte[] buf, long size) throws IOException {
        out.write('G');
        out.flush();
        for (long left = size; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("EOF with " + left + " bytes to go");
            }
            left -= n;
        }
    }

    /** Each request byte queues the whole file as one region. */
    private static final class SendFileHandler implements ConnectionHandler {
        private final Path file;

        SendFileHandler(Path file) {
            this.file = file;
        }

        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
            for (int i = 0; i < length; i++) {
                c.sendFile(file);
            }
            c.flush();
        }
    }

    /** Each request byte sends the file by reads into one direct buffer and copies into the outbound queue. */
    private static final class CopyHandler implements ConnectionHandler {
        private final FileChannel channel;
        private final long size;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        private long position = -1;
        private int pending;

        CopyHandler(FileChannel channel, long size) {
            this.channel = channel;
            this.size = size;
        }

        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
            pending += length;
            pump(c);
        }

        @Override
        public void onWritabilityChanged(Connection c, boolean writable) {
            if (writable) {
                pump(c);
            }
        }

        private void pump(Connection c) {
            try {
                while (c.isWritable()) {
                    if (position < 0 || position == size) {
                        if (pending == 0) {
                            break;
                        }
                        pending--;
                        position = 0;
                    }
                    buffer.clear();
                    int n = channel.read(buffer, position);
                    buffer.flip();
                    c.write(buffer);
                    position += n;
                    c.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
