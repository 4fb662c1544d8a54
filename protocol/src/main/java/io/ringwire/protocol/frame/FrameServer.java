package io.ringwire.protocol.frame;

import io.ringwire.ConnectionHandler;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The frame protocol's server side, ready for {@link io.ringwire.EventLoopGroup#listen}:
 *
 * <pre>{@code
 * Server server = group.listen(address, ServerConfig.defaults(), FrameServer.handlers(FrameConfig.defaults()));
 * }</pre>
 *
 * See {@link FrameServerHandler} for what each connection does.
 */
public final class FrameServer {
    private FrameServer() {
    }

    /** PING and ECHO only; every other cmd gets an ERROR. */
    public static Supplier<ConnectionHandler> handlers(FrameConfig config) {
        return handlers(config, FrameService.NONE);
    }

    /** PING and ECHO, plus {@code service}'s own commands. Each connection gets its own handler. */
    public static Supplier<ConnectionHandler> handlers(FrameConfig config, FrameService service) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(service, "service");
        return () -> new FrameServerHandler(config, service);
    }
}
