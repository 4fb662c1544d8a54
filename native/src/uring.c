/*
 * io_uring: the three syscalls and the mmap that maps its rings, nothing more. Java writes SQEs
 * and reads CQEs in the mapped memory itself, with the ring index arithmetic and the memory
 * ordering in Java where they can be tested; a loop iteration crosses JNI once, to enter.
 * Raw syscalls and the kernel's uapi header: no liburing.
 */
#include "ringwire.h"

#include <errno.h>
#include <linux/io_uring.h>
#include <linux/time_types.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Newer than the 6.1 uapi header that Debian 12 ships; these values are kernel ABI. */
#ifndef IORING_SETUP_NO_SQARRAY
#define IORING_SETUP_NO_SQARRAY (1U << 16)
#endif
#ifndef IORING_ENTER_NO_IOWAIT
#define IORING_ENTER_NO_IOWAIT (1U << 7)
#endif
#ifndef IORING_FEAT_NO_IOWAIT
#define IORING_FEAT_NO_IOWAIT (1U << 17)
#endif
#ifndef IORING_FEAT_REG_REG_RING
#define IORING_FEAT_REG_REG_RING (1U << 13)
#endif

int rw_io_uring_setup(unsigned entries, void *params)
{
    long fd = syscall(__NR_io_uring_setup, entries, params);
    return fd < 0 ? -errno : (int)fd;
}

/*
 * EINTR is returned, not retried: a signal while waiting costs the loop one iteration, and a
 * retry could re-submit nothing but would restart the wait. SQEs consumed before the signal
 * are reported by a positive result, never lost.
 */
int rw_io_uring_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags,
                      const void *arg, size_t argsz)
{
    long r = syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, arg, argsz);
    return r < 0 ? -errno : (int)r;
}

int rw_io_uring_register(int fd, unsigned opcode, void *arg, unsigned nr_args)
{
    long r = syscall(__NR_io_uring_register, fd, opcode, arg, nr_args);
    return r < 0 ? -errno : (int)r;
}

/* User-space addresses on x86-64 are below 2^47, so a mapping never looks like -errno. */
int64_t rw_mmap(int64_t length, int prot, int flags, int fd, int64_t offset)
{
    if (length <= 0)
        return -EINVAL;
    void *p = mmap(NULL, (size_t)length, prot, flags, fd, (off_t)offset);
    return p == MAP_FAILED ? -errno : (int64_t)(intptr_t)p;
}

int rw_munmap(void *addr, int64_t length)
{
    if (length <= 0)
        return -EINVAL;
    return munmap(addr, (size_t)length) < 0 ? -errno : 0;
}

#define C(x) { #x, (int)(x) }
#define SIZEOF(name, type) { "SIZEOF_" #name, (int)sizeof(type) }
#define OFFSETOF(name, type, member) { "OFFSETOF_" #name, (int)offsetof(type, member) }

