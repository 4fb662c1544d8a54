/*
 * uring_echo_server: the io_uring reference point of bench/compare, "what the kernel allows" for a
 * single-threaded echo server on io_uring. Plain C, raw syscalls and the uapi header, no liburing.
 *
 *   uring_echo_server [--port P]      (P = 0, the default, picks a free port)
 *
 * Binds 127.0.0.1 only. When ready it prints, like `bin/ringwire echo`,
 *   listening echo 127.0.0.1:PORT backend=c-io_uring threads=1
 * SIGTERM or SIGINT ends it with exit 0. A kernel without io_uring (or a seccomp filter that
 * blocks it) gets a one-line error and exit 1.
 *
 * Design, the simplest that batches: one ring set up with SINGLE_ISSUER + DEFER_TASKRUN where the
 * kernel has them (completions are then only run inside our io_uring_enter, one batch per call), a
 * multishot accept, and per connection exactly one operation in flight at a time: RECV into the
 * connection's own buffer, then SEND of what came in (re-submitted for the rest after a short
 * send), then RECV again. One io_uring_enter per loop turn submits everything queued and waits for
 * at least one completion. Because a connection never has two operations in flight, it can be
 * closed and freed the moment one completes with EOF or an error: the kernel holds no pointer into
 * it any more. The buffer is 64 KiB, like echo_server's; the kernel only touches its pages when
 * data arrives, so an idle connection that has echoed a little costs one touched page.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Debian's uapi headers are 6.1; these came later or may be missing from older ones. */
#ifndef IORING_SETUP_SINGLE_ISSUER
#define IORING_SETUP_SINGLE_ISSUER (1U << 12)
#endif
#ifndef IORING_SETUP_DEFER_TASKRUN
#define IORING_SETUP_DEFER_TASKRUN (1U << 13)
#endif
#ifndef IORING_ACCEPT_MULTISHOT
#define IORING_ACCEPT_MULTISHOT (1U << 0)
#endif

#define SQ_ENTRIES 4096
#define CQ_ENTRIES 65536              /* 100k idle connections may all complete at once */
#define BUF_SIZE   (64 * 1024)
#define OP_ACCEPT  0u
#define OP_RECV    1u
#define OP_SEND    2u
#define OP_MASK    3u                 /* user_data = conn pointer | op; conns are 8-aligned */

struct conn {
    int fd;
    uint32_t send_off, send_len;      /* the part of buf that a SEND still owes */
    char buf[BUF_SIZE];
};

static struct {
    int fd;
    unsigned *sq_head, *sq_tail, *sq_mask, *sq_array;
    unsigned *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    unsigned sq_local_tail;           /* SQEs filled so far; published to *sq_tail before enter */
    unsigned sq_entries;
} ring;

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int sys_setup(unsigned entries, struct io_uring_params *p)
{
    return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(unsigned to_submit, unsigned min_complete, unsigned flags)
{
    return (int)syscall(__NR_io_uring_enter, ring.fd, to_submit, min_complete, flags, NULL, 0);
}

/* Sets up the ring; returns 0 or -errno. */
static int ring_init(void)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof(p));
    p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    p.cq_entries = CQ_ENTRIES;
    int fd = sys_setup(SQ_ENTRIES, &p);
    if (fd < 0 && errno == EINVAL) {          /* a kernel before 6.1: no DEFER_TASKRUN */
        memset(&p, 0, sizeof(p));
        p.flags = IORING_SETUP_CQSIZE;
        p.cq_entries = CQ_ENTRIES;
        fd = sys_setup(SQ_ENTRIES, &p);
    }
    if (fd < 0)
        return -errno;
    size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    bool single = p.features & IORING_FEAT_SINGLE_MMAP;
    if (single)
        sq_size = cq_size = sq_size > cq_size ? sq_size : cq_size;
    char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
    if (sq == MAP_FAILED)
        return -errno;
    char *cq = single ? sq : mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
                                  IORING_OFF_CQ_RING);
    if (cq == MAP_FAILED)
        return -errno;
    void *sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
    if (sqes == MAP_FAILED)
        return -errno;
    ring.fd = fd;
    ring.sq_head = (unsigned *)(sq + p.sq_off.head);
    ring.sq_tail = (unsigned *)(sq + p.sq_off.tail);
    ring.sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    ring.sq_array = (unsigned *)(sq + p.sq_off.array);
    ring.cq_head = (unsigned *)(cq + p.cq_off.head);
    ring.cq_tail = (unsigned *)(cq + p.cq_off.tail);
    ring.cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    ring.cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    ring.sqes = sqes;
    ring.sq_entries = p.sq_entries;
    ring.sq_local_tail = *ring.sq_tail;
    return 0;
}

/* Publishes the filled SQEs and submits them; with wait, also waits for one completion. */
static int ring_submit(bool wait)
{
    /* Release: the kernel must see the SQE contents before it sees the new tail. */
    __atomic_store_n(ring.sq_tail, ring.sq_local_tail, __ATOMIC_RELEASE);
    unsigned pending = ring.sq_local_tail - __atomic_load_n(ring.sq_head, __ATOMIC_ACQUIRE);
    int rc = sys_enter(pending, wait ? 1 : 0, wait ? IORING_ENTER_GETEVENTS : 0);
    return rc < 0 ? -errno : rc;
}

