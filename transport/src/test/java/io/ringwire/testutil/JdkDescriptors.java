package io.ringwire.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes the JDK open the descriptors it keeps for the life of the JVM once first used (see
 * {@link Fds}), so that no descriptor baseline depends on whether an earlier test used them.
 */
final class JdkDescriptors {
    private JdkDescriptors() {
    }

    static void open() {
        new SecureRandom().nextBytes(new byte[8]); // NativePRNG: /dev/random and /dev/urandom
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
             Socket accepted = listener.accept();
             ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            // A virtual thread that blocks on a socket starts the JDK's pollers. Nothing is ever
            // sent, so the read parks whatever the timing, and the timeout ends it.
            accepted.setSoTimeout(1);
            Future<?> read = virtual.submit(() -> {
                try {
                    accepted.getInputStream().read();
                } catch (SocketTimeoutException expected) {
                    // the timeout ended the park: the pollers exist now
                }
                return null;
            });
            read.get();
            client.close(); // NIO's close socket pair exists from the first socket close on
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("warming up the JDK's descriptors", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted warming up the JDK's descriptors", e);
        }
    }
}
