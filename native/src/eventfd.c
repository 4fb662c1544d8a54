/*
 * eventfd (cross-thread wakeup of a parked event loop) and timerfd (deadlines
 * as readable descriptors). Both are created non-blocking and close-on-exec,
 * and both are read and written as one native 8-byte counter.
 */
#include "ringwire.h"

#include <errno.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define NANOS_PER_SECOND 1000000000LL

/* Reads the 8-byte counter. EINTR means nothing was read, so it is retried.
 * The kernel transfers all 8 bytes or fails, so a short read cannot happen;
 * it would be -EIO. Counters never approach 2^63 in practice, so the value
 * stays apart from the negative -errno results. */
static int64_t read_counter(int fd)
{
    uint64_t value;
    ssize_t n;
    do {
        n = read(fd, &value, sizeof(value));
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    return n == (ssize_t)sizeof(value) ? (int64_t)value : -EIO;
}

int rw_eventfd(unsigned int initval, int flags)
{
    int fd = eventfd(initval, EFD_NONBLOCK | EFD_CLOEXEC | flags);
    return fd < 0 ? -errno : fd;
}

/* Returns 0 once the value is added; -EAGAIN if the counter would overflow. */
int rw_eventfd_write(int fd, uint64_t value)
{
    ssize_t n;
    do {
        n = write(fd, &value, sizeof(value));
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    return n == (ssize_t)sizeof(value) ? 0 : -EIO;
}

/* With EFD_SEMAPHORE each read returns 1 and decrements; otherwise it returns
 * the whole counter and resets it. -EAGAIN when the counter is zero. */
int64_t rw_eventfd_read(int fd)
{
    return read_counter(fd);
}

int rw_timerfd_create(int clockid)
{
    int fd = timerfd_create(clockid, TFD_NONBLOCK | TFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static struct timespec to_timespec(int64_t nanos)
{
    struct timespec ts = {
        .tv_sec = (time_t)(nanos / NANOS_PER_SECOND),
        .tv_nsec = (long)(nanos % NANOS_PER_SECOND),
    };
    return ts;
}

/* Relative to now (no TFD_TIMER_ABSTIME). An initialNanos of 0 disarms the
 * timer whatever the interval, as timerfd_settime defines it. */
int rw_timerfd_settime(int fd, int64_t initial_ns, int64_t interval_ns)
{
    if (initial_ns < 0 || interval_ns < 0)
        return -EINVAL;
    struct itimerspec spec = {
        .it_value = to_timespec(initial_ns),
        .it_interval = to_timespec(interval_ns),
    };
    return timerfd_settime(fd, 0, &spec, NULL) < 0 ? -errno : 0;
}

/* Expirations since the last read; -EAGAIN if none yet. */
int64_t rw_timerfd_read(int fd)
{
    return read_counter(fd);
}

/* ---- JNI: casts only; env and cls are unused on these paths ---- */

static jint JNICALL jni_eventfd(JNIEnv *env, jclass cls, jint initval, jint flags)
{
    (void)env;
    (void)cls;
    return rw_eventfd((unsigned int)initval, flags);
}

static jint JNICALL jni_eventfd_write(JNIEnv *env, jclass cls, jint fd, jlong value)
{
    (void)env;
    (void)cls;
    return rw_eventfd_write(fd, (uint64_t)value);
}

static jlong JNICALL jni_eventfd_read(JNIEnv *env, jclass cls, jint fd)
{
    (void)env;
    (void)cls;
    return rw_eventfd_read(fd);
}

static jint JNICALL jni_timerfd_create(JNIEnv *env, jclass cls, jint clockid)
{
    (void)env;
    (void)cls;
    return rw_timerfd_create(clockid);
}

static jint JNICALL jni_timerfd_settime(JNIEnv *env, jclass cls, jint fd, jlong initial_ns,
                                        jlong interval_ns)
{
    (void)env;
    (void)cls;
    return rw_timerfd_settime(fd, initial_ns, interval_ns);
}

static jlong JNICALL jni_timerfd_read(JNIEnv *env, jclass cls, jint fd)
{
    (void)env;
    (void)cls;
    return rw_timerfd_read(fd);
}

static const JNINativeMethod methods[] = {
    { "eventfd", "(II)I", (void *)jni_eventfd },
    { "eventfdWrite", "(IJ)I", (void *)jni_eventfd_write },
    { "eventfdRead", "(I)J", (void *)jni_eventfd_read },
    { "timerfdCreate", "(I)I", (void *)jni_timerfd_create },
    { "timerfdSettime", "(IJJ)I", (void *)jni_timerfd_settime },
    { "timerfdRead", "(I)J", (void *)jni_timerfd_read },
};

int ringwire_register_eventfd(JNIEnv *env, jclass cls)
{
    return (*env)->RegisterNatives(env, cls, methods, RW_COUNT(methods));
}
