/*
 * loadgen: an echo-protocol load generator for loopback benchmarks.
 *
 *   loadgen --port P [--mode closed] [--proto echo|frame|http] [--conns N] [--depth D] [--size S]
 *           [--secs T] [--warmup W]
 *   loadgen --port P --mode rate --rate R [--proto ...] [--conns N] [--size S] [--secs T] [--warmup W]
 *   loadgen --port P --mode idle --conns N [--hold T] [--src-addrs K]
 *
 * --proto (proto.h) says what a request is: S bytes to echo (the default), one frame-protocol
 * ECHO frame with an S-byte body, or `GET /plaintext`. Connections are pipelined: responses
 * arrive in order, so response k on a connection answers request k. Every echoed byte and every
 * frame is checked against what the server must send; HTTP responses must be 200s.
 * Bulk streaming is closed mode with a large S (1 MiB): each request is then written with sends
 * of up to S bytes and the result line's mib_s is the echoed data rate.
 *
 * closed  every connection keeps D requests outstanding; a response triggers the next request.
 *         Latency runs from the moment a request was queued.
 * rate    an open loop: R requests/s in total, round robin over the connections, each sent at
 *         its intended time whether or not earlier responses have come back. Latency runs from
 *         the INTENDED send time, so a stall on either side is charged to every request it
 *         delayed (no coordinated omission). Requests still unanswered 2 s after the schedule
 *         ended are reported as unanswered=N and recorded at the latency they have reached.
 * idle    opens N connections, echoes one byte on each (so the server has accepted and served
 *         them), prints "ready conns=N" and holds them until stdin closes or --hold passes.
 *
 * --busy-poll spins on epoll_wait with a zero timeout instead of sleeping (one CPU at 100%).
 *
 * One thread, one edge-triggered epoll set, non-blocking sockets with TCP_NODELAY. Only
 * 127.0.0.1 (optionally spread over 127.0.0.x source addresses) and ::1 are accepted as targets.
 * Every phase is bounded in time. The result is one line of key=value pairs on stdout; the exit
 * status is 0 only when errors=0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hist.h"
#include "proto.h"

#define IO_CHUNK       (64u * 1024u)        /* the least a send or recv asks for */
#define MAX_EVENTS     1024
#define MAX_CONNS      200000               /* 100k idle connections and some */
#define MAX_CONNECTING 256                  /* connects in flight: keeps the accept queue short */
#define NS             1000000000LL

struct conn {
    int fd;
    bool connected;
    bool dirty;                 /* on the flush list */
    uint64_t issued;            /* requests queued so far; their bytes are issued * size */
    uint64_t sent;              /* bytes written */
    uint64_t received;          /* bytes echoed back */
    uint64_t done;              /* requests complete */
    uint64_t responses;         /* http: responses parsed so far */
    struct http_parser *http;   /* http only */
    int64_t *stamp;             /* closed mode: queue time of request k at [k % depth] */
};

static struct {
    const char *mode;
    const char *proto;
    const char *host;
    int port;
    int conns, depth, size, src_addrs, stat_pid;
    double secs, warmup, rate, hold;
    bool busy_poll;
} opt = { .mode = "closed", .proto = "echo", .host = "127.0.0.1", .conns = 1, .depth = 1, .size = 128,
          .src_addrs = 1, .secs = 5, .warmup = 1, .hold = 60 };

static struct conn *conns;
static int *flush_list, flush_len;
static int ep;
static struct proto P;
static size_t chunk;            /* the most one send or recv moves: max(IO_CHUNK, request size) */
static unsigned char *rbuf;
static struct hist hist;
static struct hist lag;         /* rate: how late each request of the window was queued */
static uint64_t errors;
static bool measuring;          /* closed: count completions; rate: set by intended time instead */
static uint64_t measured;       /* requests counted in the measurement window */
static int64_t win_start, win_end;
static double period_ns;        /* rate mode: the gap between two intended send times */
static long long srv_ticks[2][2] = { { -1, -1 }, { -1, -1 } };  /* --stat-pid: [edge][user, system] */
static double own_cpu[2];                     /* this process's CPU seconds at the same edges */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static void fail(int idx, const char *what, int err)
{
    if (errors++ < 5)
        fprintf(stderr, "loadgen: conn %d: %s: %s\n", idx, what, strerror(err));
}

