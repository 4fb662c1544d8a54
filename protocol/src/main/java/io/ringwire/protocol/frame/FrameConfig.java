package io.ringwire.protocol.frame;

import io.ringwire.protocol.codec.LingeringClose;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one side of the frame protocol, client or server. Immutable and thread-safe.
 *
 * <p>Defaults: body_len limit 16 MiB, no heartbeat, 3 misses once a heartbeat is set, 2 s for
 * the peer to read an ERROR before the connection is closed regardless, and (client side) no
 * request timeout.
 */
public final class FrameConfig {
    private static final FrameConfig DEFAULT = builder().build();

    private final int maxBody;
    private final Duration heartbeat;
    private final int heartbeatMisses;
    private final Duration linger;
    private final Duration requestTimeout;

    private FrameConfig(Builder b) {
        this.maxBody = b.maxBody;
        this.heartbeat = b.heartbeat;
        this.heartbeatMisses = b.heartbeatMisses;
        this.linger = b.linger;
        this.requestTimeout = b.requestTimeout;
    }

    public static FrameConfig defaults() {
        return DEFAULT;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The largest body_len accepted from the peer ({@code --max-frame}). */
    public int maxBody() {
        return maxBody;
    }

    /** PING after this much silence; {@link Duration#ZERO} means no heartbeat. */
    public Duration heartbeat() {
        return heartbeat;
    }

    /** Close after this many intervals with nothing heard. */
    public int heartbeatMisses() {
        return heartbeatMisses;
    }

    /** How long a connection closing on bad input waits for the peer to close first. */
    public Duration linger() {
        return linger;
    }

    /**
     * Client side: how long a request may wait for its reply before it fails with a
     * {@link FrameTimeoutException}; {@link Duration#ZERO} means no limit. See {@link FrameClient}.
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    public static final class Builder {
        private int maxBody = FrameFormat.DEFAULT_MAX_BODY;
        private Duration heartbeat = Duration.ZERO;
        private int heartbeatMisses = 3;
        private Duration linger = LingeringClose.DEFAULT_LINGER;
        private Duration requestTimeout = Duration.ZERO;

        private Builder() {
        }

        public Builder maxBody(int maxBody) {
            if (maxBody < 0 || maxBody > FrameFormat.MAX_BODY_LIMIT) {
                throw new IllegalArgumentException("max frame body must be within 0.." + FrameFormat.MAX_BODY_LIMIT + ": " + maxBody);
            }
            this.maxBody = maxBody;
            return this;
        }

        public Builder heartbeat(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("heartbeat must not be negative: " + interval);
            }
            this.heartbeat = interval;
            return this;
        }

        public Builder heartbeatMisses(int misses) {
            if (misses < 1) {
                throw new IllegalArgumentException("heartbeat misses must be at least 1: " + misses);
            }
            this.heartbeatMisses = misses;
            return this;
        }

        public Builder linger(Duration linger) {
            Objects.requireNonNull(linger, "linger");
            if (linger.isNegative()) {
                throw new IllegalArgumentException("linger must not be negative: " + linger);
            }
            this.linger = linger;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("requestTimeout must not be negative: " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        public FrameConfig build() {
            return new FrameConfig(this);
        }
    }
}
