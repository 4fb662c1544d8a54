package io.ringwire.loop;

import java.util.function.Consumer;

/**
 * A loop's pending timers: a hashed timing wheel of {@value #SLOTS} slots of one tick
 * (2<sup>{@value #TICK_SHIFT}</sup> ns, about 1.05 ms) each; a second wheel of {@value #FAR_SLOTS}
 * slots of one revolution (about 4.3 s) each, for timers up to about 4.6 minutes away; and an
 * overflow list beyond that. Confined to the loop thread; time is passed in by the caller, in the
 * nanoseconds of the loop's {@link NanoClock}, so tests drive it with a fake clock.
 *
 * <h2>Costs</h2>
 * Timers are intrusive list nodes ({@link WheelTimer}): scheduling, moving and cancelling are O(1)
 * pointer updates and allocate nothing. A pending timer costs its node and nothing else: 40
 * bytes with compressed references, so a million cost 40 MB of nodes the owners hold anyway, and
 * no per-timer box (measured by bench's {@code TimerWheelFootprint}). A node cancelled from
 * another thread leaves within a loop turn ({@link AbstractEventLoop#schedule}). At each
 * revolution the far wheel's slot for it moves into the near wheel: a timer minutes away is moved
 * once, not looked at every revolution. Overflow timers (idle timeouts of many minutes) are
 * looked at once every {@value #OVERFLOW_PERIOD} revolutions, about 2.3 minutes.
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
 * coarse by design: no timerfd is armed per wait. A timer runs within a millisecond or so of its
 * deadline when its loop is idle; a busy loop runs it after the I/O, tasks and timers it is
 * handling when the deadline passes, so a handler that takes 50 ms delays its loop's timers by
 * as much.
 */
public final class TimerWheel {
    static final int TICK_SHIFT = 20;
    static final int SLOTS = 4096;
    private static final int MASK = SLOTS - 1;
    private static final int LOG_SLOTS = Integer.numberOfTrailingZeros(SLOTS);
    static final int FAR_SLOTS = 64;
    private static final int FAR_BASE = SLOTS;
    private static final int OVERFLOW = SLOTS + FAR_SLOTS;
    /**
     * Timers that a running timer scheduled for a time already due; they join the current tick
     * when {@link #expire} returns. Filed in the wheel instead, a timer due before the tick being
     * walked would land in a slot the walk has passed, and wait a whole revolution.
     */
    private static final int DEFERRED = OVERFLOW + 1;
    /** Revolutions between passes over the overflow list; less than FAR_SLOTS, so none is missed. */
    private static final int OVERFLOW_PERIOD = 32;
    /** The wheel scans at most this many timers of the first slot for its exact minimum. */
    private static final int EXACT_SCAN_LIMIT = 64;

    private final long origin;
    private final WheelTimer[] heads = new WheelTimer[DEFERRED + 1];
    private final WheelTimer[] tails = new WheelTimer[DEFERRED + 1];
    private final long[] occupied = new long[SLOTS / 64];
    /** Every tick before this one has been run; timers due earlier are filed here. */
    private long processedTick;
    private int wheelCount;
    private int farCount;
    private int overflowCount;
    private int deferredCount;
    /** Inside {@link #expire}: the {@code now} it was called with, for {@link #schedule}. */
    private boolean expiring;
    private long expiringNow;
    /** The node an expiry pass visits next; a cancel of that very node moves it on. */
    private WheelTimer cursor;

    /** A wheel whose tick 0 starts at {@code originNanos} (the loop's clock when it started). */
    public TimerWheel(long originNanos) {
        this.origin = originNanos;
    }

    private long tickOf(long nanos) {
        return (nanos - origin) >> TICK_SHIFT;
    }

    private long tickStart(long tick) {
        return origin + (tick << TICK_SHIFT);
    }

    /** Timers pending, in the wheel and beyond it. */
    public int size() {
        return wheelCount + farCount + overflowCount + deferredCount;
    }