static void usage_error(const char *msg)
{
    fprintf(stderr, "loadgen: %s (see the comment at the top of loadgen.c)\n", msg);
    exit(2);
}

/* ---- connecting ------------------------------------------------------------------------- */

static int start_connect(int idx)
{
    bool v6 = strchr(opt.host, ':') != NULL;
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fail(idx, "socket", errno);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    int rc;
    if (v6) {
        struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(opt.port) };
        inet_pton(AF_INET6, opt.host, &sa.sin6_addr);
        rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    } else {
        if (opt.src_addrs > 1) {
            /* 127.0.0.x as source multiplies the 4-tuples available to one server port.
             * IP_BIND_ADDRESS_NO_PORT leaves the port choice to connect(), which may then
             * reuse a port that another source address already uses. */
            struct sockaddr_in src = { .sin_family = AF_INET };
            src.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)(idx % opt.src_addrs));
            setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
            if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
                fail(idx, "bind", errno);
                close(fd);
                return -1;
            }
        }
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(opt.port) };
        inet_pton(AF_INET, opt.host, &sa.sin_addr);
        rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    }
    if (rc < 0 && errno != EINPROGRESS) {
        fail(idx, "connect", errno);
        close(fd);
        return -1;
    }
    /* Registered once, edge-triggered, for both directions: EPOLLOUT reports the connect and
     * later only the moments a full send buffer drains, so no epoll_ctl is ever needed again. */
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.u32 = (uint32_t)idx };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        fail(idx, "epoll_ctl", errno);
        close(fd);
        return -1;
    }
    conns[idx].fd = fd;
    return 0;
}

