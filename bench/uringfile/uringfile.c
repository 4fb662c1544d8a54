/*
 * uringfile: how to send a file to a socket from an io_uring loop, measured two ways.
 *
 *   sendfile  sendfile(2) on the loop thread into a non-blocking socket; when the
 *             socket is full, IORING_OP_POLL_ADD(POLLOUT) and wait. What ringwire does.
 *   splice    IORING_OP_SPLICE file -> pipe linked to IORING_OP_SPLICE pipe -> socket,
 *             one pair in flight per chunk. A splice from a regular file cannot be
 *             done without blocking, so io_uring hands it to an iou-wrk thread.
 *
 * A reader thread drains the socket's other end. For each mode it prints GiB/s, the
 * process's CPU seconds per GiB (getrusage RUSAGE_SELF: iou-wrk threads count, the
 * reader too, the same in both modes) and the most iou-wrk threads that mode started, seen at
 * once: counted the same way in both modes, after every batch of completions, against the
 * threads alive when the mode began (idle workers of the other mode's last round linger a few
 * seconds and are not this mode's).
 *
 *   uringfile FILE [ROUNDS [CONNS [MAX_WORKERS]]]
 *
 * FILE is sent whole to each of CONNS connections at once, ROUNDS times per mode, interleaved.
 *
 * Raw syscalls and the kernel's uapi header; no liburing.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef IORING_REGISTER_IOWQ_MAX_WORKERS
#define IORING_REGISTER_IOWQ_MAX_WORKERS 19
#endif

struct ring {
    int fd;
    unsigned *sq_head, *sq_tail, *sq_mask, *sq_array;
    unsigned *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
};

static void die(const char *what, int err)
{
    fprintf(stderr, "uringfile: %s: %s\n", what, strerror(err));
    exit(1);
}

static void ring_init(struct ring *r, unsigned entries)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof(p));
    r->fd = (int)syscall(__NR_io_uring_setup, entries, &p);
    if (r->fd < 0)
        die("io_uring_setup", errno);
    size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
    r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
        die("mmap", errno);
    r->sq_head = (unsigned *)(sq + p.sq_off.head);
    r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
    r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    r->sq_array = (unsigned *)(sq + p.sq_off.array);
    r->cq_head = (unsigned *)(cq + p.cq_off.head);
    r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
    r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
}

static struct io_uring_sqe *sqe(struct ring *r)
{
    unsigned tail = *r->sq_tail;
    unsigned i = tail & *r->sq_mask;
    struct io_uring_sqe *s = &r->sqes[i];
    memset(s, 0, sizeof(*s));
    r->sq_array[i] = i;
    atomic_store_explicit((_Atomic unsigned *)r->sq_tail, tail + 1, memory_order_release);
    return s;
}

/* Submits what is queued and waits for one completion; returns its result. */
static int submit_wait(struct ring *r, unsigned to_submit, __u64 *user_data)
{
    /* Submit first: a completion already waiting must not leave new SQEs unsubmitted. */
    while (to_submit > 0) {
        int n = (int)syscall(__NR_io_uring_enter, r->fd, to_submit, 0, 0, NULL, 0);
        if (n < 0 && errno != EINTR)
            die("io_uring_enter", errno);
        if (n > 0)
            to_submit -= (unsigned)n;
    }
    for (;;) {
        unsigned head = *r->cq_head;
        unsigned tail = atomic_load_explicit((_Atomic unsigned *)r->cq_tail, memory_order_acquire);
        if (head != tail) {
            struct io_uring_cqe *c = &r->cqes[head & *r->cq_mask];
            int res = c->res;
            if (user_data)
                *user_data = c->user_data;
            atomic_store_explicit((_Atomic unsigned *)r->cq_head, head + 1, memory_order_release);
            return res;
        }
        int n = (int)syscall(__NR_io_uring_enter, r->fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0);
        if (n < 0 && errno != EINTR)
            die("io_uring_enter", errno);
    }
}


static void *drain(void *arg)
{
    int fd = *(int *)arg;
    static char buf[1 << 20];
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    return NULL;
}

static int count_iou_wrk(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char path[300], comm[64] = "";
        snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (f) {
            if (fgets(comm, sizeof(comm), f) && strncmp(comm, "iou-wrk-", 8) == 0)
                n++;
            fclose(f);
        }
    }
    if (d)
        closedir(d);
    return n;
}

