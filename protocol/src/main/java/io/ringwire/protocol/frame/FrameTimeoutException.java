package io.ringwire.protocol.frame;

import java.net.SocketTimeoutException;

/**
 * A frame request got no reply within its timeout ({@link FrameConfig#requestTimeout()}, or the
 * one given to {@link FrameClient#send(int, byte[], java.time.Duration)}). The server may still
 * act on it. The connection is no longer {@link FrameClient#isUsable() usable}: it takes no new
 * requests, and closes once the requests still waiting on it have their replies or time out.
 */
public final class FrameTimeoutException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    public FrameTimeoutException(String message) {
        super(message);
    }
}