/* Connects every connection, at most MAX_CONNECTING at a time, within 30 s. */
static int connect_all(void)
{
    struct epoll_event evs[MAX_EVENTS];
    int next = 0, pending = 0, up = 0;
    int64_t deadline = now_ns() + 60 * NS;
    while (up < opt.conns) {
        while (next < opt.conns && pending < MAX_CONNECTING) {
            if (start_connect(next++) < 0)
                return -1;
            pending++;
        }
        int left_ms = (int)((deadline - now_ns()) / 1000000);
        if (left_ms <= 0) {
            fprintf(stderr, "loadgen: %d of %d connections up after 60 s\n", up, opt.conns);
            errors++;
            return -1;
        }
        int n = epoll_wait(ep, evs, MAX_EVENTS, left_ms);
        if (n < 0 && errno != EINTR) {
            fail(-1, "epoll_wait", errno);
            return -1;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = &conns[evs[i].data.u32];
            if (c->connected || !(evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
                continue;
            int err = 0;
            socklen_t len = sizeof(err);
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                fail((int)evs[i].data.u32, "connect", err);
                return -1;
            }
            c->connected = true;
            pending--;
            up++;
        }
    }
    return 0;
}

/* ---- sending and receiving ---------------------------------------------------------------- */

static void mark_dirty(int idx)
{
    if (!conns[idx].dirty) {
        conns[idx].dirty = true;
        flush_list[flush_len++] = idx;
    }
}

/* Writes what is owed until done or EAGAIN; the edge-triggered EPOLLOUT resumes it. */
static void flush(int idx)
{
    struct conn *c = &conns[idx];
    uint64_t total = c->issued * (uint64_t)P.req_len;
    while (c->sent < total) {
        uint64_t owed = total - c->sent;
        size_t len = owed < chunk ? (size_t)owed : chunk;
        ssize_t n = send(c->fd, P.send + c->sent % P.send_period, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                fail(idx, "send", errno);
            return;
        }
        c->sent += (uint64_t)n;
    }
}

static void flush_dirty(void)
{
    for (int i = 0; i < flush_len; i++) {
        conns[flush_list[i]].dirty = false;
        flush(flush_list[i]);
    }
    flush_len = 0;
}

static int64_t intended_ns(int idx, uint64_t k)
{
    return win_start - (int64_t)(opt.warmup * NS)
           + (int64_t)((double)(k * (uint64_t)opt.conns + (uint64_t)idx) * period_ns);
}

static void complete(int idx, int64_t now)
{
    struct conn *c = &conns[idx];
    uint64_t done = P.resp_len ? c->received / (uint64_t)P.resp_len : c->responses;
    bool closed = opt.mode[0] == 'c';
    for (; c->done < done; c->done++) {
        int64_t start = closed ? c->stamp[c->done % (uint64_t)opt.depth] : intended_ns(idx, c->done);
        bool counted = closed ? measuring : (start >= win_start && start < win_end);
        if (counted) {
            hist_record(&hist, (uint64_t)(now > start ? now - start : 0));
            measured++;
        }
        if (closed && now < win_end) {       /* closed loop: a response frees a slot */
            c->stamp[c->issued % (uint64_t)opt.depth] = now;
            c->issued++;
            mark_dirty(idx);
        }
    }
}

/*
 * Reads until the socket is drained. A read shorter than the buffer means the receive queue
 * was empty at that moment (TCP copies all it has queued), and anything arriving later raises
 * a new edge, so the extra read that would only return EAGAIN is skipped.
 */
static void receive(int idx, int64_t now)
{
    struct conn *c = &conns[idx];
    for (;;) {
        ssize_t n = recv(c->fd, rbuf, chunk, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                fail(idx, "recv", errno);
            break;
        }
        if (n == 0) {
            fail(idx, "recv", ECONNRESET);
            fprintf(stderr, "loadgen: conn %d: the server closed the connection\n", idx);
            break;
        }
        if (c->http) {
            long k = http_feed(c->http, rbuf, (size_t)n);
            if (k < 0 || c->responses + (uint64_t)k > c->issued) {
                fail(idx, "http", EPROTO);
                fprintf(stderr, "loadgen: conn %d: %s\n", idx, k < 0 ? "a bad response" : "more responses than requests");
                break;
            }
            c->responses += (uint64_t)k;
        } else if (c->received + (uint64_t)n > c->issued * (uint64_t)P.resp_len) {
            fail(idx, P.name, EPROTO);
            fprintf(stderr, "loadgen: conn %d: more bytes came back than were asked for\n", idx);
            break;
        } else if (memcmp(rbuf, P.expect + c->received % P.expect_period, (size_t)n) != 0) {
            fail(idx, P.name, EPROTO);
            fprintf(stderr, "loadgen: conn %d: the response differs from what the protocol says\n", idx);
            break;
        }
        c->received += (uint64_t)n;
        if ((size_t)n < chunk)
            break;
    }
    complete(idx, now);
}

static void handle(struct epoll_event *evs, int n)
{
    int64_t now = now_ns();
    for (int i = 0; i < n; i++) {
        int idx = (int)evs[i].data.u32;
        /* recv() reports a pending socket error itself, so EPOLLERR needs no path of its own. */
        if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))
            receive(idx, now);
        if (evs[i].events & EPOLLOUT)
            mark_dirty(idx);
    }
    flush_dirty();
}

/* Waits for events until `until` (ns, monotonic) at the latest; returns the events seen. */
static int wait_until(struct epoll_event *evs, int64_t until)
{
    /* --busy-poll: never sleep, so the load generator's own wake-up (15-20 us on a VM) leaves
     * the round trip and what remains is the server's share and the loopback path. */
    while (opt.busy_poll && now_ns() < until) {
        int n = epoll_wait(ep, evs, MAX_EVENTS, 0);
        if (n != 0)
            return n < 0 ? 0 : n;
    }
    int64_t left = until - now_ns();
    if (left < 0)
        left = 0;
    struct timespec ts = { .tv_sec = left / NS, .tv_nsec = left % NS };
    int n = epoll_pwait2(ep, evs, MAX_EVENTS, &ts, NULL);
    if (n < 0) {
        if (errno != EINTR)
            fail(-1, "epoll_pwait2", errno);
        return 0;
    }
    return n;
}

static bool all_done(void)
{
    for (int i = 0; i < opt.conns; i++)
        if (conns[i].done < conns[i].issued)
            return false;
    return true;
}

/* After the window, waits (bounded) for outstanding responses, so no connection closes with
 * data in flight. Returns the requests still unanswered at the deadline. */
static uint64_t drain(int64_t deadline)
{
    struct epoll_event evs[MAX_EVENTS];
    while (errors == 0 && !all_done() && now_ns() < deadline)
        handle(evs, wait_until(evs, deadline));
    uint64_t left = 0;
    for (int i = 0; i < opt.conns; i++)
        left += conns[i].issued - conns[i].done;
    return left;
}