/*
 * A connected loopback pair: *out is the sending end, *in the receiving end. The sendfile mode
 * needs a non-blocking socket; the splice mode a blocking one: io_uring's splice has no poll
 * retry, so on a non-blocking socket it fails with EAGAIN, and on a blocking one the iou-wrk
 * thread waits for room.
 */
static void tcp_pair(int *out, int *in, int nonblocking)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    if (l < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) || getsockname(l, (void *)&a, &len))
        die("listen", errno);
    *out = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(*out, (void *)&a, sizeof(a)))
        die("connect", errno);
    *in = accept(l, NULL, NULL);
    close(l);
    if (nonblocking)
        fcntl(*out, F_SETFL, O_NONBLOCK);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

enum { CHUNK = 1 << 20, MAX_CONNS = 256 };

/* Per mode: the most iou-wrk threads beyond wrk_base seen at once. */
static int max_wrk[2];
static int wrk_base;

struct conn {
    int out, in;
    int pipe_r, pipe_w;
    off_t off;
    int in_pipe;      /* splice mode: bytes moved into the pipe by the chunk in flight */
    int moved_in;     /* completions seen for the chunk in flight: the file->pipe and pipe->socket halves */
    int pending;      /* operations of this connection in flight */
    pthread_t reader;
};

static void note_workers(int mode)
{
    int w = count_iou_wrk() - wrk_base;
    if (w > max_wrk[mode])
        max_wrk[mode] = w;
}

/* All connections by sendfile: each goes until EAGAIN, then waits on POLL_ADD; one loop thread. */
static void send_sendfile(struct ring *r, struct conn *c, int n, int file, off_t size)
{
    int active = n;
    for (int i = 0; i < n; i++)
        c[i].pending = 0;
    int ready[MAX_CONNS], nready = n;
    for (int i = 0; i < n; i++)
        ready[i] = i;
    while (active > 0) {
        int submit = 0;
        for (int k = 0; k < nready; k++) {
            struct conn *x = &c[ready[k]];
            while (x->off < size) {
                ssize_t m = sendfile(x->out, file, &x->off, (size_t)(size - x->off));
                if (m > 0)
                    continue;
                if (m == 0)
                    die("sendfile: the file ended early", EIO);
                if (errno != EAGAIN)
                    die("sendfile", errno);
                struct io_uring_sqe *s = sqe(r);
                s->opcode = IORING_OP_POLL_ADD;
                s->fd = x->out;
                s->poll32_events = POLLOUT;
                s->user_data = (__u64)ready[k];
                submit++;
                break;
            }
            if (x->off >= size)
                active--;
        }
        nready = 0;
        if (active == 0)
            break;
        __u64 ud;
        int res = submit_wait(r, (unsigned)submit, &ud);
        if (res < 0)
            die("poll", -res);
        ready[nready++] = (int)ud;
        /* Take every completion already there, so one enter serves many. */
        while (*r->cq_head != atomic_load_explicit((_Atomic unsigned *)r->cq_tail, memory_order_acquire)) {
            res = submit_wait(r, 0, &ud);
            if (res < 0)
                die("poll", -res);
            ready[nready++] = (int)ud;
        }
        note_workers(0); /* measured, not assumed: a POLL_ADD should never need a worker */
    }
}

static void queue_chunk(struct ring *r, struct conn *x, int idx, int file, off_t size)
{
    unsigned len = (unsigned)(size - x->off < CHUNK ? size - x->off : CHUNK);
    struct io_uring_sqe *a = sqe(r);
    a->opcode = IORING_OP_SPLICE;
    a->splice_fd_in = file;
    a->splice_off_in = (__u64)x->off;
    a->fd = x->pipe_w;
    a->off = (__u64)-1;
    a->len = len;
    a->flags = IOSQE_IO_LINK;
    a->user_data = (__u64)idx << 1;
    struct io_uring_sqe *b = sqe(r);
    b->opcode = IORING_OP_SPLICE;
    b->splice_fd_in = x->pipe_r;
    b->splice_off_in = (__u64)-1;
    b->fd = x->out;
    b->off = (__u64)-1;
    b->len = len;
    b->user_data = ((__u64)idx << 1) | 1;
    x->moved_in = 0;
    x->in_pipe = 0;
    x->pending = 2;
}

