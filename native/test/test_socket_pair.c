/*
 * A TCP connection over 127.0.0.1 through the rw_ socket and io wrappers:
 * bind, listen, connect, accept, addresses, options, the data calls, shutdown
 * and close; then a refused connect, and a bind on ::1 when IPv6 is there.
 */
#include "test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <linux/sockios.h>
#include <sys/ioctl.h> /* TIOCOUTQ, which SIOCOUTQ is defined as */
#include <sys/socket.h>

static struct sockaddr_in loopback(uint16_t port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sin;
}

/* Test code may block: the library's sockets are non-blocking, so wait here. */
static int wait_for(int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events };
    return poll(&p, 1, 5000) == 1 ? p.revents : 0;
}

/* A listener on 127.0.0.1 at a port the kernel picks; skip without loopback. */
static int listen_loopback(int *fd_out, struct sockaddr_in *bound)
{
    int fd = rw_socket_stream(AF_INET);
    if (fd == -EAFNOSUPPORT || fd == -EACCES || fd == -EPERM)
        return T_EXIT_SKIP;
    CHECK(fd >= 0);
    struct sockaddr_in any_port = loopback(0);
    int rc = rw_bind(fd, &any_port, sizeof(any_port));
    if (rc == -EADDRNOTAVAIL)
        return T_EXIT_SKIP;
    CHECK_EQ(rc, 0);
    CHECK_EQ(rw_listen(fd, 16), 0);
    CHECK_EQ(rw_getsockname(fd, bound, sizeof(*bound)), sizeof(*bound));
    CHECK_EQ(bound->sin_family, AF_INET);
    CHECK(bound->sin_port != 0);
    *fd_out = fd;
    return T_EXIT_PASS;
}

/* A non-blocking connect on loopback may finish at once or report EINPROGRESS. */
static int connect_to(const struct sockaddr_in *to, int *fd_out)
{
    int fd = rw_socket_stream(AF_INET);
    CHECK(fd >= 0);
    int rc = rw_connect(fd, to, sizeof(*to));
    CHECK(rc == 0 || rc == -EINPROGRESS);
    CHECK(wait_for(fd, POLLOUT) & POLLOUT);
    CHECK_EQ(rw_socket_error(fd), 0);
    *fd_out = fd;
    return T_EXIT_PASS;
}