const struct rw_constant rw_uring_constants[] = {
    C(PROT_READ), C(PROT_WRITE), C(MAP_SHARED), C(MAP_PRIVATE), C(MAP_ANONYMOUS), C(MAP_POPULATE),
    C(IORING_OFF_SQ_RING), C(IORING_OFF_CQ_RING), C(IORING_OFF_SQES),

    C(IORING_SETUP_CQSIZE), C(IORING_SETUP_CLAMP), C(IORING_SETUP_R_DISABLED),
    C(IORING_SETUP_SUBMIT_ALL), C(IORING_SETUP_COOP_TASKRUN), C(IORING_SETUP_TASKRUN_FLAG),
    C(IORING_SETUP_SINGLE_ISSUER), C(IORING_SETUP_DEFER_TASKRUN), C(IORING_SETUP_NO_SQARRAY),
    C(IORING_FEAT_SINGLE_MMAP), C(IORING_FEAT_NODROP), C(IORING_FEAT_EXT_ARG),
    C(IORING_FEAT_FAST_POLL), C(IORING_FEAT_NATIVE_WORKERS), C(IORING_FEAT_CQE_SKIP),
    C(IORING_FEAT_REG_REG_RING), C(IORING_FEAT_NO_IOWAIT),
    C(IORING_ENTER_GETEVENTS), C(IORING_ENTER_EXT_ARG), C(IORING_ENTER_NO_IOWAIT),
    C(IORING_SQ_NEED_WAKEUP), C(IORING_SQ_CQ_OVERFLOW), C(IORING_SQ_TASKRUN),
    C(IORING_CQE_F_BUFFER), C(IORING_CQE_F_MORE), C(IORING_CQE_F_SOCK_NONEMPTY),
    C(IORING_CQE_F_NOTIF), C(IORING_CQE_BUFFER_SHIFT),
    C(IOSQE_FIXED_FILE), C(IOSQE_IO_LINK), C(IOSQE_ASYNC), C(IOSQE_BUFFER_SELECT),
    C(IOSQE_CQE_SKIP_SUCCESS),
    C(IORING_RECV_MULTISHOT), C(IORING_RECVSEND_POLL_FIRST), C(IORING_ACCEPT_MULTISHOT),
    C(IORING_POLL_ADD_MULTI),
    C(IORING_ASYNC_CANCEL_ALL), C(IORING_ASYNC_CANCEL_FD), C(IORING_ASYNC_CANCEL_ANY),
    C(IORING_TIMEOUT_ABS),
    C(IO_URING_OP_SUPPORTED),

    C(IORING_OP_NOP), C(IORING_OP_READV), C(IORING_OP_WRITEV), C(IORING_OP_POLL_ADD),
    C(IORING_OP_POLL_REMOVE), C(IORING_OP_SENDMSG), C(IORING_OP_RECVMSG), C(IORING_OP_TIMEOUT),
    C(IORING_OP_TIMEOUT_REMOVE), C(IORING_OP_ACCEPT), C(IORING_OP_ASYNC_CANCEL),
    C(IORING_OP_LINK_TIMEOUT), C(IORING_OP_CONNECT), C(IORING_OP_CLOSE), C(IORING_OP_READ),
    C(IORING_OP_WRITE), C(IORING_OP_SEND), C(IORING_OP_RECV), C(IORING_OP_SPLICE),
    C(IORING_OP_PROVIDE_BUFFERS), C(IORING_OP_SHUTDOWN), C(IORING_OP_MSG_RING),
    C(IORING_OP_SEND_ZC), C(IORING_OP_LAST),

    C(IORING_REGISTER_PROBE), C(IORING_REGISTER_ENABLE_RINGS), C(IORING_REGISTER_IOWQ_MAX_WORKERS),
    C(IORING_REGISTER_PBUF_RING), C(IORING_UNREGISTER_PBUF_RING),

    SIZEOF(IO_URING_PARAMS, struct io_uring_params),
    OFFSETOF(PARAMS_SQ_ENTRIES, struct io_uring_params, sq_entries),
    OFFSETOF(PARAMS_CQ_ENTRIES, struct io_uring_params, cq_entries),
    OFFSETOF(PARAMS_FLAGS, struct io_uring_params, flags),
    OFFSETOF(PARAMS_FEATURES, struct io_uring_params, features),
    OFFSETOF(PARAMS_SQ_OFF_HEAD, struct io_uring_params, sq_off.head),
    OFFSETOF(PARAMS_SQ_OFF_TAIL, struct io_uring_params, sq_off.tail),
    OFFSETOF(PARAMS_SQ_OFF_RING_MASK, struct io_uring_params, sq_off.ring_mask),
    OFFSETOF(PARAMS_SQ_OFF_RING_ENTRIES, struct io_uring_params, sq_off.ring_entries),
    OFFSETOF(PARAMS_SQ_OFF_FLAGS, struct io_uring_params, sq_off.flags),
    OFFSETOF(PARAMS_SQ_OFF_DROPPED, struct io_uring_params, sq_off.dropped),
    OFFSETOF(PARAMS_SQ_OFF_ARRAY, struct io_uring_params, sq_off.array),
    OFFSETOF(PARAMS_CQ_OFF_HEAD, struct io_uring_params, cq_off.head),
    OFFSETOF(PARAMS_CQ_OFF_TAIL, struct io_uring_params, cq_off.tail),
    OFFSETOF(PARAMS_CQ_OFF_RING_MASK, struct io_uring_params, cq_off.ring_mask),
    OFFSETOF(PARAMS_CQ_OFF_RING_ENTRIES, struct io_uring_params, cq_off.ring_entries),
    OFFSETOF(PARAMS_CQ_OFF_OVERFLOW, struct io_uring_params, cq_off.overflow),
    OFFSETOF(PARAMS_CQ_OFF_CQES, struct io_uring_params, cq_off.cqes),
    OFFSETOF(PARAMS_CQ_OFF_FLAGS, struct io_uring_params, cq_off.flags),

    SIZEOF(IO_URING_SQE, struct io_uring_sqe),
    OFFSETOF(SQE_OPCODE, struct io_uring_sqe, opcode),
    OFFSETOF(SQE_FLAGS, struct io_uring_sqe, flags),
    OFFSETOF(SQE_IOPRIO, struct io_uring_sqe, ioprio),
    OFFSETOF(SQE_FD, struct io_uring_sqe, fd),
    OFFSETOF(SQE_OFF, struct io_uring_sqe, off),
    OFFSETOF(SQE_ADDR, struct io_uring_sqe, addr),
    OFFSETOF(SQE_LEN, struct io_uring_sqe, len),
    OFFSETOF(SQE_OP_FLAGS, struct io_uring_sqe, rw_flags),
    OFFSETOF(SQE_USER_DATA, struct io_uring_sqe, user_data),
    OFFSETOF(SQE_BUF_GROUP, struct io_uring_sqe, buf_group),
    OFFSETOF(SQE_SPLICE_FD_IN, struct io_uring_sqe, splice_fd_in),
    SIZEOF(IO_URING_CQE, struct io_uring_cqe),
    OFFSETOF(CQE_USER_DATA, struct io_uring_cqe, user_data),
    OFFSETOF(CQE_RES, struct io_uring_cqe, res),
    OFFSETOF(CQE_FLAGS, struct io_uring_cqe, flags),

    SIZEOF(IO_URING_PROBE, struct io_uring_probe),
    SIZEOF(IO_URING_PROBE_OP, struct io_uring_probe_op),
    OFFSETOF(PROBE_LAST_OP, struct io_uring_probe, last_op),
    OFFSETOF(PROBE_OPS_LEN, struct io_uring_probe, ops_len),
    OFFSETOF(PROBE_OPS, struct io_uring_probe, ops),
    OFFSETOF(PROBE_OP_OP, struct io_uring_probe_op, op),
    OFFSETOF(PROBE_OP_FLAGS, struct io_uring_probe_op, flags),
    SIZEOF(IO_URING_BUF_REG, struct io_uring_buf_reg),
    OFFSETOF(BUF_REG_RING_ADDR, struct io_uring_buf_reg, ring_addr),
    OFFSETOF(BUF_REG_RING_ENTRIES, struct io_uring_buf_reg, ring_entries),
    OFFSETOF(BUF_REG_BGID, struct io_uring_buf_reg, bgid),
    SIZEOF(IO_URING_BUF, struct io_uring_buf),
    OFFSETOF(BUF_ADDR, struct io_uring_buf, addr),
    OFFSETOF(BUF_LEN, struct io_uring_buf, len),
    OFFSETOF(BUF_BID, struct io_uring_buf, bid),
    OFFSETOF(BUF_RING_TAIL, struct io_uring_buf_ring, tail),
    SIZEOF(KERNEL_TIMESPEC, struct __kernel_timespec),
    OFFSETOF(KERNEL_TIMESPEC_SEC, struct __kernel_timespec, tv_sec),
    OFFSETOF(KERNEL_TIMESPEC_NSEC, struct __kernel_timespec, tv_nsec),
};
const size_t rw_uring_constants_count = sizeof(rw_uring_constants) / sizeof(rw_uring_constants[0]);

