package io.ringwire.protocol.http;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of an HTTP server, shared by its connections across loops: requests served and
 * requests refused, by status. Thread-safe; counting is a {@link LongAdder} increment, which
 * does not contend across loops and allocates nothing once warm.
 */
public final class HttpServerStats {
    /** The statuses counted as errors, in the order {@link #errorStatuses()} gives. */
    private static final int[] ERROR_STATUSES = {
        HttpStatus.BAD_REQUEST, HttpStatus.PAYLOAD_TOO_LARGE, HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
        HttpStatus.INTERNAL_SERVER_ERROR, HttpStatus.NOT_IMPLEMENTED, HttpStatus.HTTP_VERSION_NOT_SUPPORTED
    };

    private final LongAdder requests = new LongAdder();
    private final LongAdder[] errors = new LongAdder[ERROR_STATUSES.length];

    public HttpServerStats() {
        for (int i = 0; i < errors.length; i++) {
            errors[i] = new LongAdder();
        }
    }

    /** 400, 413, 431, 500, 501, 505: the refusals the server itself makes. A fresh copy. */
    public static int[] errorStatuses() {
        return ERROR_STATUSES.clone();
    }

    void requestServed() {
        requests.increment();
    }

    void error(int status) {
        for (int i = 0; i < ERROR_STATUSES.length; i++) {
            if (ERROR_STATUSES[i] == status) {
                errors[i].increment();
                return;
            }
        }
    }

    /** Requests that reached a handler. */
    public long requests() {
        return requests.sum();
    }

    /** Requests refused with {@code status} by the server (not by a handler's choice); 0 for others. */
    public long errors(int status) {
        for (int i = 0; i < ERROR_STATUSES.length; i++) {
            if (ERROR_STATUSES[i] == status) {
                return errors[i].sum();
            }
        }
        return 0;
    }
}
