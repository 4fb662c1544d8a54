package io.ringwire.protocol.http;

/** The versions this server speaks; any other gets 505. */
public enum HttpVersion {
    HTTP_1_0,
    /** Also what a request of a higher 1.x minor version is treated as (RFC 9110, section 6.2). */
    HTTP_1_1
}