/* ---- JNI: casts only; env and cls are unused on these paths ---- */

static jint JNICALL jni_setup(JNIEnv *env, jclass cls, jint entries, jlong params)
{
    (void)env;
    (void)cls;
    return rw_io_uring_setup((unsigned)entries, RW_ADDR(params));
}

static jint JNICALL jni_enter(JNIEnv *env, jclass cls, jint fd, jint to_submit, jint min_complete,
                              jint flags, jlong arg, jint argsz)
{
    (void)env;
    (void)cls;
    return rw_io_uring_enter(fd, (unsigned)to_submit, (unsigned)min_complete, (unsigned)flags,
                             RW_ADDR(arg), (size_t)argsz);
}

static jint JNICALL jni_register(JNIEnv *env, jclass cls, jint fd, jint opcode, jlong arg, jint nr_args)
{
    (void)env;
    (void)cls;
    return rw_io_uring_register(fd, (unsigned)opcode, RW_ADDR(arg), (unsigned)nr_args);
}

static jlong JNICALL jni_mmap(JNIEnv *env, jclass cls, jlong length, jint prot, jint flags, jint fd,
                              jlong offset)
{
    (void)env;
    (void)cls;
    return rw_mmap(length, prot, flags, fd, offset);
}

static jint JNICALL jni_munmap(JNIEnv *env, jclass cls, jlong addr, jlong length)
{
    (void)env;
    (void)cls;
    return rw_munmap(RW_ADDR(addr), length);
}

static const JNINativeMethod methods[] = {
    { "ioUringSetup", "(IJ)I", (void *)jni_setup },
    { "ioUringEnter", "(IIIIJI)I", (void *)jni_enter },
    { "ioUringRegister", "(IIJI)I", (void *)jni_register },
    { "mmap", "(JIIIJ)J", (void *)jni_mmap },
    { "munmap", "(JJ)I", (void *)jni_munmap },
};

int ringwire_register_uring(JNIEnv *env, jclass cls)
{
    return (*env)->RegisterNatives(env, cls, methods, RW_COUNT(methods));
}