/*
 * Rate mode, a server that could not keep up: requests of the window still unanswered when the
 * drain gave up are recorded with the latency they have at least (now - intended send time),
 * so an overloaded server's percentiles are not flattered by leaving its slowest requests out.
 * They are reported as unanswered=N and do not count as completed requests.
 */
static uint64_t unanswered;

static void record_unanswered(int64_t now)
{
    for (int i = 0; i < opt.conns; i++) {
        for (uint64_t k = conns[i].done; k < conns[i].issued; k++) {
            int64_t start = intended_ns(i, k);
            if (start >= win_start && start < win_end) {
                hist_record(&hist, (uint64_t)(now - start));
                unanswered++;
            }
        }
    }
}

/* ---- the server's CPU time ---------------------------------------------------------------- */

/* utime and stime of a whole process, in clock ticks, from /proc/PID/stat; -1 if unreadable. */
static int proc_ticks(int pid, long long out[2])
{
    char path[64], buf[4096];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');       /* the command name may hold spaces; fields follow it */
    unsigned long long ut, st;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    out[0] = (long long)ut;
    out[1] = (long long)st;
    return 0;
}

static double own_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
           + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Called at the start (edge 0) and end (edge 1) of the measurement window. */
static void sample_window(int edge)
{
    own_cpu[edge] = own_cpu_s();
    if (opt.stat_pid > 0)
        proc_ticks(opt.stat_pid, srv_ticks[edge]);
}

/* ---- the modes ---------------------------------------------------------------------------- */

static void run_closed(void)
{
    struct epoll_event evs[MAX_EVENTS];
    int64_t t0 = now_ns();
    win_start = t0 + (int64_t)(opt.warmup * NS);
    win_end = win_start + (int64_t)(opt.secs * NS);
    for (int i = 0; i < opt.conns; i++) {
        for (int d = 0; d < opt.depth; d++)
            conns[i].stamp[d] = t0;
        conns[i].issued = (uint64_t)opt.depth;
        mark_dirty(i);
    }
    flush_dirty();
    while (errors == 0 && now_ns() < win_start)
        handle(evs, wait_until(evs, win_start));
    measuring = true;
    sample_window(0);
    while (errors == 0 && now_ns() < win_end)
        handle(evs, wait_until(evs, win_end));
    sample_window(1);
    measuring = false;
}

static void run_rate(void)
{
    struct epoll_event evs[MAX_EVENTS];
    period_ns = (double)NS / opt.rate;
    int64_t t0 = now_ns();
    win_start = t0 + (int64_t)(opt.warmup * NS);
    win_end = win_start + (int64_t)(opt.secs * NS);
    uint64_t next = 0;                      /* the next request of the global schedule */
    int64_t due = t0;
    bool sampled = false;
    while (errors == 0 && due < win_end) {
        int64_t now = now_ns();
        if (!sampled && now >= win_start) {
            sample_window(0);
            sampled = true;
        }
        while (due <= now && due < win_end) {
            if (due >= win_start)
                hist_record(&lag, (uint64_t)(now - due));
            int idx = (int)(next % (uint64_t)opt.conns);
            conns[idx].issued++;
            mark_dirty(idx);
            next++;
            due = t0 + (int64_t)((double)next * period_ns);
        }
        flush_dirty();
        handle(evs, wait_until(evs, due < win_end ? due : win_end));
    }
    /* Responses to the last requests may still be on their way; drain() collects them. The
     * server's work for them falls outside the window, as the warm-up's spills into it. */
    while (errors == 0 && now_ns() < win_end)
        handle(evs, wait_until(evs, win_end));
    sample_window(1);
}

