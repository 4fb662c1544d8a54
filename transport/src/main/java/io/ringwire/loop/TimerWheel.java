package io.ringwire.loop;

import java.util.function.Consumer;

/**
 * A loop's pending timers: a hashed timing wheel of {@value #SLOTS} slots of one tick
 * (2<sup>{@value #TICK_SHIFT}</sup> ns, about 1.05 ms) each, plus an overflow list for timers more
 * than one revolution (about 4.3 s) away. Confined to the loop thread; time is passed in by the
 * caller, in the nanoseconds of the loop's {@link NanoClock}, so tests drive it with a fake clock.
 *
 * <h2>Costs</h2>
 * Timers are intrusive list nodes ({@link WheelTimer}): scheduling, moving and cancelling are O(1)
 * pointer updates and allocate nothing. A pending timer costs its node and nothing else, so a
 * million of them cost about 48 MB of nodes the owners hold anyway, and no per-timer box.
 * Overflow timers are moved into the wheel in one pass over the overflow list every half
 * revolution, so a far timer is touched a few times in its life rather than once per revolution.
 *
 * <h2>Invariant</h2>
 * Every timer in a wheel slot is due within {@code [processedTick, processedTick + SLOTS)}, so a
 * slot holds the timers of exactly one tick, and the first non-empty slot from
 * {@code processedTick} on holds the earliest timers. That makes {@link #nanosUntilNext} exact
 * without a heap: the occupancy bitmap finds the slot, and its minimum deadline is the answer.
 *
 * <h2>Order and precision</h2>
 * A timer never runs before its deadline. Timers in different ticks run in deadline order; timers
 * due within one tick run in the order they were scheduled. The loop waits with its backend's own
 * millisecond timeout ({@code epoll_wait}'s, or one {@code IORING_OP_TIMEOUT}), so deadlines are
 * coarse by design: no timerfd is armed per wait.
 */
public final class TimerWheel {
    static final int TICK_SHIFT = 20;
    static final int SLOTS = 4096;
    private static final int MASK = SLOTS - 1;
    private static final int OVERFLOW = SLOTS;
    /** The wheel scans at most this many timers of the first slot for its exact minimum. */
    private static final int EXACT_SCAN_LIMIT = 64;

    private final long origin;
    private final WheelTimer[] heads = new WheelTimer[SLOTS + 1];
    private final WheelTimer[] tails = new WheelTimer[SLOTS + 1];
    private final long[] occupied = new long[SLOTS / 64];
    /** Every tick before this one has been run; timers due earlier are filed here. */
    private long processedTick;
    private long nextCascadeTick;
    private int wheelCount;
    private int overflowCount;
    private long pass;
    /** The node an expiry pass visits next; a cancel of that very node moves it on. */
    private WheelTimer cursor;

    /** A wheel whose tick 0 starts at {@code originNanos} (the loop's clock when it started). */
    public TimerWheel(long originNanos) {
        this.origin = originNanos;
        this.nextCascadeTick = SLOTS / 2;
    }

    private long tickOf(long nanos) {
        return (nanos - origin) >> TICK_SHIFT;
    }

    private long tickStart(long tick) {
        return origin + (tick << TICK_SHIFT);
    }

    /** Timers pending, in the wheel and beyond it. */
    public int size() {
        return wheelCount + overflowCount;
    }

    /**
     * Schedules {@code t} to run at {@code deadlineNanos}, moving it if it is already scheduled.
     * O(1), allocation-free. A deadline in the past runs at the next {@link #expire}.
     */
    public void schedule(WheelTimer t, long deadlineNanos) {
        if (t.slot >= 0) {
            unlink(t);
        }
        t.deadline = deadlineNanos;
        link(t);
    }

    /** Takes {@code t} out of the wheel; a no-op if it is not scheduled. O(1). */
    public void cancel(WheelTimer t) {
        if (t.slot >= 0) {
            unlink(t);
        }
    }

    private void link(WheelTimer t) {
        long tick = Math.max(tickOf(t.deadline), processedTick);
        int slot;
        if (tick - processedTick >= SLOTS) {
            slot = OVERFLOW;
            overflowCount++;
        } else {
            slot = (int) (tick & MASK);
            wheelCount++;
            occupied[slot >>> 6] |= 1L << slot;
        }
        t.slot = slot;
        t.linkedInPass = pass;
        t.next = null;
        WheelTimer tail = tails[slot];
        t.prev = tail;
        if (tail == null) {
            heads[slot] = t;
        } else {
            tail.next = t;
        }
        tails[slot] = t;
    }

