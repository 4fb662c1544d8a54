/*
 * The request protocols of loadgen: what a request looks like on the wire and how its response
 * is recognised.
 *
 *   echo   a request is S bytes of a fixed pattern; the response is the same S bytes.
 *   frame  a request is one ECHO frame of the frame protocol (CONTRACT.md, version 1) with an
 *          S-byte body; the response is the ECHO_REPLY frame the contract implies, byte for byte
 *          (magic, version, cmd 4, the same body, its crc32).
 *   http   a request is `GET /plaintext HTTP/1.1`; a response is a status line starting with
 *          `HTTP/1.1 200`, headers with a Content-Length, and that many body bytes.
 *
 * echo and frame responses have a fixed length and a known content, so the receiver compares
 * them with the expected stream (see struct proto); http responses are parsed by http_feed.
 */
#ifndef LOADGEN_PROTO_H
#define LOADGEN_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct proto {
    const char *name;
    size_t req_len;                 /* bytes per request */
    size_t send_period;             /* the request stream repeats every send_period bytes */
    unsigned char *send;            /* send_period + chunk bytes: any window of chunk is contiguous */
    size_t resp_len;                /* bytes per response; 0 for http (parsed) */
    size_t expect_period;
    unsigned char *expect;          /* expect_period + chunk bytes, as send */
};

/* Builds the streams for `name` (echo, frame or http) with an S-byte payload; windows of up to
 * `chunk` bytes. Returns 0, or -1 with a message on stderr. */
int proto_init(struct proto *p, const char *name, size_t size, size_t chunk);

/* IEEE CRC-32 (as zlib.crc32 and java.util.zip.CRC32), continuing from crc (0 to start). */
uint32_t crc32_ieee(uint32_t crc, const unsigned char *data, size_t len);

/* The per-connection state of the HTTP response parser. */
struct http_parser {
    uint8_t crlf;                   /* how much of "\r\n\r\n" the head has matched */
    bool status_checked;            /* the status line of this response was checked */
    bool have_length;
    uint64_t body_left;             /* in the body: bytes still to skip */
    bool in_body;
    uint64_t content_length;
    uint16_t line_len;
    char line[48];                  /* the start of the current head line */
};

/* Feeds n response bytes; returns the responses completed in them, or -1 on a malformed or
 * non-200 response (with a message on stderr). */
long http_feed(struct http_parser *h, const unsigned char *data, size_t n);

#endif