static void run_idle(void)
{
    /* One byte each way, so the server has surely accepted and served every connection. */
    struct epoll_event evs[MAX_EVENTS];
    for (int i = 0; i < opt.conns; i++) {
        conns[i].issued = 1;
        mark_dirty(i);
    }
    flush_dirty();
    int64_t deadline = now_ns() + 30 * NS;
    while (errors == 0 && !all_done() && now_ns() < deadline)
        handle(evs, wait_until(evs, deadline));
    if (errors == 0 && !all_done()) {
        fprintf(stderr, "loadgen: not every connection answered within 30 s\n");
        errors++;
    }
    if (errors)
        return;
    printf("ready conns=%d\n", opt.conns);
    fflush(stdout);
    /* Holds until stdin closes (the runner is done) or --hold passes. */
    struct pollfd pfd = { .fd = 0, .events = POLLIN };
    int64_t until = now_ns() + (int64_t)(opt.hold * NS);
    char sink[256];
    while (now_ns() < until) {
        if (poll(&pfd, 1, (int)((until - now_ns()) / 1000000) + 1) > 0 && read(0, sink, sizeof(sink)) <= 0)
            break;
    }
}

/* ---- options and output ------------------------------------------------------------------- */

static void parse(int argc, char **argv)
{
    static const struct option longs[] = {
        { "mode", 1, 0, 'm' }, { "host", 1, 0, 'H' }, { "port", 1, 0, 'p' }, { "conns", 1, 0, 'c' },
        { "depth", 1, 0, 'd' }, { "size", 1, 0, 's' }, { "secs", 1, 0, 't' }, { "warmup", 1, 0, 'w' },
        { "rate", 1, 0, 'r' }, { "hold", 1, 0, 'h' }, { "src-addrs", 1, 0, 'a' },
        { "stat-pid", 1, 0, 'P' }, { "proto", 1, 0, 'x' }, { "busy-poll", 0, 0, 'B' },
        { 0, 0, 0, 0 },
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (ch) {
        case 'm': opt.mode = optarg; break;
        case 'H': opt.host = optarg; break;
        case 'p': opt.port = atoi(optarg); break;
        case 'c': opt.conns = atoi(optarg); break;
        case 'd': opt.depth = atoi(optarg); break;
        case 's': opt.size = atoi(optarg); break;
        case 't': opt.secs = atof(optarg); break;
        case 'w': opt.warmup = atof(optarg); break;
        case 'r': opt.rate = atof(optarg); break;
        case 'h': opt.hold = atof(optarg); break;
        case 'a': opt.src_addrs = atoi(optarg); break;
        case 'P': opt.stat_pid = atoi(optarg); break;
        case 'x': opt.proto = optarg; break;
        case 'B': opt.busy_poll = true; break;
        default: usage_error("unknown option");
        }
    }
    if (strcmp(opt.mode, "closed") && strcmp(opt.mode, "rate") && strcmp(opt.mode, "idle"))
        usage_error("--mode must be closed, rate or idle");
    if (strcmp(opt.host, "127.0.0.1") && strcmp(opt.host, "::1"))
        usage_error("--host must be 127.0.0.1 or ::1: this tool only loads loopback");
    if (opt.port < 1 || opt.port > 65535)
        usage_error("--port is required (1..65535)");
    if (opt.conns < 1 || opt.conns > MAX_CONNS)
        usage_error("--conns must be 1..200000");
    if (opt.depth < 1 || opt.depth > 4096 || opt.size < 1 || opt.size > (1 << 20))
        usage_error("--depth must be 1..4096 and --size 1..1048576");
    if (!(opt.secs > 0 && opt.secs <= 600) || !(opt.warmup >= 0 && opt.warmup <= 600) || !(opt.hold > 0 && opt.hold <= 3600))
        usage_error("--secs must be in (0, 600], --warmup in [0, 600], --hold in (0, 3600]");
    if (!strcmp(opt.mode, "rate") && !(opt.rate > 0 && opt.rate <= 10e6))
        usage_error("--mode rate needs --rate in (0, 10000000]");
    if (!strcmp(opt.mode, "idle") && strcmp(opt.proto, "echo"))
        usage_error("--mode idle works with --proto echo only");
    if (opt.src_addrs < 1 || opt.src_addrs > 254 || (opt.src_addrs > 1 && strchr(opt.host, ':')))
        usage_error("--src-addrs must be 1..254, and 1 with ::1");
}

static double us(uint64_t ns)
{
    return (double)ns / 1000.0;
}

