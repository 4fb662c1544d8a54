/*
 * The constants table: names are unique, a few values are right, every errno
 * glibc can name up to EHWPOISON is present, and unknown names give INT_MIN.
 */
#include "test.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static int test_unique_names(void)
{
    for (size_t i = 0; i < rw_constants_count; i++) {
        CHECK(rw_constants[i].name != NULL && rw_constants[i].name[0] != '\0');
        /* jni_constant copies names into a 64-byte buffer */
        CHECK(strlen(rw_constants[i].name) < 64);
        for (size_t j = i + 1; j < rw_constants_count; j++) {
            if (strcmp(rw_constants[i].name, rw_constants[j].name) == 0) {
                fprintf(stderr, "duplicate constant %s\n", rw_constants[i].name);
                return T_EXIT_FAIL;
            }
        }
    }
    return T_EXIT_PASS;
}

static int test_known_values(void)
{
    CHECK_EQ(rw_constant("AF_INET"), AF_INET);
    CHECK_EQ(rw_constant("AF_INET6"), AF_INET6);
    CHECK_EQ(rw_constant("TCP_NODELAY"), TCP_NODELAY);
    CHECK_EQ(rw_constant("EAGAIN"), EAGAIN);
    CHECK_EQ(rw_constant("EWOULDBLOCK"), EAGAIN);
    CHECK_EQ(rw_constant("ECONNREFUSED"), ECONNREFUSED);
    CHECK_EQ(rw_constant("EHWPOISON"), EHWPOISON);
    CHECK_EQ(rw_constant("EPOLLIN"), EPOLLIN);
    CHECK_EQ(rw_constant("EPOLL_CTL_DEL"), EPOLL_CTL_DEL);
    CHECK_EQ(rw_constant("SIZEOF_EPOLL_EVENT"), sizeof(struct epoll_event));
    CHECK_EQ(rw_constant("OFFSETOF_EPOLL_EVENT_DATA"), offsetof(struct epoll_event, data));
    CHECK_EQ(rw_constant("SIZEOF_SOCKADDR_IN6"), sizeof(struct sockaddr_in6));
    CHECK_EQ(rw_constant("OFFSETOF_SOCKADDR_IN6_SCOPE_ID"),
             offsetof(struct sockaddr_in6, sin6_scope_id));
    /* EPOLLET is bit 31: as a Java int it is the same bits as INT_MIN */
    CHECK_EQ((uint32_t)rw_constant("EPOLLET"), (uint32_t)EPOLLET);
    return T_EXIT_PASS;
}

/* Every errno from 1 to EHWPOISON that glibc has a name for is in the table
 * under that name, with that value. */
static int test_errno_complete(void)
{
    int named = 0;
    for (int e = 1; e <= EHWPOISON; e++) {
        const char *name = strerrorname_np(e);
        if (name == NULL)
            continue;
        named++;
        if (rw_constant(name) != e) {
            fprintf(stderr, "errno %d (%s) missing or wrong: %d\n", e, name, rw_constant(name));
            return T_EXIT_FAIL;
        }
    }
    CHECK(named >= 130);
    return T_EXIT_PASS;
}

static int test_unknown(void)
{
    CHECK_EQ(rw_constant("NO_SUCH_CONSTANT"), INT_MIN);
    CHECK_EQ(rw_constant(""), INT_MIN);
    CHECK_EQ(rw_constant("af_inet"), INT_MIN);
    CHECK_EQ(rw_constant(NULL), INT_MIN);
    return T_EXIT_PASS;
}

int main(void)
{
    RUN(test_unique_names());
    RUN(test_known_values());
    RUN(test_errno_complete());
    RUN(test_unknown());
    return T_EXIT_PASS;
}
