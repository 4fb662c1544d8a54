/*
 * epoll. The event array is native memory owned by the Java caller, laid out
 * as struct epoll_event (SIZEOF_EPOLL_EVENT, OFFSETOF_EPOLL_EVENT_*); note it
 * is packed on x86-64, so data sits at offset 4.
 */
#include "ringwire.h"

#include <errno.h>

int rw_epoll_create(void)
{
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int rw_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = { .events = events, .data.u64 = data };
    return epoll_ctl(epfd, op, fd, &ev) < 0 ? -errno : 0;
}

/*
 * EINTR is reported as "no events" rather than retried: a retry would restart
 * the full timeout, and returning lets the event loop look at its queues and
 * deadlines again, which is all a signal needs to cost it.
 */
int rw_epoll_wait(int epfd, struct epoll_event *events, int max_events, int timeout_ms)
{
    int n = epoll_wait(epfd, events, max_events, timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : -errno;
    return n;
}

/* ---- JNI: casts only; env and cls are unused on these paths ---- */

static jint JNICALL jni_epoll_create(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return rw_epoll_create();
}

static jint JNICALL jni_epoll_ctl(JNIEnv *env, jclass cls, jint epfd, jint op, jint fd,
                                  jint events, jlong data)
{
    (void)env;
    (void)cls;
    return rw_epoll_ctl(epfd, op, fd, (uint32_t)events, (uint64_t)data);
}

static jint JNICALL jni_epoll_wait(JNIEnv *env, jclass cls, jint epfd, jlong events,
                                   jint max_events, jint timeout_ms)
{
    (void)env;
    (void)cls;
    return rw_epoll_wait(epfd, RW_ADDR(events), max_events, timeout_ms);
}

static const JNINativeMethod methods[] = {
    { "epollCreate", "()I", (void *)jni_epoll_create },
    { "epollCtl", "(IIIIJ)I", (void *)jni_epoll_ctl },
    { "epollWait", "(IJII)I", (void *)jni_epoll_wait },
};

int ringwire_register_epoll(JNIEnv *env, jclass cls)
{
    return (*env)->RegisterNatives(env, cls, methods, RW_COUNT(methods));
}
