/*
 * Data transfer. Each call is retried on EINTR: a read or write that reports
 * EINTR has transferred nothing, so repeating it cannot lose or duplicate
 * data. Lengths are Java ints; a negative one is refused rather than turned
 * into a huge size_t.
 */
#include "ringwire.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

int rw_read(int fd, void *buf, int len)
{
    if (len < 0)
        return -EINVAL;
    ssize_t n;
    do {
        n = read(fd, buf, (size_t)len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (int)n;
}

int rw_write(int fd, const void *buf, int len)
{
    if (len < 0)
        return -EINVAL;
    ssize_t n;
    do {
        n = write(fd, buf, (size_t)len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (int)n;
}

int64_t rw_readv(int fd, const struct iovec *iov, int iovcnt)
{
    ssize_t n;
    do {
        n = readv(fd, iov, iovcnt);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (int64_t)n;
}

int64_t rw_writev(int fd, const struct iovec *iov, int iovcnt)
{
    ssize_t n;
    do {
        n = writev(fd, iov, iovcnt);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (int64_t)n;
}

int rw_recv(int fd, void *buf, int len, int flags)
{
    if (len < 0)
        return -EINVAL;
    ssize_t n;
    do {
        n = recv(fd, buf, (size_t)len, flags);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (int)n;
}

int rw_send(int fd, const void *buf, int len, int flags)
{
    if (len < 0)
        return -EINVAL;
    ssize_t n;
    do {
        n = send(fd, buf, (size_t)len, flags);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (int)n;
}

/* ---- JNI: casts only; env and cls are unused on these paths ---- */

static jint JNICALL jni_read(JNIEnv *env, jclass cls, jint fd, jlong address, jint length)
{
    (void)env;
    (void)cls;
    return rw_read(fd, RW_ADDR(address), length);
}

static jint JNICALL jni_write(JNIEnv *env, jclass cls, jint fd, jlong address, jint length)
{
    (void)env;
    (void)cls;
    return rw_write(fd, RW_ADDR(address), length);
}

static jlong JNICALL jni_readv(JNIEnv *env, jclass cls, jint fd, jlong iov, jint iovcnt)
{
    (void)env;
    (void)cls;
    return rw_readv(fd, RW_ADDR(iov), iovcnt);
}

static jlong JNICALL jni_writev(JNIEnv *env, jclass cls, jint fd, jlong iov, jint iovcnt)
{
    (void)env;
    (void)cls;
    return rw_writev(fd, RW_ADDR(iov), iovcnt);
}

static jint JNICALL jni_recv(JNIEnv *env, jclass cls, jint fd, jlong address, jint length,
                             jint flags)
{
    (void)env;
    (void)cls;
    return rw_recv(fd, RW_ADDR(address), length, flags);
}

static jint JNICALL jni_send(JNIEnv *env, jclass cls, jint fd, jlong address, jint length,
                             jint flags)
{
    (void)env;
    (void)cls;
    return rw_send(fd, RW_ADDR(address), length, flags);
}

static const JNINativeMethod methods[] = {
    { "read", "(IJI)I", (void *)jni_read },
    { "write", "(IJI)I", (void *)jni_write },
    { "readv", "(IJI)J", (void *)jni_readv },
    { "writev", "(IJI)J", (void *)jni_writev },
    { "recv", "(IJII)I", (void *)jni_recv },
    { "send", "(IJII)I", (void *)jni_send },
};

int ringwire_register_io(JNIEnv *env, jclass cls)
{
    return (*env)->RegisterNatives(env, cls, methods, RW_COUNT(methods));
}
