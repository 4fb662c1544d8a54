/*
 * TCP socket lifecycle and options. Addresses are native sockaddr memory that
 * Java fills and reads itself, using the SIZEOF_ and OFFSETOF_ constants.
 */
#include "ringwire.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int rw_socket_stream(int family)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

int rw_bind(int fd, const void *addr, int len)
{
    if (len < 0)
        return -EINVAL;
    return bind(fd, addr, (socklen_t)len) < 0 ? -errno : 0;
}

int rw_listen(int fd, int backlog)
{
    return listen(fd, backlog) < 0 ? -errno : 0;
}

int rw_accept(int fd, void *addr, int capacity)
{
    if (addr != NULL && capacity < 0)
        return -EINVAL;
    socklen_t len = (socklen_t)capacity;
    int conn;
    /* Nothing was accepted when EINTR is reported, so trying again is safe. */
    do {
        conn = accept4(fd, addr, addr == NULL ? NULL : &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (conn < 0 && errno == EINTR);
    return conn < 0 ? -errno : conn;
}

/*
 * Not retried on EINTR: an interrupted connect keeps going in the kernel, and
 * calling connect again would report EALREADY or EISCONN instead of the real
 * outcome. The caller treats EINTR like EINPROGRESS: wait for EPOLLOUT, then
 * read the result with socketError.
 */
int rw_connect(int fd, const void *addr, int len)
{
    if (len < 0)
        return -EINVAL;
    return connect(fd, addr, (socklen_t)len) < 0 ? -errno : 0;
}

/* Reading SO_ERROR also clears it, so the result of a connect is seen once. */
int rw_socket_error(int fd)
{
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return -errno;
    return err;
}

/* An ioctl whose result is one int, such as SIOCOUTQ: the value, or -errno. */
int rw_ioctl_int(int fd, int request)
{
    int value = 0;
    if (ioctl(fd, (unsigned long)request, &value) < 0)
        return -errno;
    return value;
}

/* The result is the address's full length, which exceeds capacity if the
 * kernel had to truncate it. */
int rw_getsockname(int fd, void *addr, int capacity)
{
    if (capacity < 0)
        return -EINVAL;
    socklen_t len = (socklen_t)capacity;
    return getsockname(fd, addr, &len) < 0 ? -errno : (int)len;
}

int rw_getpeername(int fd, void *addr, int capacity)
{
    if (capacity < 0)
        return -EINVAL;
    socklen_t len = (socklen_t)capacity;
    return getpeername(fd, addr, &len) < 0 ? -errno : (int)len;
}

int rw_shutdown(int fd, int how)
{
    return shutdown(fd, how) < 0 ? -errno : 0;
}

/*
 * Never retried on EINTR. Linux releases the descriptor before close can
 * report EINTR, so a retry fails with EBADF at best and at worst closes a
 * descriptor that another thread has just been given by socket or accept.
 * The descriptor is gone, which is what the caller asked for: report success.
 */
int rw_close(int fd)
{
    if (close(fd) < 0 && errno != EINTR)
        return -errno;
    return 0;
}

int rw_setsockopt_int(int fd, int level, int optname, int value)
{
    return setsockopt(fd, level, optname, &value, sizeof(value)) < 0 ? -errno : 0;
}

/* The value travels zero-extended in the low 32 bits, so every int value,
 * negative ones included, stays apart from the negative -errno results. */
int64_t rw_getsockopt_int(int fd, int level, int optname)
{
    int value = 0;
    socklen_t len = sizeof(value);
    if (getsockopt(fd, level, optname, &value, &len) < 0)
        return -errno;
    return (int64_t)(uint32_t)value;
}

int rw_setsockopt(int fd, int level, int optname, const void *value, int len)
{
    if (len < 0)
        return -EINVAL;
    return setsockopt(fd, level, optname, value, (socklen_t)len) < 0 ? -errno : 0;
}

int rw_getsockopt(int fd, int level, int optname, void *value, int capacity)
{
    if (capacity < 0)
        return -EINVAL;
    socklen_t len = (socklen_t)capacity;
    return getsockopt(fd, level, optname, value, &len) < 0 ? -errno : (int)len;
}

/* ---- JNI: casts only; env and cls are unused on these paths ---- */

static jint JNICALL jni_socket_stream(JNIEnv *env, jclass cls, jint family)
{
    (void)env;
    (void)cls;
    return rw_socket_stream(family);
}

static jint JNICALL jni_bind(JNIEnv *env, jclass cls, jint fd, jlong addr, jint len)
{
    (void)env;
    (void)cls;
    return rw_bind(fd, RW_ADDR(addr), len);
}

static jint JNICALL jni_listen(JNIEnv *env, jclass cls, jint fd, jint backlog)
{
    (void)env;
    (void)cls;
    return rw_listen(fd, backlog);
}

static jint JNICALL jni_accept(JNIEnv *env, jclass cls, jint fd, jlong addr, jint capacity)
{
    (void)env;
    (void)cls;
    return rw_accept(fd, RW_ADDR(addr), capacity);
}

static jint JNICALL jni_connect(JNIEnv *env, jclass cls, jint fd, jlong addr, jint len)
{
    (void)env;
    (void)cls;
    return rw_connect(fd, RW_ADDR(addr), len);
}

static jint JNICALL jni_socket_error(JNIEnv *env, jclass cls, jint fd)
{
    (void)env;
    (void)cls;
    return rw_socket_error(fd);
}

static jint JNICALL jni_ioctl_int(JNIEnv *env, jclass cls, jint fd, jint request)
{
    (void)env;
    (void)cls;
    return rw_ioctl_int(fd, request);
}

static jint JNICALL jni_getsockname(JNIEnv *env, jclass cls, jint fd, jlong addr, jint capacity)
{
    (void)env;
    (void)cls;
    return rw_getsockname(fd, RW_ADDR(addr), capacity);
}

static jint JNICALL jni_getpeername(JNIEnv *env, jclass cls, jint fd, jlong addr, jint capacity)
{
    (void)env;
    (void)cls;
    return rw_getpeername(fd, RW_ADDR(addr), capacity);
}

static jint JNICALL jni_shutdown(JNIEnv *env, jclass cls, jint fd, jint how)
{
    (void)env;
    (void)cls;
    return rw_shutdown(fd, how);
}

static jint JNICALL jni_close(JNIEnv *env, jclass cls, jint fd)
{
    (void)env;
    (void)cls;
    return rw_close(fd);
}

static jint JNICALL jni_setsockopt_int(JNIEnv *env, jclass cls, jint fd, jint level, jint optname,
                                       jint value)
{
    (void)env;
    (void)cls;
    return rw_setsockopt_int(fd, level, optname, value);
}

static jlong JNICALL jni_getsockopt_int(JNIEnv *env, jclass cls, jint fd, jint level, jint optname)
{
    (void)env;
    (void)cls;
    return rw_getsockopt_int(fd, level, optname);
}

static jint JNICALL jni_setsockopt(JNIEnv *env, jclass cls, jint fd, jint level, jint optname,
                                   jlong value, jint len)
{
    (void)env;
    (void)cls;
    return rw_setsockopt(fd, level, optname, RW_ADDR(value), len);
}

static jint JNICALL jni_getsockopt(JNIEnv *env, jclass cls, jint fd, jint level, jint optname,
                                   jlong value, jint capacity)
{
    (void)env;
    (void)cls;
    return rw_getsockopt(fd, level, optname, RW_ADDR(value), capacity);
}

static const JNINativeMethod methods[] = {
    { "socketStream", "(I)I", (void *)jni_socket_stream },
    { "bind", "(IJI)I", (void *)jni_bind },
    { "listen", "(II)I", (void *)jni_listen },
    { "accept", "(IJI)I", (void *)jni_accept },
    { "connect", "(IJI)I", (void *)jni_connect },
    { "socketError", "(I)I", (void *)jni_socket_error },
    { "ioctlInt", "(II)I", (void *)jni_ioctl_int },
    { "getsockname", "(IJI)I", (void *)jni_getsockname },
    { "getpeername", "(IJI)I", (void *)jni_getpeername },
    { "shutdown", "(II)I", (void *)jni_shutdown },
    { "close", "(I)I", (void *)jni_close },
    { "setsockoptInt", "(IIII)I", (void *)jni_setsockopt_int },
    { "getsockoptInt", "(III)J", (void *)jni_getsockopt_int },
    { "setsockopt", "(IIIJI)I", (void *)jni_setsockopt },
    { "getsockopt", "(IIIJI)I", (void *)jni_getsockopt },
};

int ringwire_register_socket(JNIEnv *env, jclass cls)
{
    return (*env)->RegisterNatives(env, cls, methods, RW_COUNT(methods));
}
