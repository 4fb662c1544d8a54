package io.ringwire.cli;

import io.ringwire.EventLoopGroup;
import io.ringwire.Keepalive;
import io.ringwire.internal.SockAddr;
import io.ringwire.splice.SpliceProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ringwire proxy --listen H:P --to H:P}: a TCP proxy whose bytes move by {@code splice(2)}
 * through pipes ({@link SpliceProxy}), on either backend.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true, modelTransformer = ProxyCommand.WithoutRequestOptions.class,
        description = "A TCP proxy using splice: each connection accepted on --listen is joined to a new connection"
                + " to --to, both directions, half-close passed through, a reset passed on as a reset."
                + " --listen H:P may replace --host and --port; default port 7200."
                + " The limits and --tcp-keepalive apply as in the servers, keepalive on both sockets of a relay.")
final class ProxyCommand implements Callable<Integer> {
    /**
     * Server options that mean nothing to a byte relay: {@code --read-timeout} bounds the wait for
     * a request, and a relay has none ({@code --idle-timeout} closes a quiet relay). Taken out of
     * the help, and giving one is a usage error that says why (exit 2).
     */
    static final java.util.List<String> NOT_FOR_PROXY = java.util.List.of("--read-timeout");
    static final int DEFAULT_PORT = 7200;
    private static final System.Logger LOG = System.getLogger("io.ringwire.cli");

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions options = new ServerOptions();

    @Option(names = "--listen", paramLabel = "H:P", converter = HostPort.class,
            description = "Address to accept on (instead of --host and --port); [::1]:P for IPv6.")
    InetSocketAddress listen;

    @Option(names = "--to", paramLabel = "H:P", converter = HostPort.class, required = true,
            description = "The backend every accepted connection is relayed to.")
    InetSocketAddress to;

    @Option(names = "--pipe-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Bytes per pipe, two pipes per connection (F_SETPIPE_SZ), such as 1MiB (default: the"
                    + " kernel's, 64KiB). Checked at start: over /proc/sys/fs/pipe-max-size needs CAP_SYS_RESOURCE."
                    + " Unprivileged users share a quota of pipe memory (fs/pipe-user-pages-soft, 64MiB per user);"
                    + " past it relays keep the kernel's size, logged once.")
    long pipeSize;

    @Override
    public Integer call() {
        try {
            options.validate();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        for (String name : NOT_FOR_PROXY) {
            if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                throw new CommandLine.ParameterException(spec.commandLine(), name
                        + ": not an option of proxy: a relay has no requests to time; --idle-timeout closes a quiet relay");
            }
        }
        boolean hostOrPort = spec.commandLine().getParseResult().hasMatchedOption("--host")
                || spec.commandLine().getParseResult().hasMatchedOption("--port");
        if (listen != null && hostOrPort) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--listen: give either --listen or --host/--port, not both");
        }
        if (to.getPort() == 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--to: the backend's port must not be 0");
        }
        if (pipeSize < 0 || pipeSize > Integer.MAX_VALUE) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pipe-size: must be within 0..2GiB, got " + pipeSize);
        }
        try {
            SpliceProxy.checkPipeSize((int) pipeSize); // else every connection would be refused, after "listening"
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pipe-size: " + e.getMessage());
        }
        InetSocketAddress address = listen != null ? listen
                : new InetSocketAddress(options.host, options.port == null ? DEFAULT_PORT : options.port);
        if (address.isUnresolved()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--host: cannot resolve '" + options.host + "'");
        }
        EventLoopGroup group = ServerRunner.openGroup("proxy", options);
        if (group == null) {
            return Main.EXIT_FAILURE;
        }
        try (group) {
            SpliceProxy.Config config = SpliceProxy.Config.defaults()
                    .withPipeSize((int) pipeSize)
                    .withIdleTimeout(options.idleTimeout)
                    .withMaxConnections(options.maxConns)
                    .withMaxConnectionsPerIp(options.maxConnsPerIp)
                    .withKeepalive(options.tcpKeepalive ? Keepalive.DEFAULT : null);
            if (options.acceptRate > 0) {
                config = config.withAcceptRate(options.acceptRate, options.acceptRate); // as ServerOptions.serverConfig
            }
            SpliceProxy proxy;
            try {
                proxy = SpliceProxy.start(group, address, to, config);
            } catch (IOException e) {
                System.err.println("ringwire proxy: " + Main.oneLine(e));
                return Main.EXIT_FAILURE;
            }
            CountDownLatch stop = ServerRunner.onSignal();

            System.out.println("listening proxy " + SockAddr.format(proxy.localAddress())
                    + " backend=" + group.backend().cliName() + " threads=" + group.size());
            System.out.flush();

            ServerRunner.awaitUninterruptibly(stop);
            LOG.log(System.Logger.Level.INFO, "shutting down: draining " + proxy.activeCount()
                    + " relay(s) for at most " + options.drainTimeout.toMillis() + " ms");
            boolean clean = proxy.shutdown(options.drainTimeout);
            LOG.log(System.Logger.Level.INFO, clean ? "shut down cleanly" : "drain timeout reached; remaining relays were reset");
        }
        return 0;
    }

    /**
     * Hides {@link #NOT_FOR_PROXY} among the options the {@link ServerOptions} mixin brought: still
     * parsed, so that {@link #call} can refuse one by name with the reason, rather than picocli's
     * bare "unknown option".
     */
    static final class WithoutRequestOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            for (String name : NOT_FOR_PROXY) {
                CommandLine.Model.OptionSpec option = spec.findOption(name);
                if (option != null) {
                    spec.remove(option);
                    spec.addOption(CommandLine.Model.OptionSpec.builder(option).hidden(true).build());
                }
            }
            return spec;
        }
    }
}
