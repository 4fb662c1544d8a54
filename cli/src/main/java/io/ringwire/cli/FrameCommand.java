package io.ringwire.cli;

import io.ringwire.protocol.frame.FrameConfig;
import io.ringwire.protocol.frame.FrameFormat;
import io.ringwire.protocol.frame.FrameServer;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ringwire frame}: a server of the binary frame protocol (README, "frame"). */
@Command(name = "frame", mixinStandardHelpOptions = true,
        description = "A server of the binary frame protocol: PING gets PONG, ECHO gets ECHO_REPLY, in order."
                + " Default port 7100.")
final class FrameCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 7100;

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions options = new ServerOptions();

    @Option(names = "--max-frame", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Largest body_len accepted; a larger one gets an ERROR frame, then a close (default: 16MiB).")
    long maxFrame = FrameFormat.DEFAULT_MAX_BODY;

    @Option(names = "--heartbeat", paramLabel = "D", converter = DurationConverter.class,
            description = "Send a PING after D with nothing heard from the peer (default: off).")
    Duration heartbeat = Duration.ZERO;

    @Option(names = "--heartbeat-misses", paramLabel = "N",
            description = "Close a connection after N heartbeat intervals with nothing heard (default: ${DEFAULT-VALUE}).")
    int heartbeatMisses = 3;

    @Override
    public Integer call() {
        if (maxFrame < 0 || maxFrame > FrameFormat.MAX_BODY_LIMIT) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--max-frame must be within 0.." + FrameFormat.MAX_BODY_LIMIT + " bytes, got " + maxFrame);
        }
        try {
            ServerOptions.requireOffOrMillis("--heartbeat", heartbeat);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (heartbeatMisses < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--heartbeat-misses must be at least 1, got " + heartbeatMisses);
        }
        FrameConfig config = FrameConfig.builder()
                .maxBody((int) maxFrame)
                .heartbeat(heartbeat)
                .heartbeatMisses(heartbeatMisses)
                .build();
        return ServerRunner.run(spec, options, DEFAULT_PORT, FrameServer.handlers(config));
    }
}
