package io.ringwire.protocol.frame;

import io.ringwire.Connection;
import org.agrona.DirectBuffer;

/**
 * An application's own commands on a {@link FrameServer}, beside the built-in PING and ECHO.
 * Called on the connection's loop thread, in request order; must not block.
 */
@FunctionalInterface
public interface FrameService {
    /** Knows no commands: every cmd but the built-in ones gets an ERROR. */
    FrameService NONE = (connection, replies, cmd, body, offset, length) -> false;

    /**
     * One request frame whose cmd is not built in. Write the reply with {@code replies} (it is
     * flushed after the read is decoded), so replies stay in request order.
     *
     * @param body lent for the call only
     * @return false if the cmd is unknown: the server answers with an ERROR frame and stays open
     */
    boolean onFrame(Connection connection, FrameWriter replies, int cmd, DirectBuffer body, int offset, int length);
}
