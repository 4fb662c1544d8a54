/*
 * The library's only exported symbol. It binds every native method of
 * io.ringwire.internal.Native with RegisterNatives, one table per area, so
 * nothing depends on JNI's Java_... name mangling and a mismatch between the
 * Java declarations and the C tables fails loudly at load time rather than on
 * the first call.
 */
#include "ringwire.h"

typedef int (*register_fn)(JNIEnv *env, jclass cls);

static const register_fn areas[] = {
    ringwire_register_constants,
    ringwire_register_socket,
    ringwire_register_io,
    ringwire_register_epoll,
    ringwire_register_eventfd,
    ringwire_register_limits,
    ringwire_register_uring,
    ringwire_register_zerocopy,
};

/*
 * Undo a partial registration so the class is left with no half-bound natives.
 * UnregisterNatives may not be called with an exception pending, so the
 * exception (NoClassDefFoundError from FindClass, NoSuchMethodError from
 * RegisterNatives) is set aside and thrown again afterwards: the JDK rethrows
 * an exception pending after JNI_OnLoad from System.load, and it names the
 * method that does not match, which "unsupported JNI version" would not.
 */
static jint fail(JNIEnv *env, jclass cls)
{
    jthrowable pending = (*env)->ExceptionOccurred(env);
    if (pending != NULL)
        (*env)->ExceptionClear(env);
    if (cls != NULL) {
        (*env)->UnregisterNatives(env, cls);
        if ((*env)->ExceptionCheck(env))
            (*env)->ExceptionClear(env);
    }
    if (pending != NULL)
        (*env)->Throw(env, pending);
    return JNI_ERR;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    JNIEnv *env;
    (void)reserved;

    /* 1.8 rather than 10 or 21: any JDK from 8 on has everything used here. */
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;

    jclass cls = (*env)->FindClass(env, RW_NATIVE_CLASS);
    if (cls == NULL)
        return fail(env, NULL);

    for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
        if (areas[i](env, cls) != 0)
            return fail(env, cls);
    }
    (*env)->DeleteLocalRef(env, cls);
    return JNI_VERSION_1_8;
}
