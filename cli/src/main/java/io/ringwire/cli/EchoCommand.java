package io.ringwire.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ringwire echo}: a TCP echo server. */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "A TCP echo server: every byte received is written back, in order. Default port 7000.")
final class EchoCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 7000;

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions options = new ServerOptions();

    @Override
    public Integer call() {
        return ServerRunner.run(spec, options, DEFAULT_PORT, () -> EchoHandler.INSTANCE);
    }
}
