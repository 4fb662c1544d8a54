package io.ringwire.protocol.frame;

/** The commands of protocol version 1. A cmd is an unsigned 16-bit number. */
public final class FrameCommand {
    /** The reply is {@link #PONG} with the same body. Also the heartbeat. */
    public static final int PING = 1;
    public static final int PONG = 2;
    /** The reply is {@link #ECHO_REPLY} with the same body. */
    public static final int ECHO = 3;
    public static final int ECHO_REPLY = 4;
    /** The body is a UTF-8 message. */
    public static final int ERROR = 0xFFFF;

    private FrameCommand() {
    }

    /** {@code PING}, {@code ERROR}, ... or the number, as in {@code 0x0007}, for log lines and errors. */
    public static String name(int cmd) {
        return switch (cmd) {
            case PING -> "PING";
            case PONG -> "PONG";
            case ECHO -> "ECHO";
            case ECHO_REPLY -> "ECHO_REPLY";
            case ERROR -> "ERROR";
            default -> String.format("0x%04X", cmd);
        };
    }
}
