/*
 * Named constants, so Java never hard-codes a kernel ABI number: it reads each
 * one by name once, at class initialisation. Also nop (for measuring one JNI
 * crossing) and the errno name and message used in exception texts.
 */
#include "ringwire.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <linux/sockios.h>
#include <sys/ioctl.h> /* TIOCOUTQ, which SIOCOUTQ is defined as */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

/* The cast is explicit because some flags (EPOLLET is 1u << 31) do not fit a
 * signed int; Java sees the same 32 bits either way. */
#define C(x) { #x, (int)(x) }
#define SIZEOF(name, type) { "SIZEOF_" #name, (int)sizeof(type) }
#define OFFSETOF(name, type, member) { "OFFSETOF_" #name, (int)offsetof(type, member) }

const struct rw_constant rw_constants[] = {
    /* address families, levels, options */
    C(AF_UNSPEC), C(AF_INET), C(AF_INET6),
    C(SOL_SOCKET), C(IPPROTO_TCP), C(IPPROTO_IP), C(IPPROTO_IPV6),
    C(SO_REUSEADDR), C(SO_REUSEPORT), C(SO_KEEPALIVE), C(SO_LINGER),
    C(SO_RCVBUF), C(SO_SNDBUF), C(SO_ERROR), C(SO_BUSY_POLL),
    C(TCP_NODELAY), C(TCP_KEEPIDLE), C(TCP_KEEPINTVL), C(TCP_KEEPCNT),
    C(TCP_USER_TIMEOUT), C(TCP_FASTOPEN), C(TCP_FASTOPEN_CONNECT),
    C(TCP_DEFER_ACCEPT), C(TCP_QUICKACK), C(TCP_CORK), C(TCP_NOTSENT_LOWAT),
    C(IPV6_V6ONLY), C(IP_BIND_ADDRESS_NO_PORT),
    C(SHUT_RD), C(SHUT_WR), C(SHUT_RDWR), C(SIOCOUTQ),
    C(MSG_NOSIGNAL), C(MSG_DONTWAIT), C(MSG_PEEK), C(MSG_MORE),
    C(SOMAXCONN), C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
    C(RLIMIT_NOFILE), C(RLIMIT_MEMLOCK),

    /* epoll, eventfd, clocks */
    C(EPOLLIN), C(EPOLLOUT), C(EPOLLRDHUP), C(EPOLLET), C(EPOLLERR),
    C(EPOLLHUP), C(EPOLLPRI), C(EPOLLEXCLUSIVE), C(EPOLLONESHOT),
    C(EPOLL_CTL_ADD), C(EPOLL_CTL_MOD), C(EPOLL_CTL_DEL),
    C(EFD_SEMAPHORE),
    C(CLOCK_MONOTONIC), C(CLOCK_REALTIME),

    /* struct layouts that Java writes into native memory */
    SIZEOF(EPOLL_EVENT, struct epoll_event),
    OFFSETOF(EPOLL_EVENT_EVENTS, struct epoll_event, events),
    OFFSETOF(EPOLL_EVENT_DATA, struct epoll_event, data),
    SIZEOF(IOVEC, struct iovec),
    OFFSETOF(IOVEC_BASE, struct iovec, iov_base),
    OFFSETOF(IOVEC_LEN, struct iovec, iov_len),
    SIZEOF(SOCKADDR_IN, struct sockaddr_in),
    SIZEOF(SOCKADDR_IN6, struct sockaddr_in6),
    SIZEOF(SOCKADDR_STORAGE, struct sockaddr_storage),
    SIZEOF(LINGER, struct linger),
    OFFSETOF(SOCKADDR_FAMILY, struct sockaddr_storage, ss_family),
    OFFSETOF(SOCKADDR_IN_PORT, struct sockaddr_in, sin_port),
    OFFSETOF(SOCKADDR_IN_ADDR, struct sockaddr_in, sin_addr),
    OFFSETOF(SOCKADDR_IN6_PORT, struct sockaddr_in6, sin6_port),
    OFFSETOF(SOCKADDR_IN6_FLOWINFO, struct sockaddr_in6, sin6_flowinfo),
    OFFSETOF(SOCKADDR_IN6_ADDR, struct sockaddr_in6, sin6_addr),
    OFFSETOF(SOCKADDR_IN6_SCOPE_ID, struct sockaddr_in6, sin6_scope_id),
    OFFSETOF(LINGER_ONOFF, struct linger, l_onoff),
    OFFSETOF(LINGER_LINGER, struct linger, l_linger),

    /* errno, EPERM (1) to EHWPOISON (133), in numeric order; 41 and 58 are unused */
    C(EPERM), C(ENOENT), C(ESRCH), C(EINTR), C(EIO), C(ENXIO), C(E2BIG),
    C(ENOEXEC), C(EBADF), C(ECHILD), C(EAGAIN), C(ENOMEM), C(EACCES),
    C(EFAULT), C(ENOTBLK), C(EBUSY), C(EEXIST), C(EXDEV), C(ENODEV),
    C(ENOTDIR), C(EISDIR), C(EINVAL), C(ENFILE), C(EMFILE), C(ENOTTY),
    C(ETXTBSY), C(EFBIG), C(ENOSPC), C(ESPIPE), C(EROFS), C(EMLINK),
    C(EPIPE), C(EDOM), C(ERANGE), C(EDEADLK), C(ENAMETOOLONG), C(ENOLCK),
    C(ENOSYS), C(ENOTEMPTY), C(ELOOP), C(ENOMSG), C(EIDRM), C(ECHRNG),
    C(EL2NSYNC), C(EL3HLT), C(EL3RST), C(ELNRNG), C(EUNATCH), C(ENOCSI),
    C(EL2HLT), C(EBADE), C(EBADR), C(EXFULL), C(ENOANO), C(EBADRQC),
    C(EBADSLT), C(EBFONT), C(ENOSTR), C(ENODATA), C(ETIME), C(ENOSR),
    C(ENONET), C(ENOPKG), C(EREMOTE), C(ENOLINK), C(EADV), C(ESRMNT),
    C(ECOMM), C(EPROTO), C(EMULTIHOP), C(EDOTDOT), C(EBADMSG), C(EOVERFLOW),
    C(ENOTUNIQ), C(EBADFD), C(EREMCHG), C(ELIBACC), C(ELIBBAD), C(ELIBSCN),
    C(ELIBMAX), C(ELIBEXEC), C(EILSEQ), C(ERESTART), C(ESTRPIPE), C(EUSERS),
    C(ENOTSOCK), C(EDESTADDRREQ), C(EMSGSIZE), C(EPROTOTYPE), C(ENOPROTOOPT),
    C(EPROTONOSUPPORT), C(ESOCKTNOSUPPORT), C(EOPNOTSUPP), C(EPFNOSUPPORT),
    C(EAFNOSUPPORT), C(EADDRINUSE), C(EADDRNOTAVAIL), C(ENETDOWN),
    C(ENETUNREACH), C(ENETRESET), C(ECONNABORTED), C(ECONNRESET), C(ENOBUFS),
    C(EISCONN), C(ENOTCONN), C(ESHUTDOWN), C(ETOOMANYREFS), C(ETIMEDOUT),
    C(ECONNREFUSED), C(EHOSTDOWN), C(EHOSTUNREACH), C(EALREADY),
    C(EINPROGRESS), C(ESTALE), C(EUCLEAN), C(ENOTNAM), C(ENAVAIL), C(EISNAM),
    C(EREMOTEIO), C(EDQUOT), C(ENOMEDIUM), C(EMEDIUMTYPE), C(ECANCELED),
    C(ENOKEY), C(EKEYEXPIRED), C(EKEYREVOKED), C(EKEYREJECTED),
    C(EOWNERDEAD), C(ENOTRECOVERABLE), C(ERFKILL), C(EHWPOISON),
    /* aliases: same number, second name */
    C(EWOULDBLOCK), C(EDEADLOCK), C(ENOTSUP),

    /* zero-copy: splice flags, and poll bits for io_uring's POLL_ADD */
    C(SPLICE_F_MOVE), C(SPLICE_F_NONBLOCK), C(SPLICE_F_MORE),
    C(POLLIN), C(POLLOUT), C(POLLERR), C(POLLHUP), C(POLLRDHUP),
};
const size_t rw_constants_count = sizeof(rw_constants) / sizeof(rw_constants[0]);