/* A fresh SQE; submits what is queued first if the SQ is full. */
static struct io_uring_sqe *get_sqe(void)
{
    while (ring.sq_local_tail - __atomic_load_n(ring.sq_head, __ATOMIC_ACQUIRE) >= ring.sq_entries) {
        int rc = ring_submit(false);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            fprintf(stderr, "uring_echo_server: io_uring_enter: %s\n", strerror(-rc));
            exit(1);
        }
    }
    unsigned idx = ring.sq_local_tail & *ring.sq_mask;
    struct io_uring_sqe *sqe = &ring.sqes[idx];
    memset(sqe, 0, sizeof(*sqe));
    ring.sq_array[idx] = idx;
    ring.sq_local_tail++;
    return sqe;
}

static void queue_accept(int lfd)
{
    struct io_uring_sqe *sqe = get_sqe();
    sqe->opcode = IORING_OP_ACCEPT;
    sqe->fd = lfd;
    sqe->ioprio = IORING_ACCEPT_MULTISHOT;
    sqe->accept_flags = SOCK_CLOEXEC;
    sqe->user_data = OP_ACCEPT;
}

static void queue_recv(struct conn *c)
{
    struct io_uring_sqe *sqe = get_sqe();
    sqe->opcode = IORING_OP_RECV;
    sqe->fd = c->fd;
    sqe->addr = (uintptr_t)c->buf;
    sqe->len = BUF_SIZE;
    sqe->user_data = (uintptr_t)c | OP_RECV;
}

static void queue_send(struct conn *c)
{
    struct io_uring_sqe *sqe = get_sqe();
    sqe->opcode = IORING_OP_SEND;
    sqe->fd = c->fd;
    sqe->addr = (uintptr_t)(c->buf + c->send_off);
    sqe->len = c->send_len - c->send_off;
    sqe->msg_flags = MSG_NOSIGNAL;
    sqe->user_data = (uintptr_t)c | OP_SEND;
}

/* Only called when the connection's single operation has completed: nothing of it is in flight. */
static void close_conn(struct conn *c)
{
    close(c->fd);
    free(c);
}

static void on_accept(int lfd, const struct io_uring_cqe *cqe)
{
    if (!(cqe->flags & IORING_CQE_F_MORE))
        queue_accept(lfd);            /* the multishot ended (an error, or an old kernel): re-arm */
    if (cqe->res < 0) {
        /* EMFILE and the like: this reference server does not try to recover beyond re-arming. */
        if (cqe->res != -ECANCELED)
            fprintf(stderr, "uring_echo_server: accept: %s\n", strerror(-cqe->res));
        return;
    }
    int fd = cqe->res, one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct conn *c = malloc(sizeof(*c));
    if (!c) {
        close(fd);
        return;
    }
    c->fd = fd;
    c->send_off = c->send_len = 0;
    queue_recv(c);
}

static void on_conn(struct conn *c, unsigned op, int res)
{
    if (res <= 0) {                   /* EOF (everything echoed already) or ECONNRESET and the like */
        close_conn(c);
        return;
    }
    if (op == OP_RECV) {
        c->send_off = 0;
        c->send_len = (uint32_t)res;
        queue_send(c);
        return;
    }
    c->send_off += (uint32_t)res;
    if (c->send_off < c->send_len)
        queue_send(c);                /* a short send: the rest, before reading more */
    else
        queue_recv(c);
}

int main(int argc, char **argv)
{
    int port = 0;
    if (argc == 3 && !strcmp(argv[1], "--port"))
        port = atoi(argv[2]);
    else if (argc != 1) {
        fprintf(stderr, "usage: uring_echo_server [--port P]\n");
        return 2;
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = ring_init();
    if (rc < 0) {
        fprintf(stderr, "uring_echo_server: io_uring is not usable here: io_uring_setup: %s\n", strerror(-rc));
        return 1;
    }
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 4096) < 0
        || getsockname(lfd, (struct sockaddr *)&addr, &len) < 0) {
        perror("uring_echo_server: listen");
        return 1;
    }
    queue_accept(lfd);
    printf("listening echo 127.0.0.1:%d backend=c-io_uring threads=1\n", ntohs(addr.sin_port));
    fflush(stdout);

    while (!stop) {
        rc = ring_submit(true);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            fprintf(stderr, "uring_echo_server: io_uring_enter: %s\n", strerror(-rc));
            return 1;
        }
        unsigned head = *ring.cq_head;
        /* Acquire: the CQE contents are visible once the kernel's tail says they are there. */
        unsigned tail = __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE);
        for (; head != tail; head++) {
            const struct io_uring_cqe *cqe = &ring.cqes[head & *ring.cq_mask];
            uint64_t ud = cqe->user_data;
            int res = cqe->res;
            if ((ud & OP_MASK) == OP_ACCEPT)
                on_accept(lfd, cqe);
            else
                on_conn((struct conn *)(uintptr_t)(ud & ~(uint64_t)OP_MASK), (unsigned)(ud & OP_MASK), res);
        }
        /* Release: the kernel may reuse the slots once it sees the new head. */
        __atomic_store_n(ring.cq_head, head, __ATOMIC_RELEASE);
        /* A signal interrupts the wait with EINTR; the loop condition decides. Connections still
         * open at exit are closed by the kernel with the ring. */
    }
    return 0;
}
