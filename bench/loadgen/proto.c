#include "proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PATTERN_PERIOD 251u           /* echo: a prime, so no request size aligns with it */
#define FRAME_HEADER   13u
#define HTTP_REQUEST   "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

uint32_t crc32_ieee(uint32_t crc, const unsigned char *data, size_t len)
{
    /* Bitwise: only used to build the templates at start-up, never per request. */
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/* Fills dst (period + chunk bytes) with src (period bytes) repeated. */
static unsigned char *repeat(const unsigned char *src, size_t period, size_t chunk)
{
    unsigned char *dst = malloc(period + chunk);
    if (!dst)
        return NULL;
    for (size_t i = 0; i < period + chunk; i++)
        dst[i] = src[i % period];
    return dst;
}

static void put_frame(unsigned char *f, uint16_t cmd, const unsigned char *body, size_t len)
{
    f[0] = 0x42; f[1] = 0x4D; f[2] = 1;
    f[3] = (unsigned char)(cmd >> 8); f[4] = (unsigned char)cmd;
    f[5] = (unsigned char)(len >> 24); f[6] = (unsigned char)(len >> 16);
    f[7] = (unsigned char)(len >> 8); f[8] = (unsigned char)len;
    memcpy(f + FRAME_HEADER, body, len);
    uint32_t crc = crc32_ieee(crc32_ieee(0, f, 9), body, len);
    f[9] = (unsigned char)(crc >> 24); f[10] = (unsigned char)(crc >> 16);
    f[11] = (unsigned char)(crc >> 8); f[12] = (unsigned char)crc;
}

int proto_init(struct proto *p, const char *name, size_t size, size_t chunk)
{
    memset(p, 0, sizeof(*p));
    p->name = name;
    if (!strcmp(name, "echo")) {
        unsigned char pattern[PATTERN_PERIOD];
        for (unsigned i = 0; i < PATTERN_PERIOD; i++)
            pattern[i] = (unsigned char)i;
        p->req_len = p->resp_len = size;
        p->send_period = p->expect_period = PATTERN_PERIOD;
        p->send = p->expect = repeat(pattern, PATTERN_PERIOD, chunk);
    } else if (!strcmp(name, "frame")) {
        unsigned char *body = malloc(size), *req = malloc(FRAME_HEADER + size), *resp = malloc(FRAME_HEADER + size);
        if (!body || !req || !resp)
            return -1;
        for (size_t i = 0; i < size; i++)
            body[i] = (unsigned char)(i % PATTERN_PERIOD);
        put_frame(req, 3, body, size);        /* ECHO */
        put_frame(resp, 4, body, size);       /* ECHO_REPLY */
        p->req_len = p->resp_len = p->send_period = p->expect_period = FRAME_HEADER + size;
        p->send = repeat(req, p->req_len, chunk);
        p->expect = repeat(resp, p->resp_len, chunk);
        free(body);
        free(req);
        free(resp);
    } else if (!strcmp(name, "http")) {
        p->req_len = p->send_period = strlen(HTTP_REQUEST);
        p->send = repeat((const unsigned char *)HTTP_REQUEST, p->req_len, chunk);
    } else {
        fprintf(stderr, "loadgen: --proto must be echo, frame or http\n");
        return -1;
    }
    if (!p->send || (p->resp_len && !p->expect)) {
        perror("loadgen: setup");
        return -1;
    }
    return 0;
}

/* A complete head line (without its CRLF): checks the status line, picks up Content-Length. */
static int http_line(struct http_parser *h)
{
    h->line[h->line_len < sizeof(h->line) ? h->line_len : sizeof(h->line) - 1] = '\0';
    if (!h->status_checked) {
        h->status_checked = true;
        if (strncmp(h->line, "HTTP/1.1 200", 12) != 0) {
            fprintf(stderr, "loadgen: http: unexpected status line: %s\n", h->line);
            return -1;
        }
    } else if (!strncasecmp(h->line, "content-length:", 15)) {
        char *end;
        h->content_length = strtoull(h->line + 15, &end, 10);
        h->have_length = true;
    }
    return 0;
}

long http_feed(struct http_parser *h, const unsigned char *data, size_t n)
{
    long done = 0;
    size_t i = 0;
    while (i < n) {
        if (h->in_body) {
            size_t take = n - i < h->body_left ? n - i : (size_t)h->body_left;
            i += take;
            h->body_left -= take;
            if (h->body_left == 0) {
                h->in_body = false;
                done++;
            }
            continue;
        }
        unsigned char b = data[i++];
        if (b == ((h->crlf & 1) == 0 ? '\r' : '\n')) {
            h->crlf++;
        } else {
            h->crlf = b == '\r' ? 1 : 0;
        }
        if (b == '\n') {                        /* the end of a head line */
            if (h->crlf == 2 && http_line(h) < 0)
                return -1;
            h->line_len = 0;
        } else if (b != '\r' && h->line_len < sizeof(h->line)) {
            h->line[h->line_len++] = (char)b;
        } else if (b != '\r') {
            h->line_len++;
        }
        if (h->crlf == 4) {                     /* the blank line: the head is complete */
            if (!h->have_length) {
                fprintf(stderr, "loadgen: http: a response without Content-Length\n");
                return -1;
            }
            h->crlf = 0;
            h->status_checked = h->have_length = false;
            h->body_left = h->content_length;
            h->in_body = h->body_left > 0;
            if (!h->in_body)
                done++;
        }
    }
    return done;
}
