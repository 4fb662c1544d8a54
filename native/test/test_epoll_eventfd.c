/*
 * epoll with an eventfd and a timerfd: the edge-triggered wakeup contract the
 * event loop relies on, a zero timeout, and a one-shot timer.
 */
#include "test.h"

#include <errno.h>
#include <sys/eventfd.h>
#include <time.h>

#define WAKEUP_TOKEN 0x1122334455667788ULL
#define TIMER_TOKEN 42

static int test_eventfd_edge_triggered(void)
{
    struct epoll_event events[4];
    int ep = rw_epoll_create();
    CHECK(ep >= 0);
    int efd = rw_eventfd(0, 0);
    CHECK(efd >= 0);
    CHECK_EQ(rw_epoll_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET, WAKEUP_TOKEN), 0);
    CHECK_EQ(rw_epoll_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0), -EEXIST);

    /* nothing ready: a zero timeout returns at once with no events */
    CHECK_EQ(rw_epoll_wait(ep, events, 4, 0), 0);
    CHECK_EQ(rw_eventfd_read(efd), -EAGAIN);

    /* a write wakes the loop once; the 64-bit token comes back whole */
    CHECK_EQ(rw_eventfd_write(efd, 1), 0);
    CHECK_EQ(rw_epoll_wait(ep, events, 4, 1000), 1);
    CHECK_EQ(events[0].events, EPOLLIN);
    CHECK(events[0].data.u64 == WAKEUP_TOKEN);

    /* edge-triggered: not drained, yet no second report until a new write */
    CHECK_EQ(rw_epoll_wait(ep, events, 4, 0), 0);
    CHECK_EQ(rw_eventfd_write(efd, 2), 0);
    CHECK_EQ(rw_epoll_wait(ep, events, 4, 1000), 1);

    /* a read returns the sum of the writes and resets the counter */
    CHECK_EQ(rw_eventfd_read(efd), 3);
    CHECK_EQ(rw_eventfd_read(efd), -EAGAIN);
    CHECK_EQ(rw_epoll_wait(ep, events, 4, 0), 0);

    /* the counter stops one short of 2^64 - 1; a write past it would block */
    CHECK_EQ(rw_eventfd_write(efd, UINT64_MAX), -EINVAL);
    CHECK_EQ(rw_eventfd_write(efd, UINT64_MAX - 1), 0);
    CHECK_EQ(rw_eventfd_write(efd, 1), -EAGAIN);
    /* (this value reads back as -2, which Java cannot tell from -ENOENT: the
     * transport only ever writes small values, so counters stay far below 2^63) */
    CHECK_EQ(rw_eventfd_read(efd), (int64_t)(UINT64_MAX - 1));

    CHECK_EQ(rw_epoll_ctl(ep, EPOLL_CTL_DEL, efd, 0, 0), 0);
    CHECK_EQ(rw_epoll_ctl(ep, EPOLL_CTL_DEL, efd, 0, 0), -ENOENT);
    CHECK_EQ(rw_close(efd), 0);
    CHECK_EQ(rw_close(ep), 0);
    return T_EXIT_PASS;
}

static int test_eventfd_semaphore(void)
{
    int efd = rw_eventfd(2, EFD_SEMAPHORE);
    CHECK(efd >= 0);
    CHECK_EQ(rw_eventfd_read(efd), 1);
    CHECK_EQ(rw_eventfd_read(efd), 1);
    CHECK_EQ(rw_eventfd_read(efd), -EAGAIN);
    CHECK_EQ(rw_close(efd), 0);
    return T_EXIT_PASS;
}

static int test_timerfd_once(void)
{
    struct epoll_event events[2];
    int ep = rw_epoll_create();
    CHECK(ep >= 0);
    int tfd = rw_timerfd_create(CLOCK_MONOTONIC);
    CHECK(tfd >= 0);
    CHECK_EQ(rw_epoll_ctl(ep, EPOLL_CTL_ADD, tfd, EPOLLIN, TIMER_TOKEN), 0);
    CHECK_EQ(rw_timerfd_read(tfd), -EAGAIN);

    CHECK_EQ(rw_timerfd_settime(tfd, -1, 0), -EINVAL);
    CHECK_EQ(rw_timerfd_settime(tfd, 1500000, 0), 0); /* 1.5 ms, no interval */
    CHECK_EQ(rw_epoll_wait(ep, events, 2, 5000), 1);
    CHECK(events[0].data.u64 == TIMER_TOKEN);
    CHECK_EQ(rw_timerfd_read(tfd), 1);

    /* it fired once: nothing more arrives */
    CHECK_EQ(rw_epoll_wait(ep, events, 2, 20), 0);
    CHECK_EQ(rw_timerfd_read(tfd), -EAGAIN);

    /* a whole-second value goes through tv_sec; disarming stops it */
    CHECK_EQ(rw_timerfd_settime(tfd, 3000000000LL, 0), 0);
    CHECK_EQ(rw_timerfd_settime(tfd, 0, 0), 0);
    CHECK_EQ(rw_epoll_wait(ep, events, 2, 0), 0);

    CHECK_EQ(rw_close(tfd), 0);
    CHECK_EQ(rw_close(ep), 0);
    CHECK_EQ(rw_timerfd_create(-1), -EINVAL);
    return T_EXIT_PASS;
}

int main(void)
{
    RUN(test_eventfd_edge_triggered());
    RUN(test_eventfd_semaphore());
    RUN(test_timerfd_once());
    return T_EXIT_PASS;
}
