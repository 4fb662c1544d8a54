package io.ringwire;

/**
 * How an event loop waits when it has nothing to do, in the manner of Agrona's {@code IdleStrategy}.
 *
 * <p>{@link #BLOCKING} parks the thread in the kernel ({@code epoll_wait} with a timeout) and costs
 * no CPU while idle; other threads wake it through an eventfd, written only when the loop is parked.
 * {@link #BUSY_POLL} never parks: it polls with a zero timeout, burning its core to save the
 * wake-up latency (tens of microseconds on a VM). Choose it only with a core to spare per loop.
 */
public enum WaitStrategy {
    BLOCKING,
    BUSY_POLL
}