static int test_connection(void)
{
    int lfd, cfd, afd, cfd2, afd2;
    struct sockaddr_in bound, peer, local;
    RUN(listen_loopback(&lfd, &bound));
    RUN(connect_to(&bound, &cfd));

    CHECK(wait_for(lfd, POLLIN) & POLLIN);
    afd = rw_accept(lfd, &peer, sizeof(peer));
    CHECK(afd >= 0);
    CHECK_EQ(peer.sin_family, AF_INET);
    CHECK_EQ(rw_getsockname(cfd, &local, sizeof(local)), sizeof(local));
    CHECK_EQ(peer.sin_port, local.sin_port);
    CHECK_EQ(rw_getpeername(cfd, &peer, sizeof(peer)), sizeof(peer));
    CHECK_EQ(peer.sin_port, bound.sin_port);
    CHECK_EQ(rw_accept(lfd, NULL, 0), -EAGAIN);

    /* accept with no address buffer */
    RUN(connect_to(&bound, &cfd2));
    CHECK(wait_for(lfd, POLLIN) & POLLIN);
    afd2 = rw_accept(lfd, NULL, 0);
    CHECK(afd2 >= 0);

    /* read and write */
    char buf[64];
    CHECK_EQ(rw_read(afd, buf, sizeof(buf)), -EAGAIN);
    CHECK_EQ(rw_write(cfd, "hello", 5), 5);
    CHECK(wait_for(afd, POLLIN) & POLLIN);
    CHECK_EQ(rw_read(afd, buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);

    /* writev and readv, with the data split differently on each side */
    struct iovec out[2] = { { "ab", 2 }, { "cde", 3 } };
    char in0[2], in1[10];
    struct iovec in[2] = { { in0, sizeof(in0) }, { in1, sizeof(in1) } };
    CHECK_EQ(rw_writev(cfd, out, 2), 5);
    CHECK(wait_for(afd, POLLIN) & POLLIN);
    CHECK_EQ(rw_readv(afd, in, 2), 5);
    CHECK(memcmp(in0, "ab", 2) == 0 && memcmp(in1, "cde", 3) == 0);

    /* send and recv, MSG_PEEK leaving the data in place */
    CHECK_EQ(rw_send(afd, "xyz", 3, MSG_NOSIGNAL), 3);
    CHECK(wait_for(cfd, POLLIN) & POLLIN);
    CHECK_EQ(rw_recv(cfd, buf, sizeof(buf), MSG_PEEK), 3);
    CHECK_EQ(rw_recv(cfd, buf, sizeof(buf), MSG_DONTWAIT), 3);
    CHECK(memcmp(buf, "xyz", 3) == 0);

    /* a negative Java length is refused before it reaches the kernel */
    CHECK_EQ(rw_write(cfd, buf, -1), -EINVAL);
    CHECK_EQ(rw_read(cfd, buf, -1), -EINVAL);

    /* after the peer's SHUT_WR, read returns 0 (end of stream) */
    CHECK_EQ(rw_shutdown(cfd, SHUT_WR), 0);
    CHECK(wait_for(afd, POLLIN) & POLLIN);
    CHECK_EQ(rw_read(afd, buf, sizeof(buf)), 0);

    /* SIOCOUTQ: what the peer has not acknowledged, FIN included; loopback acknowledges
     * within microseconds, so wait for it to reach 0 rather than expect it at once */
    int unacked = rw_ioctl_int(cfd, SIOCOUTQ);
    for (int i = 0; i < 1000 && unacked > 0; i++) {
        poll(NULL, 0, 1);
        unacked = rw_ioctl_int(cfd, SIOCOUTQ);
    }
    CHECK_EQ(unacked, 0);
    CHECK_EQ(rw_ioctl_int(-1, SIOCOUTQ), -EBADF);

    CHECK_EQ(rw_close(afd2), 0);
    CHECK_EQ(rw_close(cfd2), 0);
    CHECK_EQ(rw_close(afd), 0);
    CHECK_EQ(rw_close(cfd), 0);
    CHECK_EQ(rw_close(lfd), 0);
    CHECK_EQ(rw_close(-1), -EBADF);
    return T_EXIT_PASS;
}

static int test_options(void)
{
    int fd = rw_socket_stream(AF_INET);
    CHECK(fd >= 0);
    CHECK_EQ(rw_setsockopt_int(fd, IPPROTO_TCP, TCP_NODELAY, 1), 0);
    CHECK_EQ(rw_getsockopt_int(fd, IPPROTO_TCP, TCP_NODELAY), 1);
    CHECK_EQ(rw_setsockopt_int(fd, IPPROTO_TCP, TCP_NODELAY, 0), 0);
    CHECK_EQ(rw_getsockopt_int(fd, IPPROTO_TCP, TCP_NODELAY), 0);
    CHECK(rw_getsockopt_int(fd, SOL_SOCKET, SO_RCVBUF) > 0);
    CHECK_EQ(rw_getsockopt_int(fd, SOL_SOCKET, 0x7fff), -ENOPROTOOPT);
    CHECK_EQ(rw_getsockopt_int(-1, SOL_SOCKET, SO_RCVBUF), -EBADF);

    struct linger set = { .l_onoff = 1, .l_linger = 3 }, got = { 0, 0 };
    CHECK_EQ(rw_setsockopt(fd, SOL_SOCKET, SO_LINGER, &set, sizeof(set)), 0);
    CHECK_EQ(rw_getsockopt(fd, SOL_SOCKET, SO_LINGER, &got, sizeof(got)), sizeof(got));
    CHECK(got.l_onoff != 0);
    CHECK_EQ(got.l_linger, 3);
    CHECK_EQ(rw_setsockopt(fd, SOL_SOCKET, SO_LINGER, &set, -1), -EINVAL);

    CHECK_EQ(rw_socket_error(fd), 0);
    CHECK_EQ(rw_socket_error(-1), -EBADF);
    CHECK_EQ(rw_close(fd), 0);
    return T_EXIT_PASS;
}

/*
 * The target is bound but not listening, so its port stays ours and the SYN
 * is answered with a reset: ECONNREFUSED either from connect itself or, after
 * EINPROGRESS, from SO_ERROR.
 */
static int test_refused(void)
{
    int target = rw_socket_stream(AF_INET);
    CHECK(target >= 0);
    struct sockaddr_in to = loopback(0);
    CHECK_EQ(rw_bind(target, &to, sizeof(to)), 0);
    CHECK_EQ(rw_getsockname(target, &to, sizeof(to)), sizeof(to));

    int fd = rw_socket_stream(AF_INET);
    CHECK(fd >= 0);
    int rc = rw_connect(fd, &to, sizeof(to));
    if (rc == -EINPROGRESS) {
        CHECK(wait_for(fd, POLLOUT) != 0);
        rc = -rw_socket_error(fd);
    }
    CHECK_EQ(rc, -ECONNREFUSED);
    CHECK_EQ(rw_close(fd), 0);
    CHECK_EQ(rw_close(target), 0);
    return T_EXIT_PASS;
}

/* ::1 is optional: a host without IPv6 only skips this part. */
static int test_ipv6_bind(void)
{
    int fd = rw_socket_stream(AF_INET6);
    if (fd == -EAFNOSUPPORT) {
        fprintf(stderr, "no IPv6: ::1 not tested\n");
        return T_EXIT_PASS;
    }
    CHECK(fd >= 0);
    struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    int rc = rw_bind(fd, &sin6, sizeof(sin6));
    if (rc == -EADDRNOTAVAIL) {
        fprintf(stderr, "no ::1: not tested\n");
        CHECK_EQ(rw_close(fd), 0);
        return T_EXIT_PASS;
    }
    CHECK_EQ(rc, 0);
    struct sockaddr_storage ss;
    CHECK_EQ(rw_getsockname(fd, &ss, sizeof(ss)), sizeof(struct sockaddr_in6));
    CHECK_EQ(ss.ss_family, AF_INET6);
    CHECK_EQ(rw_close(fd), 0);
    return T_EXIT_PASS;
}

int main(void)
{
    RUN(test_connection());
    RUN(test_options());
    RUN(test_refused());
    RUN(test_ipv6_bind());
    return T_EXIT_PASS;
}