    /**
     * Schedules {@code t} to run at {@code deadlineNanos}, moving it if it is already scheduled.
     * O(1), allocation-free. A deadline in the past runs at the next {@link #expire}, also when
     * a running timer schedules it.
     */
    public void schedule(WheelTimer t, long deadlineNanos) {
        if (t.slot >= 0) {
            unlink(t);
        }
        t.deadline = deadlineNanos;
        if (expiring && deadlineNanos - expiringNow <= 0) {
            append(t, DEFERRED);
            deferredCount++;
        } else {
            link(t);
        }
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
            long revolution = tick >> LOG_SLOTS;
            if (revolution - (processedTick >> LOG_SLOTS) < FAR_SLOTS) {
                slot = FAR_BASE + (int) (revolution & (FAR_SLOTS - 1));
                farCount++;
            } else {
                slot = OVERFLOW;
                overflowCount++;
            }
        } else {
            slot = (int) (tick & MASK);
            wheelCount++;
            occupied[slot >>> 6] |= 1L << slot;
        }
        append(t, slot);
    }

    private void append(WheelTimer t, int slot) {
        t.slot = slot;
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
        if (slot == DEFERRED) {
            deferredCount--;
        } else if (slot == OVERFLOW) {
            overflowCount--;
        } else if (slot >= FAR_BASE) {
            farCount--;
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
     * a time already past (at or before {@code now}) runs at the next call, not in this one, so a
     * timer that keeps rescheduling itself cannot hold the loop, however many ticks this call
     * catches up on.
     */
    public int expire(long now, Consumer<Throwable> onError) {
        expiring = true;
        expiringNow = now;
        try {
            return expireTicks(now, onError);
        } finally {
            expiring = false;
            fileDeferred();
        }
    }

    private int expireTicks(long now, Consumer<Throwable> onError) {
        // A "now" older than the last one (a cached clock) still runs what is due in the current tick.
        long nowTick = Math.max(tickOf(now), processedTick);
        int ran = 0;
        while (true) {
            ran += runSlot((int) (processedTick & MASK), now, onError);
            if (processedTick == nowTick) {
                return ran;
            }
            if (wheelCount == 0) {
                // Nothing in the near wheel: jump rather than walk the idle ticks, but stop at the
                // next revolution, where far timers may come in, so that they still run in order.
                processedTick = Math.min(nowTick, (processedTick | MASK) + 1);
            } else {
                processedTick++;
            }
            if ((processedTick & MASK) == 0) {
                startRevolution();
            }
        }
    }

    private int runSlot(int slot, long now, Consumer<Throwable> onError) {
        if (heads[slot] == null) {
            return 0;
        }
        int ran = 0;
        WheelTimer t = heads[slot];
        while (t != null) {
            cursor = t.next;
            // A timer rescheduled from here waits in DEFERRED, so this walk never meets it again.
            if (t.deadline - now <= 0) {
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

    /** Due timers scheduled during the expiry that just ended join the current tick, in order. */
    private void fileDeferred() {
        WheelTimer t = heads[DEFERRED];
        heads[DEFERRED] = null;
        tails[DEFERRED] = null;
        deferredCount = 0;
        while (t != null) {
            WheelTimer next = t.next;
            t.prev = null;
            t.next = null;
            t.slot = -1;
            link(t); // due, so link files it in processedTick, where the next call starts
            t = next;
        }
    }

    /**
     * A new revolution begins: its slot of the far wheel moves into the near wheel, whose window
     * is now exactly this revolution; every so often the overflow list moves closer too.
     */
    private void startRevolution() {
        long revolution = processedTick >> LOG_SLOTS;
        if (revolution % OVERFLOW_PERIOD == 0 && overflowCount > 0) {
            relinkAll(OVERFLOW);
        }
        relinkAll(FAR_BASE + (int) (revolution & (FAR_SLOTS - 1)));
    }

    /**
     * Takes every timer out of {@code slot} and files it again, by the current time. The list is
     * detached first: a timer filed back into the same slot (the overflow list) must not be met
     * again by this walk.
     */
    private void relinkAll(int slot) {
        WheelTimer t = heads[slot];
        heads[slot] = null;
        tails[slot] = null;
        while (t != null) {
            WheelTimer next = t.next;
            if (slot == OVERFLOW) {
                overflowCount--;
            } else {
                farCount--;
            }
            t.prev = null;
            t.next = null;
            t.slot = -1;
            link(t);
            t = next;
        }
    }

    /**
     * Nanoseconds until the earliest timer is due (0 if one is overdue), or -1 if none is pending.
     * While timers wait in the far wheel or the overflow list, the answer is at most the start of
     * the next revolution (4.3 s away at most): the loop wakes, moves them in, and asks again.
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
        if (farCount + overflowCount > 0) {
            long revolutionStart = tickStart((processedTick | MASK) + 1);
            if (!found || revolutionStart - next < 0) {
                next = revolutionStart;
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
        for (int s = 0; s <= DEFERRED; s++) {
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
        farCount = 0;
        overflowCount = 0;
        deferredCount = 0;
    }
}
