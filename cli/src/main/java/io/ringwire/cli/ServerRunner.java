package io.ringwire.cli;

import io.ringwire.BackendUnavailableException;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.WaitStrategy;
import io.ringwire.internal.SockAddr;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/**
 * The life of a server command: validate options, start the loops, listen, print the ready line,
 * wait for SIGTERM or SIGINT, then shut down gracefully ({@link EventLoopGroup#shutdownGracefully})
 * and exit 0.
 */
final class ServerRunner {
    private static final System.Logger LOG = System.getLogger("io.ringwire.cli");

    private ServerRunner() {
    }

    static int run(CommandSpec spec, ServerOptions options, int defaultPort,
                   Supplier<? extends ConnectionHandler> handlers) {
        return runWithGroup(spec, options, defaultPort, group -> handlers);
    }

    /**
     * As {@link #run}, for a server whose handlers need the group itself, such as {@code http}'s
     * {@code /metrics}, which reads {@link EventLoopGroup#stats()}.
     */
    static int runWithGroup(CommandSpec spec, ServerOptions options, int defaultPort,
                            Function<EventLoopGroup, Supplier<? extends ConnectionHandler>> handlers) {
        String command = spec.name();
        try {
            options.validate();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(options.host),
                    options.port == null ? defaultPort : options.port);
        } catch (UnknownHostException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--host: cannot resolve '" + options.host + "'");
        }

        EventLoopGroup group = openGroup(command, options);
        if (group == null) {
            return Main.EXIT_FAILURE;
        }
        try (group) {
            ServerConfig config = options.serverConfig();
            Server server;
            try {
                server = group.listen(address, config, options.withReadTimeout(handlers.apply(group)));
            } catch (IOException e) {
                System.err.println("ringwire " + command + ": " + Main.oneLine(e));
                return Main.EXIT_FAILURE;
            }
            CountDownLatch stop = onSignal();

            System.out.println("listening " + command + " " + SockAddr.format(server.localAddress())
                    + " backend=" + group.backend().cliName() + " threads=" + group.size());
            System.out.flush();

            awaitUninterruptibly(stop);
            LOG.log(System.Logger.Level.INFO, "shutting down: draining " + server.connectionCount()
                    + " connection(s) for at most " + options.drainTimeout.toMillis() + " ms");
            // The server drains, then the loops stop: every descriptor is closed when this returns.
            boolean clean = group.shutdownGracefully(options.drainTimeout);
            LOG.log(System.Logger.Level.INFO, clean ? "shut down cleanly" : "drain timeout reached; remaining connections were closed");
        }
        return 0;
    }

    /** The loops {@code options} ask for; null, after a one-line error on stderr, if the backend is unusable. */
    static EventLoopGroup openGroup(String command, ServerOptions options) {
        try {
            return EventLoopGroup.builder()
                    .backend(options.backend)
                    .threads(options.threads)
                    .waitStrategy(options.busyPoll ? WaitStrategy.BUSY_POLL : WaitStrategy.BLOCKING)
                    .build();
        } catch (BackendUnavailableException | IOException e) {
            System.err.println("ringwire " + command + ": backend " + options.backend.cliName() + " unusable: " + Main.oneLine(e));
            return null;
        }
    }

    /** A latch that SIGTERM or SIGINT opens: the start of a graceful shutdown. */
    static CountDownLatch onSignal() {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        return stop;
    }

    static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // Only a signal ends a server; keep waiting.
            }
        }
    }
}
