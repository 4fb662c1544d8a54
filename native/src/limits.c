/*
 * Process resource limits. The transport reads RLIMIT_NOFILE and RLIMIT_MEMLOCK to explain
 * failures (EMFILE on accept, ENOMEM on io_uring setup) and tests lower them to provoke those.
 */
#include "ringwire.h"

#include <errno.h>
#include <sys/resource.h>

/* Writes {soft, hard} as two 64-bit values at out; RLIM_INFINITY arrives in Java as -1. */
int rw_getrlimit(int resource, uint64_t *out)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) < 0)
        return -errno;
    out[0] = (uint64_t)rl.rlim_cur;
    out[1] = (uint64_t)rl.rlim_max;
    return 0;
}

int rw_setrlimit(int resource, uint64_t soft, uint64_t hard)
{
    struct rlimit rl = { .rlim_cur = (rlim_t)soft, .rlim_max = (rlim_t)hard };
    return setrlimit(resource, &rl) < 0 ? -errno : 0;
}

/* ---- JNI: casts only; env and cls are unused on these paths ---- */

static jint JNICALL jni_getrlimit(JNIEnv *env, jclass cls, jint resource, jlong out)
{
    (void)env;
    (void)cls;
    return rw_getrlimit(resource, RW_ADDR(out));
}

static jint JNICALL jni_setrlimit(JNIEnv *env, jclass cls, jint resource, jlong soft, jlong hard)
{
    (void)env;
    (void)cls;
    return rw_setrlimit(resource, (uint64_t)soft, (uint64_t)hard);
}

static const JNINativeMethod methods[] = {
    { "getrlimit", "(IJ)I", (void *)jni_getrlimit },
    { "setrlimit", "(IJJ)I", (void *)jni_setrlimit },
};

int ringwire_register_limits(JNIEnv *env, jclass cls)
{
    return (*env)->RegisterNatives(env, cls, methods, RW_COUNT(methods));
}
