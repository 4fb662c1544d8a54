package io.ringwire.protocol.http;

import io.ringwire.protocol.codec.Cumulation;
import io.ringwire.protocol.codec.LingeringClose;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and settings of an HTTP server. Immutable and thread-safe.
 *
 * <p>Defaults: a request head of at most 8 KiB (the contract's; more gets 431) and 100 header
 * fields; a body of at most 1 MiB (more gets 413); 2 s for a peer to read an error response
 * before its connection is closed regardless.
 */
public final class HttpServerConfig {
    public static final int DEFAULT_MAX_HEAD = 8 * 1024;
    public static final int DEFAULT_MAX_HEADERS = 100;
    public static final int DEFAULT_MAX_BODY = 1024 * 1024;
    private static final HttpServerConfig DEFAULT = builder().build();

    private final int maxHead;
    private final int maxHeaders;
    private final int maxBody;
    private final Duration linger;

    private HttpServerConfig(Builder b) {
        this.maxHead = b.maxHead;
        this.maxHeaders = b.maxHeaders;
        this.maxBody = b.maxBody;
        this.linger = b.linger;
    }

    public static HttpServerConfig defaults() {
        return DEFAULT;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The most bytes a request head may take, request line to blank line. */
    public int maxHead() {
        return maxHead;
    }

    public int maxHeaders() {
        return maxHeaders;
    }

    /** The most bytes a request body may take, after de-chunking. */
    public int maxBody() {
        return maxBody;
    }

    public Duration linger() {
        return linger;
    }

    public static final class Builder {
        private int maxHead = DEFAULT_MAX_HEAD;
        private int maxHeaders = DEFAULT_MAX_HEADERS;
        private int maxBody = DEFAULT_MAX_BODY;
        private Duration linger = LingeringClose.DEFAULT_LINGER;

        private Builder() {
        }

        public Builder maxHead(int bytes) {
            if (bytes < 16 || bytes > 1024 * 1024) {
                throw new IllegalArgumentException("max head must be within 16..1048576 bytes: " + bytes);
            }
            this.maxHead = bytes;
            return this;
        }

        public Builder maxHeaders(int count) {
            if (count < 1 || count > 10_000) {
                throw new IllegalArgumentException("max headers must be within 1..10000: " + count);
            }
            this.maxHeaders = count;
            return this;
        }

        public Builder maxBody(int bytes) {
            if (bytes < 0 || bytes > Cumulation.MAX_LIMIT - 2 * 1024 * 1024) {
                throw new IllegalArgumentException("max body must be within 0.." + (Cumulation.MAX_LIMIT - 2 * 1024 * 1024) + ": " + bytes);
            }
            this.maxBody = bytes;
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

        public HttpServerConfig build() {
            return new HttpServerConfig(this);
        }
    }
}
