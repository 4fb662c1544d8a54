/*
 * echo_server: the reference point of bench/compare, "what the kernel allows" for a
 * single-threaded echo server. Plain C, one edge-triggered epoll set, nothing else.
 *
 *   echo_server [--port P]      (P = 0, the default, picks a free port)
 *
 * Binds 127.0.0.1 only. When ready it prints, like `bin/ringwire echo`,
 *   listening echo 127.0.0.1:PORT backend=c-epoll threads=1
 * SIGTERM or SIGINT ends it with exit 0.
 *
 * Edge-triggered contract: an event is a change, not a state, so every ready descriptor is
 * drained until EAGAIN (accept and read alike); an event may also be spurious, which the EAGAIN
 * path absorbs. Reads go to one shared buffer and are written straight back. Only the bytes a
 * full send buffer refuses are copied to a per-connection heap buffer; until that drains, the
 * connection is not read (so a slow reader gets TCP backpressure rather than our memory), and
 * the EPOLLOUT edge resumes it. An idle connection costs its struct and nothing else.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE   (64 * 1024)
#define MAX_EVENTS 256
#define LISTENER   NULL             /* epoll data of the listening socket */

struct conn {
    int fd;
    bool peer_closed;               /* FIN seen: close once the backlog is written */
    char *backlog;                  /* bytes the kernel refused, or NULL */
    size_t backlog_off, backlog_len;
};

static char buf[BUF_SIZE];
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void close_conn(struct conn *c)
{
    close(c->fd);                   /* also removes it from the epoll set */
    free(c->backlog);
    free(c);
}

/* Writes len bytes; what the kernel refuses goes to the backlog. Returns -1 on a write error. */
static int send_all(struct conn *c, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(c->fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                return -1;
            if (!(c->backlog = malloc(len)))
                return -1;
            memcpy(c->backlog, data, len);
            c->backlog_off = 0;
            c->backlog_len = len;
            return 0;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Writes out the backlog; returns 1 when it is empty, 0 when the kernel still refuses, -1 on error. */
static int flush_backlog(struct conn *c)
{
    while (c->backlog_off < c->backlog_len) {
        ssize_t n = write(c->fd, c->backlog + c->backlog_off, c->backlog_len - c->backlog_off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN ? 0 : -1;
        }
        c->backlog_off += (size_t)n;
    }
    free(c->backlog);
    c->backlog = NULL;
    return 1;
}

/* Reads until EAGAIN (or until the kernel refuses our writes), echoing as it goes. */
static void serve(struct conn *c, unsigned events)
{
    if ((events & EPOLLOUT) && c->backlog) {
        int rc = flush_backlog(c);
        if (rc <= 0) {
            if (rc < 0)
                close_conn(c);
            return;
        }
    }
    if (c->backlog)
        return;                     /* a spurious or read-side edge while we wait for EPOLLOUT */
    while (!c->peer_closed) {
        ssize_t n = read(c->fd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return;
            close_conn(c);          /* ECONNRESET and the like: nothing left to answer */
            return;
        }
        if (n == 0) {
            c->peer_closed = true;
            break;
        }
        if (send_all(c, buf, (size_t)n) < 0) {
            close_conn(c);
            return;
        }
        if (c->backlog)
            return;                 /* stop reading until EPOLLOUT drains it */
    }
    if (!c->backlog)
        close_conn(c);              /* FIN seen and everything written back */
}

static void accept_all(int ep, int lfd)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            /* EAGAIN: drained. Anything else (EMFILE): this reference server does not try to
             * recover; the waiting connections stay queued until the next connection's edge. */
            if (errno != EAGAIN)
                perror("echo_server: accept4");
            return;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct conn *c = calloc(1, sizeof(*c));
        struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c };
        if (!c || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
            perror("echo_server: register");
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
    }
}

int main(int argc, char **argv)
{
    int port = 0;
    if (argc == 3 && !strcmp(argv[1], "--port"))
        port = atoi(argv[2]);
    else if (argc != 1) {
        fprintf(stderr, "usage: echo_server [--port P]\n");
        return 2;
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 4096) < 0
        || getsockname(lfd, (struct sockaddr *)&addr, &len) < 0) {
        perror("echo_server: listen");
        return 1;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event lev = { .events = EPOLLIN | EPOLLET, .data.ptr = LISTENER };
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) < 0) {
        perror("echo_server: epoll");
        return 1;
    }
    printf("listening echo 127.0.0.1:%d backend=c-epoll threads=1\n", ntohs(addr.sin_port));
    fflush(stdout);

    struct epoll_event evs[MAX_EVENTS];
    while (!stop) {
        int n = epoll_wait(ep, evs, MAX_EVENTS, -1);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == LISTENER)
                accept_all(ep, lfd);
            else
                serve(evs[i].data.ptr, evs[i].events);
        }
        /* n < 0 with EINTR: a signal; the loop condition decides. Connections still open at
         * exit are closed by the kernel. */
    }
    return 0;
}
