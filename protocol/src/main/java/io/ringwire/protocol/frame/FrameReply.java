package io.ringwire.protocol.frame;

import java.nio.charset.StandardCharsets;

/**
 * A reply a {@link FrameClient} received: its cmd and a copy of its body. Immutable.
 *
 * @param cmd  {@link FrameCommand#PONG}, {@link FrameCommand#ECHO_REPLY}, {@link FrameCommand#ERROR}, ...
 * @param body the body; the caller may keep it (treat it as read-only)
 */
public record FrameReply(int cmd, byte[] body) {

    public boolean isError() {
        return cmd == FrameCommand.ERROR;
    }

    /** The body as UTF-8, as an ERROR's message is. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return FrameCommand.name(cmd) + "[" + body.length + " bytes]";
    }
}