static int lookup(const struct rw_constant *table, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(table[i].name, name) == 0)
            return table[i].value;
    }
    return INT_MIN;
}

/* A linear scan of each area's table, done once per name at class init. */
int rw_constant(const char *name)
{
    if (name == NULL)
        return INT_MIN;
    int v = lookup(rw_constants, rw_constants_count, name);
    return v != INT_MIN ? v : lookup(rw_uring_constants, rw_uring_constants_count, name);
}

static jint JNICALL jni_constant(JNIEnv *env, jclass cls, jstring name)
{
    /* Copied into a stack buffer with GetStringUTFRegion, which neither
     * allocates nor needs a Release; no constant name comes near 64 bytes. */
    char buf[64];
    (void)cls;
    if (name == NULL)
        return INT_MIN;
    jsize utf_len = (*env)->GetStringUTFLength(env, name);
    if (utf_len < 0 || (size_t)utf_len >= sizeof(buf))
        return INT_MIN;
    (*env)->GetStringUTFRegion(env, name, 0, (*env)->GetStringLength(env, name), buf);
    buf[utf_len] = '\0';
    return rw_constant(buf);
}

static jint JNICALL jni_nop(JNIEnv *env, jclass cls, jint value)
{
    (void)env;
    (void)cls;
    return value;
}

/* NULL for an errno glibc has no name for. NewStringUTF may itself return
 * NULL with an OutOfMemoryError pending; that is the JVM's, not ours. */
static jstring JNICALL jni_errno_name(JNIEnv *env, jclass cls, jint err)
{
    (void)cls;
    const char *name = strerrorname_np(err);
    return name == NULL ? NULL : (*env)->NewStringUTF(env, name);
}

static jstring JNICALL jni_errno_message(JNIEnv *env, jclass cls, jint err)
{
    /* GNU strerror_r: thread-safe, returns either buf or a static string. */
    char buf[256];
    (void)cls;
    return (*env)->NewStringUTF(env, strerror_r(err, buf, sizeof(buf)));
}

static const JNINativeMethod methods[] = {
    { "constant", "(Ljava/lang/String;)I", (void *)jni_constant },
    { "nop", "(I)I", (void *)jni_nop },
    { "errnoName", "(I)Ljava/lang/String;", (void *)jni_errno_name },
    { "errnoMessage", "(I)Ljava/lang/String;", (void *)jni_errno_message },
};

int ringwire_register_constants(JNIEnv *env, jclass cls)
{
    return (*env)->RegisterNatives(env, cls, methods, RW_COUNT(methods));
}
