/*
 * ringwire native layer: shared declarations.
 *
 * Each area (constants, socket, io, epoll, eventfd) lives in one .c file that
 * holds two layers:
 *   - rw_<name>(): a plain C wrapper around one syscall. It returns >= 0 on
 *     success or -errno on failure, retries EINTR only where that is safe, and
 *     knows nothing about JNI, so the tests in native/test call it directly.
 *   - a static JNI function per Native.java method that casts its arguments
 *     and calls the rw_ wrapper, listed in the file's own JNINativeMethod
 *     table, registered by ringwire_register_<area>() from JNI_OnLoad.
 *
 * Everything is built with -fvisibility=hidden: only JNI_OnLoad is exported.
 */
#ifndef RINGWIRE_H
#define RINGWIRE_H

/* accept4, strerrorname_np and the GNU strerror_r need this before any libc header. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <jni.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/uio.h>

/* Java passes native memory as a jlong address; the caller keeps it alive. */
#define RW_ADDR(address) ((void *)(intptr_t)(address))

#define RW_COUNT(array) ((jint)(sizeof(array) / sizeof((array)[0])))

/* The Java class that declares every native method. */
#define RW_NATIVE_CLASS "io/ringwire/internal/Native"

/* Registration, one per area; each returns 0 or a negative JNI error code. */
int ringwire_register_constants(JNIEnv *env, jclass cls);
int ringwire_register_socket(JNIEnv *env, jclass cls);
int ringwire_register_io(JNIEnv *env, jclass cls);
int ringwire_register_epoll(JNIEnv *env, jclass cls);
int ringwire_register_eventfd(JNIEnv *env, jclass cls);
int ringwire_register_limits(JNIEnv *env, jclass cls);
int ringwire_register_uring(JNIEnv *env, jclass cls);
int ringwire_register_zerocopy(JNIEnv *env, jclass cls);

/* ---- constants.c ---- */
struct rw_constant {
    const char *name;
    int value;
};
extern const struct rw_constant rw_constants[];
extern const size_t rw_constants_count;
/* Value of the named constant, or INT_MIN if the name is unknown (or NULL). */
int rw_constant(const char *name);

/* ---- socket.c ---- */
int rw_socket_stream(int family);
int rw_bind(int fd, const void *addr, int len);
int rw_listen(int fd, int backlog);
int rw_accept(int fd, void *addr, int capacity);
int rw_connect(int fd, const void *addr, int len);
int rw_socket_error(int fd);
int rw_ioctl_int(int fd, int request);
int rw_getsockname(int fd, void *addr, int capacity);
int rw_getpeername(int fd, void *addr, int capacity);
int rw_shutdown(int fd, int how);
int rw_close(int fd);
int rw_setsockopt_int(int fd, int level, int optname, int value);
int64_t rw_getsockopt_int(int fd, int level, int optname);
int rw_setsockopt(int fd, int level, int optname, const void *value, int len);
int rw_getsockopt(int fd, int level, int optname, void *value, int capacity);

/* ---- io.c ---- */
int rw_read(int fd, void *buf, int len);
int rw_write(int fd, const void *buf, int len);
int64_t rw_readv(int fd, const struct iovec *iov, int iovcnt);
int64_t rw_writev(int fd, const struct iovec *iov, int iovcnt);
int rw_recv(int fd, void *buf, int len, int flags);
int rw_send(int fd, const void *buf, int len, int flags);

/* ---- epoll.c ---- */
int rw_epoll_create(void);
int rw_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
int rw_epoll_wait(int epfd, struct epoll_event *events, int max_events, int timeout_ms);

/* ---- eventfd.c ---- */
int rw_eventfd(unsigned int initval, int flags);
int rw_eventfd_write(int fd, uint64_t value);
int64_t rw_eventfd_read(int fd);
int rw_timerfd_create(int clockid);
int rw_timerfd_settime(int fd, int64_t initial_ns, int64_t interval_ns);
int64_t rw_timerfd_read(int fd);

/* ---- limits.c ---- */
int rw_getrlimit(int resource, uint64_t *out);
int rw_setrlimit(int resource, uint64_t soft, uint64_t hard);

/* ---- limits.c ---- */
int rw_getrlimit(int resource, uint64_t *out);
int rw_setrlimit(int resource, uint64_t soft, uint64_t hard);

/* ---- uring.c ---- */
extern const struct rw_constant rw_uring_constants[];
extern const size_t rw_uring_constants_count;
int rw_io_uring_setup(unsigned entries, void *params);
int rw_io_uring_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags,
                      const void *arg, size_t argsz);
int rw_io_uring_register(int fd, unsigned opcode, void *arg, unsigned nr_args);
int64_t rw_mmap(int64_t length, int prot, int flags, int fd, int64_t offset);
int rw_munmap(void *addr, int64_t length);

/* ---- zerocopy.c ---- */
int rw_open_read(const char *path);
int64_t rw_file_size(int fd);
int64_t rw_sendfile(int out_fd, int in_fd, int64_t offset, int count);
int64_t rw_splice(int fd_in, int64_t off_in, int fd_out, int64_t off_out, int len, unsigned flags);
int64_t rw_pipe(void);
int rw_set_pipe_size(int fd, int size);
int rw_get_pipe_size(int fd);

#endif