int main(int argc, char **argv)
{
    parse(argc, argv);
    conns = calloc((size_t)opt.conns, sizeof(*conns));
    flush_list = calloc((size_t)opt.conns, sizeof(*flush_list));
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (!conns || !flush_list || ep < 0) {
        perror("loadgen: setup");
        return 1;
    }
    bool closed = !strcmp(opt.mode, "closed"), rate = !strcmp(opt.mode, "rate");
    if (closed) {
        for (int i = 0; i < opt.conns; i++)
            if (!(conns[i].stamp = calloc((size_t)opt.depth, sizeof(int64_t)))) {
                perror("loadgen: setup");
                return 1;
            }
    }
    if (!strcmp(opt.mode, "idle"))
        opt.size = 1;               /* one byte each way, so the server has served every connection */
    chunk = (size_t)opt.size + 64 > IO_CHUNK ? (size_t)opt.size + 64 : IO_CHUNK;
    if (proto_init(&P, opt.proto, (size_t)opt.size, chunk) < 0 || !(rbuf = malloc(chunk)))
        return 1;
    if (!P.resp_len) {
        for (int i = 0; i < opt.conns; i++)
            if (!(conns[i].http = calloc(1, sizeof(struct http_parser)))) {
                perror("loadgen: setup");
                return 1;
            }
    }
    hist_reset(&hist);
    hist_reset(&lag);

    int64_t c0 = now_ns();
    if (connect_all() < 0) {
        printf("mode=%s conns=%d errors=%" PRIu64 "\n", opt.mode, opt.conns, errors);
        return 1;
    }
    double connect_ms = (double)(now_ns() - c0) / 1e6;

    if (!closed && !rate) {
        run_idle();
        printf("mode=idle conns=%d connect_ms=%.1f errors=%" PRIu64 "\n", opt.conns, connect_ms, errors);
        return errors ? 1 : 0;
    }

    if (closed)
        run_closed();
    else
        run_rate();
    uint64_t unfinished = drain(now_ns() + 2 * NS);
    if (rate && unfinished > 0 && errors == 0)
        record_unanswered(now_ns());

    printf("mode=%s proto=%s conns=%d depth=%d size=%d secs=%g warmup=%g", opt.mode, opt.proto, opt.conns,
           closed ? opt.depth : 0, opt.size, opt.secs, opt.warmup);
    if (rate)
        printf(" target_rps=%.0f", opt.rate);
    printf(" requests=%" PRIu64 " rps=%.0f p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f",
           measured, (double)measured / opt.secs, us(hist_quantile(&hist, 0.50)),
           us(hist_quantile(&hist, 0.90)), us(hist_quantile(&hist, 0.99)),
           us(hist_quantile(&hist, 0.999)), us(hist.max_ns));
    /* CPU use in the window, as a share of one CPU: 1.00 for the load generator means it was
     * the bottleneck. */
    if (P.resp_len)
        printf(" mib_s=%.1f", (double)measured * (double)P.resp_len / opt.secs / (1 << 20));
    printf(" lg_cpu=%.2f", (own_cpu[1] - own_cpu[0]) / opt.secs);
    if (srv_ticks[0][0] >= 0 && srv_ticks[1][0] >= 0) {
        /* User time is the server's own work; system time its syscalls and the network stack. */
        double tck = (double)sysconf(_SC_CLK_TCK);
        double user_s = (double)(srv_ticks[1][0] - srv_ticks[0][0]) / tck;
        double sys_s = (double)(srv_ticks[1][1] - srv_ticks[0][1]) / tck;
        double per = measured ? 1e6 / (double)measured : 0.0;
        printf(" srv_cpu=%.2f srv_cpu_us_per_req=%.2f srv_user_us_per_req=%.2f srv_sys_us_per_req=%.2f",
               (user_s + sys_s) / opt.secs, (user_s + sys_s) * per, user_s * per, sys_s * per);
    }
    if (rate) {
        /* A load generator that falls behind its schedule (starved of CPU, or at its own limit)
         * sends in bursts, and the server does not see the rate asked for: the lag says so. */
        printf(" unanswered=%" PRIu64 " send_lag_p50_us=%.1f send_lag_p99_us=%.1f", unanswered,
               us(hist_quantile(&lag, 0.50)), us(hist_quantile(&lag, 0.99)));
    }
    printf(" connect_ms=%.1f errors=%" PRIu64 "\n", connect_ms, errors);
    return errors ? 1 : 0;
}
