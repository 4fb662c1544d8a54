package io.ringwire.uring;

import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.internal.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One io_uring instance: its rings mapped into this process, and the index arithmetic over them.
 *
 * <p>Confined to one thread (the loop's), which is also what {@code IORING_SETUP_SINGLE_ISSUER}
 * promises the kernel. SQEs are written straight into the shared SQE array and published by a
 * release store of the SQ tail; CQEs are read after an acquire load of the CQ tail and released
 * by a release store of the CQ head, so the kernel never sees a slot as free before it has been
 * read, nor an SQE before it is complete. One {@link #enter} per loop iteration submits and
 * reaps everything: that is the only JNI crossing on the data path.
 */
public final class IoUring implements AutoCloseable {
    /** Handles one completion. */
    @FunctionalInterface
    public interface CompletionHandler {
        void complete(long userData, int res, int flags);
    }

    /**
     * The setup flags ringwire wants, newest first, so that an older kernel drops the newest
     * first: DEFER_TASKRUN (6.1) runs completion work only when the loop asks, in its own
     * thread; SINGLE_ISSUER (6.0) lets the kernel skip locking; COOP_TASKRUN (5.19) stops
     * interrupting the loop for task work; SUBMIT_ALL (5.18) keeps submitting past a bad SQE.
     */
    public static final int[] PREFERRED_FLAGS = {
        Uring.SETUP_DEFER_TASKRUN, Uring.SETUP_SINGLE_ISSUER, Uring.SETUP_COOP_TASKRUN, Uring.SETUP_SUBMIT_ALL,
    };

    final int fd;
    final int setupFlags;
    final int features;
    private final int sqEntries;
    private final int sqMask;
    private final int cqMask;
    private final long ringAddress;
    private final long ringLength;
    private final long cqRingAddress;
    private final long cqRingLength;
    private final long sqesAddress;
    private final long sqesLength;
    private final UnsafeBuffer sq;
    private final UnsafeBuffer cq;
    private final UnsafeBuffer sqes;
    private final int sqHead;
    private final int sqTail;
    private final int sqFlags;
    private final int sqArray;
    private final int cqHead;
    private final int cqTail;
    private final int cqes;
    private final int enterFlags;
    /** Our copy of the SQ tail: SQEs up to here are written; published at {@link #enter}. */
    private int localSqTail;
    private int unsubmitted;
    private int localCqHead;
    private boolean closed;

    private IoUring(int fd, UnsafeBuffer params, int setupFlags) throws IOException {
        this.fd = fd;
        this.setupFlags = setupFlags;
        this.features = params.getInt(Uring.PARAMS_FEATURES);
        this.sqEntries = params.getInt(Uring.PARAMS_SQ_ENTRIES);
        int cqEntries = params.getInt(Uring.PARAMS_CQ_ENTRIES);
        int sqArrayOff = params.getInt(Uring.SQ_OFF_ARRAY);
        int cqesOff = params.getInt(Uring.CQ_OFF_CQES);
        long sqSize = sqArrayOff + 4L * sqEntries;
        long cqSize = cqesOff + (long) Uring.SIZEOF_CQE * cqEntries;
        boolean single = (features & Uring.FEAT_SINGLE_MMAP) != 0;
        long prot = Uring.PROT_READ | Uring.PROT_WRITE;
        int mapFlags = Uring.MAP_SHARED | Uring.MAP_POPULATE;

        long ringLen = single ? Math.max(sqSize, cqSize) : sqSize;
        long ring = map(ringLen, (int) prot, mapFlags, Uring.IORING_OFF_SQ_RING);
        long cqRing = ring;
        long cqLen = 0;
        long sqesLen = (long) Uring.SIZEOF_SQE * sqEntries;
        long sqesAddr;
        try {
            if (!single) {
                cqLen = cqSize;
                cqRing = map(cqLen, (int) prot, mapFlags, Uring.IORING_OFF_CQ_RING);
            }
            sqesAddr = map(sqesLen, (int) prot, mapFlags, Uring.IORING_OFF_SQES);
        } catch (IOException e) {
            Native.munmap(ring, ringLen);
            if (cqLen > 0 && cqRing != ring) {
                Native.munmap(cqRing, cqLen);
            }
            throw e;
        }
        this.ringAddress = ring;
        this.ringLength = ringLen;
        this.cqRingAddress = cqRing;
        this.cqRingLength = cqLen;
        this.sqesAddress = sqesAddr;
        this.sqesLength = sqesLen;
        this.sq = new UnsafeBuffer(ring, (int) ringLen);
        this.cq = new UnsafeBuffer(cqRing, (int) cqSize);
        this.sqes = new UnsafeBuffer(sqesAddr, (int) sqesLen);
        this.sqHead = params.getInt(Uring.SQ_OFF_HEAD);
        this.sqTail = params.getInt(Uring.SQ_OFF_TAIL);
        this.sqFlags = params.getInt(Uring.SQ_OFF_FLAGS);
        this.sqArray = sqArrayOff;
        this.sqMask = sq.getInt(params.getInt(Uring.SQ_OFF_RING_MASK));
        this.cqHead = params.getInt(Uring.CQ_OFF_HEAD);
        this.cqTail = params.getInt(Uring.CQ_OFF_TAIL);
        this.cqMask = cq.getInt(params.getInt(Uring.CQ_OFF_RING_MASK));
        this.cqes = cqesOff;
        this.localSqTail = sq.getIntVolatile(sqTail);
        this.localCqHead = cq.getIntVolatile(cqHead);
        // With DEFER_TASKRUN completions are posted only inside enter(GETEVENTS): always ask.
        this.enterFlags = (setupFlags & Uring.SETUP_DEFER_TASKRUN) != 0 ? Uring.ENTER_GETEVENTS : 0;
    }

    /**
     * Sets up a ring with the best of {@code preferredFlags} this kernel accepts: flags are
     * dropped one at a time, newest first, while setup answers EINVAL. Must be called on the
     * thread that will use the ring when SINGLE_ISSUER is among the flags.
     */
    public static IoUring create(int sqEntries, int cqEntries, int[] flagsNewestFirst) throws IOException {
        int flags = Uring.SETUP_CQSIZE | Uring.SETUP_CLAMP;
        for (int f : flagsNewestFirst) {
            flags |= f;
        }
        UnsafeBuffer params = new UnsafeBuffer(ByteBuffer.allocateDirect(Uring.SIZEOF_PARAMS));
        try {
            return create(sqEntries, cqEntries, flagsNewestFirst, flags, params);
        } finally {
            org.agrona.BufferUtil.free(params);
        }
    }

    private static IoUring create(int sqEntries, int cqEntries, int[] flagsNewestFirst, int flags,
                                  UnsafeBuffer params) throws IOException {
        for (int drop = 0; ; drop++) {
            params.setMemory(0, Uring.SIZEOF_PARAMS, (byte) 0);
            params.putInt(Uring.PARAMS_FLAGS, flags);
            params.putInt(Uring.PARAMS_CQ_ENTRIES, cqEntries);
            int fd = Native.ioUringSetup(sqEntries, params.addressOffset());
            if (fd >= 0) {
                try {
                    return new IoUring(fd, params, flags);
                } catch (IOException | RuntimeException e) {
                    Native.close(fd);
                    throw e;
                }
            }
            if (fd != -Errno.EINVAL || drop >= flagsNewestFirst.length) {
                throw Errors.newException("io_uring_setup", null, fd);
            }
            flags &= ~flagsNewestFirst[drop];
        }
    }

    private long map(long length, int prot, int flags, long offset) throws IOException {
        long address = Native.mmap(length, prot, flags, fd, offset);
        if (address < 0) {
            throw Errors.newException("mmap io_uring ring", null, (int) address);
        }
        return address;
    }

    public boolean hasFlag(int setupFlag) {
        return (setupFlags & setupFlag) != 0;
    }

    public boolean hasFeature(int feature) {
        return (features & feature) != 0;
    }

    /**
     * Claims the next SQE, zeroed, and returns its offset in {@link #sqes()}. When the ring is
     * full the pending SQEs are submitted first; without SQPOLL the kernel consumes them during
     * that call, so a slot is always free after it.
     */
    public int nextSqe() {
        // A slot must be free before it is written: an SQE the kernel has not consumed yet must
        // never be overwritten. enter() can consume nothing (EINTR, or EBUSY while completions
        // overflow), so try again, a bounded number of times.
        for (int attempt = 0; localSqTail - sq.getIntVolatile(sqHead) >= sqEntries; attempt++) {
            if (attempt == 1000) {
                throw new IllegalStateException("io_uring submission queue stays full: the kernel consumes nothing");
            }
            enter(0, false);
        }
        int index = localSqTail & sqMask;
        int offset = index * Uring.SIZEOF_SQE;
        sqes.setMemory(offset, Uring.SIZEOF_SQE, (byte) 0);
        sq.putInt(sqArray + 4 * index, index);
        localSqTail++;
        unsubmitted++;
        return offset;
    }

    /** The SQE array, for filling the entry {@link #nextSqe()} returned. */
    public UnsafeBuffer sqes() {
        return sqes;
    }

    /** SQEs written but not yet handed to the kernel. */
    public int unsubmitted() {
        return unsubmitted;
    }

    /**
     * Publishes the written SQEs and submits them; with {@code waitFor > 0} also waits until
     * that many completions are ready. Returns the SQEs the kernel consumed, or 0 on EINTR and on
     * EAGAIN/EBUSY (a full completion queue: the caller drains it and calls again).
     */
    public int enter(int waitFor, boolean noIowait) {
        sq.putIntOrdered(sqTail, localSqTail);
        int flags = enterFlags | (waitFor > 0 ? Uring.ENTER_GETEVENTS : 0);
        if (noIowait) {
            flags |= Uring.ENTER_NO_IOWAIT;
        }
        if ((sq.getIntVolatile(sqFlags) & Uring.SQ_CQ_OVERFLOW) != 0) {
            // Completions wait in the kernel's overflow list; GETEVENTS moves them into the ring.
            flags |= Uring.ENTER_GETEVENTS;
        }
        int r = Native.ioUringEnter(fd, unsubmitted, waitFor, flags, 0, 0);
        if (r >= 0) {
            unsubmitted -= r;
            return r;
        }
        if (r == -Errno.EINTR || r == -Errno.EAGAIN || r == -Errno.EBUSY) {
            return 0;
        }
        throw new IllegalStateException(Errors.describe("io_uring_enter", null, -r));
    }

    /** Hands every ready completion to {@code handler}, oldest first; returns how many. */
    public int drain(CompletionHandler handler) {
        int head = localCqHead;
        int tail = cq.getIntVolatile(cqTail);
        int n = 0;
        while (head != tail) {
            int at = cqes + (head & cqMask) * Uring.SIZEOF_CQE;
            long userData = cq.getLong(at + Uring.CQE_USER_DATA);
            int res = cq.getInt(at + Uring.CQE_RES);
            int flags = cq.getInt(at + Uring.CQE_FLAGS);
            head++;
            n++;
            // Release the slot before the handler runs: it may submit, and the entry is copied.
            localCqHead = head;
            cq.putIntOrdered(cqHead, head);
            handler.complete(userData, res, flags);
            if (head == tail) {
                tail = cq.getIntVolatile(cqTail);
            }
        }
        return n;
    }

    /** True if completions are ready to be drained. */
    public boolean hasCompletions() {
        return cq.getIntVolatile(cqTail) != localCqHead;
    }

    /** True if the kernel holds completions that did not fit the CQ ring. */
    public boolean cqOverflowed() {
        return (sq.getIntVolatile(sqFlags) & Uring.SQ_CQ_OVERFLOW) != 0;
    }

    public int register(int opcode, long arg, int nrArgs) {
        return Native.ioUringRegister(fd, opcode, arg, nrArgs);
    }

    /** Unmaps the rings and closes the ring's descriptor, which cancels what is still in flight. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Native.munmap(sqesAddress, sqesLength);
        if (cqRingLength > 0) {
            Native.munmap(cqRingAddress, cqRingLength);
        }
        Native.munmap(ringAddress, ringLength);
        Native.close(fd);
    }
}
