/*
 * The zero-copy wrappers: sendfile from a temp file into a socket pair at an
 * offset, a short sendfile past the end of the file, splice socket -> pipe ->
 * socket, pipe sizing, and the file checks (size, directory and FIFO refused, a FIFO's open
 * never blocks).
 */
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_file(char *path, const char *data, int len)
{
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, data, (size_t)len), len);
    close(fd);
    return T_EXIT_PASS;
}

static int test_sendfile(void)
{
    char path[] = "/tmp/rw_zerocopy_XXXXXX";
    const char *data = "0123456789abcdef";
    RUN(make_file(path, data, 16));
    int f = rw_open_read(path);
    CHECK(f >= 0);
    CHECK_EQ(rw_file_size(f), 16);
    int sv[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);

    CHECK_EQ(rw_sendfile(sv[0], f, 4, 8), 8);
    char buf[32];
    CHECK_EQ(rw_read(sv[1], buf, sizeof(buf)), 8);
    CHECK(memcmp(buf, "456789ab", 8) == 0);
    /* The file's own position is untouched: offsets are explicit. */
    CHECK_EQ(lseek(f, 0, SEEK_CUR), 0);
    /* Past the end: a short count, then 0 (the file ended). */
    CHECK_EQ(rw_sendfile(sv[0], f, 12, 100), 4);
    CHECK_EQ(rw_sendfile(sv[0], f, 16, 100), 0);
    CHECK_EQ(rw_sendfile(sv[0], f, -1, 1), -EINVAL);

    close(sv[0]);
    close(sv[1]);
    close(f);
    unlink(path);
    return T_EXIT_PASS;
}

static int test_errors(void)
{
    CHECK_EQ(rw_open_read("/nonexistent/ringwire"), -ENOENT);
    int d = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(d >= 0);
    CHECK_EQ(rw_file_size(d), -EISDIR);
    close(d);
    CHECK_EQ(rw_file_size(-1), -EBADF);
    return T_EXIT_PASS;
}

static int test_splice(void)
{
    int a[2], b[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a), 0);
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b), 0);
    int64_t p = rw_pipe();
    CHECK(p >= 0);
    int pr = (int)(p >> 32), pw = (int)(p & 0xffffffff);
    CHECK(fcntl(pr, F_GETFL) & O_NONBLOCK);
    int granted = rw_set_pipe_size(pw, 1 << 16);
    CHECK(granted >= 1 << 16);
    CHECK_EQ(rw_get_pipe_size(pr), granted);

    unsigned flags = SPLICE_F_MOVE | SPLICE_F_NONBLOCK;
    /* Nothing to read yet: EAGAIN, not a block. */
    CHECK_EQ(rw_splice(a[1], -1, pw, -1, 4096, flags), -EAGAIN);
    CHECK_EQ(rw_write(a[0], "hello", 5), 5);
    CHECK_EQ(rw_splice(a[1], -1, pw, -1, 4096, flags), 5);
    CHECK_EQ(rw_splice(pr, -1, b[0], -1, 4096, flags), 5);
    char buf[16];
    CHECK_EQ(rw_read(b[1], buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    /* End of input shows as 0. */
    CHECK_EQ(shutdown(a[0], SHUT_WR), 0);
    CHECK_EQ(rw_splice(a[1], -1, pw, -1, 4096, flags), 0);
    CHECK_EQ(rw_splice(a[1], -1, pw, -1, -1, flags), -EINVAL);

    close(pr);
    close(pw);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
    return T_EXIT_PASS;
}

/*
 * A FIFO with no writer: a blocking open would wait for one forever (on an event loop, every
 * connection with it). It opens at once and is then refused as not a regular file.
 */
static int test_fifo(void)
{
    char dir[] = "/tmp/rw_fifo_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    snprintf(path, sizeof(path), "%s/fifo", dir);
    CHECK_EQ(mkfifo(path, 0600), 0);
    alarm(10); /* a regression blocks in open: die of SIGALRM rather than hang the build */
    int f = rw_open_read(path);
    alarm(0);
    CHECK(f >= 0);
    CHECK_EQ(rw_file_size(f), -EINVAL);
    close(f);
    unlink(path);
    rmdir(dir);
    return T_EXIT_PASS;
}

int main(void)
{
    RUN(test_sendfile());
    RUN(test_errors());
    RUN(test_fifo());
    RUN(test_splice());
    return T_EXIT_PASS;
}