/* All connections by IORING_OP_SPLICE: one linked file->pipe->socket pair in flight per connection. */
static void send_splice(struct ring *r, struct conn *c, int n, int file, off_t size)
{
    int active = n;
    for (int i = 0; i < n; i++)
        queue_chunk(r, &c[i], i, file, size);
    unsigned submit = (unsigned)(2 * n);
    while (active > 0) {
        __u64 ud;
        int res = submit_wait(r, submit, &ud);
        submit = 0;
        struct conn *x = &c[ud >> 1];
        if (res < 0)
            die("splice", -res);
        x->pending--;
        if ((ud & 1) == 0)
            x->in_pipe += res;
        else
            x->moved_in += res;
        if (x->pending > 0)
            continue;
        note_workers(1);
        /* A short move to the socket leaves bytes in the pipe: send them on before the next chunk. */
        if (x->moved_in < x->in_pipe) {
            struct io_uring_sqe *s = sqe(r);
            s->opcode = IORING_OP_SPLICE;
            s->splice_fd_in = x->pipe_r;
            s->splice_off_in = (__u64)-1;
            s->fd = x->out;
            s->off = (__u64)-1;
            s->len = (unsigned)(x->in_pipe - x->moved_in);
            s->user_data = (ud & ~1ull) | 1;
            x->pending = 1;
            submit = 1;
            continue;
        }
        x->off += x->in_pipe;
        if (x->in_pipe == 0)
            die("splice: the file ended early", EIO);
        if (x->off < size) {
            queue_chunk(r, x, (int)(ud >> 1), file, size);
            submit = 2;
        } else {
            active--;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: uringfile FILE [ROUNDS [CONNS [MAX_WORKERS]]]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    int conns = argc > 3 ? atoi(argv[3]) : 1;
    unsigned max_workers = argc > 4 ? (unsigned)atoi(argv[4]) : 0;
    if (conns < 1 || conns > MAX_CONNS) {
        fprintf(stderr, "uringfile: CONNS must be within 1..%d\n", MAX_CONNS);
        return 2;
    }
    int file = open(argv[1], O_RDONLY);
    struct stat st;
    if (file < 0 || fstat(file, &st))
        die(argv[1], errno);
    struct ring r;
    ring_init(&r, 1024);
    if (max_workers > 0) {
        unsigned counts[2] = { max_workers, max_workers };
        if (syscall(__NR_io_uring_register, r.fd, IORING_REGISTER_IOWQ_MAX_WORKERS, counts, 2) < 0)
            die("IOWQ_MAX_WORKERS", errno);
    }
    static struct conn c[MAX_CONNS];
    for (int i = 0; i < conns; i++) {
        int p[2];
        if (pipe(p))
            die("pipe", errno);
        fcntl(p[1], F_SETPIPE_SZ, CHUNK);
        c[i].pipe_r = p[0];
        c[i].pipe_w = p[1];
    }
    double gib = (double)st.st_size * rounds * conns / (1 << 30);
    double t[2] = { 0, 0 }, cp[2] = { 0, 0 };
    for (int round = 0; round < rounds; round++) {
        for (int mode = 0; mode < 2; mode++) {
            for (int i = 0; i < conns; i++) {
                tcp_pair(&c[i].out, &c[i].in, mode == 0);
                c[i].off = 0;
                pthread_create(&c[i].reader, NULL, drain, &c[i].in);
            }
            wrk_base = count_iou_wrk();
            double t0 = now(), c0 = cpu();
            if (mode == 0)
                send_sendfile(&r, c, conns, file, st.st_size);
            else
                send_splice(&r, c, conns, file, st.st_size);
            for (int i = 0; i < conns; i++) {
                shutdown(c[i].out, SHUT_WR);
                pthread_join(c[i].reader, NULL);
            }
            t[mode] += now() - t0;
            cp[mode] += cpu() - c0;
            for (int i = 0; i < conns; i++) {
                close(c[i].out);
                close(c[i].in);
            }
        }
    }
    printf("%d connection(s), %s iou-wrk bound\n", conns, max_workers ? "with an" : "without an");
    printf("| mode | GiB/s | process CPU s/GiB | iou-wrk threads started, at most |\n|---|---|---|---|\n");
    printf("| sendfile on the loop + POLL_ADD | %.2f | %.3f | %d |\n", gib / t[0], cp[0] / gib, max_wrk[0]);
    printf("| IORING_OP_SPLICE file->pipe->socket | %.2f | %.3f | %d |\n", gib / t[1], cp[1] / gib, max_wrk[1]);
    return 0;
}