    private void unlink(WheelTimer t) {
        int slot = t.slot;
        if (t == cursor) {
            cursor = t.next;
        }
        if (t.prev == null) {
            heads[slot] = t.next;
        } else {
            t.prev.next = t.next;
        }
        if (t.next == null) {
            tails[slot] = t.prev;
        } else {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
        t.slot = -1;
        if (slot == OVERFLOW) {
            overflowCount--;
        } else {
            wheelCount--;
            if (heads[slot] == null) {
                occupied[slot >>> 6] &= ~(1L << slot);
            }
        }
    }

    /**
     * Runs every timer due at {@code now}, in order; returns how many ran. A timer's exception
     * goes to {@code onError} and the others still run. A timer scheduled by a running timer for
     * a time already past runs at the next call, not in this one, so a timer that keeps
     * rescheduling itself cannot hold the loop.
     */
    public int expire(long now, Consumer<Throwable> onError) {
        // A "now" older than the last one (a cached clock) still runs what is due in the current tick.
        long nowTick = Math.max(tickOf(now), processedTick);
        int ran = 0;
        while (true) {
            if (wheelCount == 0 && processedTick < nowTick) {
                // Nothing in the wheel: jump rather than walk the idle ticks, but no further than
                // the earliest far timer, so that after a long stall they still run in order.
                processedTick = Math.min(nowTick, Math.max(processedTick, earliestOverflowTick()));
                if (overflowCount > 0) {
                    cascade();
                }
            }
            ran += runSlot((int) (processedTick & MASK), now, onError);
            if (processedTick == nowTick) {
                return ran;
            }
            processedTick++;
            if (processedTick >= nextCascadeTick) {
                cascade();
            }
        }
    }

    private int runSlot(int slot, long now, Consumer<Throwable> onError) {
        if (heads[slot] == null) {
            return 0;
        }
        long thisPass = ++pass;
        int ran = 0;
        WheelTimer t = heads[slot];
        while (t != null) {
            cursor = t.next;
            if (t.linkedInPass != thisPass && t.deadline - now <= 0) {
                unlink(t);
                try {
                    t.fire();
                } catch (Throwable e) {
                    onError.accept(e);
                }
                ran++;
            }
            t = cursor;
        }
        cursor = null;
        return ran;
    }

    private long earliestOverflowTick() {
        long min = Long.MAX_VALUE;
        for (WheelTimer t = heads[OVERFLOW]; t != null; t = t.next) {
            min = Math.min(min, tickOf(t.deadline));
        }
        return min;
    }

    /** Moves the overflow timers that now fall within one revolution into the wheel. */
    private void cascade() {
        nextCascadeTick = processedTick + SLOTS / 2;
        WheelTimer t = heads[OVERFLOW];
        while (t != null) {
            WheelTimer next = t.next;
            if (tickOf(t.deadline) - processedTick < SLOTS) {
                unlink(t);
                link(t);
            }
            t = next;
        }
    }

    /**
     * Nanoseconds until the earliest timer is due (0 if one is overdue), or -1 if none is pending.
     * While only overflow timers are pending, the answer is the next cascade, at most half a
     * revolution away: the loop wakes, moves them in, and asks again.
     */
    public long nanosUntilNext(long now) {
        if (size() == 0) {
            return -1;
        }
        long next = Long.MAX_VALUE;
        boolean found = false;
        if (wheelCount > 0) {
            int slot = firstOccupiedFrom((int) (processedTick & MASK));
            long tick = processedTick + ((slot - processedTick) & MASK);
            next = earliestIn(slot, tick);
            found = true;
        }
        if (overflowCount > 0) {
            long cascadeAt = tickStart(nextCascadeTick);
            if (!found || cascadeAt - next < 0) {
                next = cascadeAt;
            }
        }
        return Math.max(0, next - now);
    }

    /** Milliseconds until the earliest timer, rounded up so the loop never wakes early; -1 if none. */
    public int millisUntilNext(long now) {
        long nanos = nanosUntilNext(now);
        if (nanos <= 0) {
            return (int) nanos;
        }
        // Rounded up without nanos + 999_999, which overflows for a far deadline.
        long millis = nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1);
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    /** The first slot at or after {@code from}, circularly, whose list is not empty; needs wheelCount > 0. */
    private int firstOccupiedFrom(int from) {
        int word = from >>> 6;
        long bits = occupied[word] & (-1L << from);
        for (int i = 0; i <= occupied.length; i++) {
            if (bits != 0) {
                return (word << 6) + Long.numberOfTrailingZeros(bits);
            }
            word = (word + 1) % occupied.length;
            bits = occupied[word];
        }
        throw new IllegalStateException("wheelCount > 0 but no slot occupied");
    }

    /**
     * The earliest deadline in {@code slot}, whose timers all belong to {@code tick}. A crowded
     * slot answers with the tick's end instead: never early, at most one tick late.
     */
    private long earliestIn(int slot, long tick) {
        long min = Long.MAX_VALUE;
        boolean any = false;
        int seen = 0;
        for (WheelTimer t = heads[slot]; t != null; t = t.next) {
            if (++seen > EXACT_SCAN_LIMIT) {
                long end = tickStart(tick + 1);
                return any && min - end < 0 ? min : end;
            }
            if (!any || t.deadline - min < 0) {
                min = t.deadline;
                any = true;
            }
        }
        return min;
    }

    /** Unlinks every timer; for a stopping loop. */
    public void clear() {
        for (int s = 0; s <= SLOTS; s++) {
            WheelTimer t = heads[s];
            while (t != null) {
                WheelTimer next = t.next;
                t.prev = null;
                t.next = null;
                t.slot = -1;
                t = next;
            }
            heads[s] = null;
            tails[s] = null;
        }
        java.util.Arrays.fill(occupied, 0);
        wheelCount = 0;
        overflowCount = 0;
    }
}
