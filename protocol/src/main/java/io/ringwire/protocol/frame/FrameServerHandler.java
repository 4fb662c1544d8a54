package io.ringwire.protocol.frame;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.protocol.codec.CodecException;
import io.ringwire.protocol.codec.LingeringClose;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The server side of the frame protocol on one connection, with the contract's error rules:
 * <ul>
 *   <li>PING gets PONG and ECHO gets ECHO_REPLY, with the same body; other cmds go to the
 *       {@link FrameService}. PONG, ECHO_REPLY and ERROR from a client need no reply.</li>
 *   <li>An unknown cmd in a well-formed frame gets an ERROR frame; the connection stays open.</li>
 *   <li>A bad magic, version or crc32, or a body_len over the limit, gets one ERROR frame naming
 *       the fault, then a {@link LingeringClose}; all input after the fault is dropped, and no
 *       memory is reserved for an over-limit body.</li>
 *   <li>Replies go out in request order, one flush per read however many frames it held.</li>
 * </ul>
 * While the connection is not writable (a client that pipelines without reading), reading pauses.
 *
 * <p>One instance per connection; every method runs on that connection's loop thread. The
 * decoder's memory is freed in {@link #onClose}.
 */
public final class FrameServerHandler implements ConnectionHandler, FrameSink {
    private static final System.Logger LOG = System.getLogger("io.ringwire.protocol.frame");
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private final FrameConfig config;
    private final FrameService service;
    private final FrameDecoder decoder;
    private final FrameWriter writer = new FrameWriter();
    private Connection connection;
    private Heartbeat heartbeat;
    private boolean failed;

    public FrameServerHandler(FrameConfig config, FrameService service) {
        this.config = Objects.requireNonNull(config, "config");
        this.service = Objects.requireNonNull(service, "service");
        this.decoder = new FrameDecoder(config.maxBody(), this);
    }

    @Override
    public void onOpen(Connection connection) {
        this.connection = connection;
        if (!config.heartbeat().isZero()) {
            heartbeat = new Heartbeat(connection, config.heartbeat(), config.heartbeatMisses(), this::ping);
            heartbeat.start();
        }
    }

    private void ping() {
        writer.write(connection, FrameCommand.PING, EMPTY, 0, 0);
        connection.flush();
    }

    @Override
    public void onData(Connection connection, DirectBuffer data, int offset, int length) {
        if (heartbeat != null) {
            heartbeat.heard();
        }
        if (failed) {
            return; // framing is lost: nothing after the fault can be trusted
        }
        try {
            decoder.decode(data, offset, length);
        } catch (CodecException e) {
            fail(e.getMessage());
            return;
        }
        connection.flush();
        if (!connection.isWritable()) {
            connection.setAutoRead(false);
        }
    }

    /** Between frames: no part of a next frame is buffered, or framing is lost anyway. */
    @Override
    public boolean isIdle(Connection connection) {
        return failed || decoder.bufferedBytes() == 0;
    }

    private void fail(String message) {
        failed = true;
        decoder.close();
        LOG.log(System.Logger.Level.DEBUG, () -> connection + ": " + message + "; closing");
        writer.writeError(connection, message);
        LingeringClose.start(connection, config.linger());
    }

    @Override
    public boolean onFrame(int cmd, DirectBuffer buffer, int offset, int length) {
        switch (cmd) {
            case FrameCommand.PING -> writer.write(connection, FrameCommand.PONG, buffer, offset, length);
            case FrameCommand.ECHO -> writer.write(connection, FrameCommand.ECHO_REPLY, buffer, offset, length);
            case FrameCommand.PONG, FrameCommand.ECHO_REPLY, FrameCommand.ERROR -> {
                // Answers, not requests (PONG is the heartbeat's); replying to an ERROR could loop.
            }
            default -> {
                if (!service.onFrame(connection, writer, cmd, buffer, offset, length)) {
                    writer.writeUnknownCommand(connection, cmd);
                }
            }
        }
        return connection.isOpen();
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        if (writable && !failed) {
            connection.setAutoRead(true);
        }
    }

    @Override
    public void onClose(Connection connection) {
        decoder.close();
        if (heartbeat != null) {
            heartbeat.stop();
        }
    }
}
