package io.ringwire.uring;

import static io.ringwire.internal.Linux.optional;
import static io.ringwire.internal.Linux.require;

/** io_uring ABI numbers and struct layouts, read from the library's headers once. */
final class Uring {
    private Uring() {
    }

    static final int PROT_READ = require("PROT_READ");
    static final int PROT_WRITE = require("PROT_WRITE");
    static final int MAP_SHARED = require("MAP_SHARED");
    static final int MAP_PRIVATE = require("MAP_PRIVATE");
    static final int MAP_ANONYMOUS = require("MAP_ANONYMOUS");
    static final int MAP_POPULATE = require("MAP_POPULATE");
    static final long IORING_OFF_SQ_RING = require("IORING_OFF_SQ_RING") & 0xFFFFFFFFL;
    static final long IORING_OFF_CQ_RING = require("IORING_OFF_CQ_RING") & 0xFFFFFFFFL;
    static final long IORING_OFF_SQES = require("IORING_OFF_SQES") & 0xFFFFFFFFL;

    static final int SETUP_CQSIZE = require("IORING_SETUP_CQSIZE");
    static final int SETUP_CLAMP = require("IORING_SETUP_CLAMP");
    static final int SETUP_SUBMIT_ALL = require("IORING_SETUP_SUBMIT_ALL");
    static final int SETUP_COOP_TASKRUN = require("IORING_SETUP_COOP_TASKRUN");
    static final int SETUP_TASKRUN_FLAG = require("IORING_SETUP_TASKRUN_FLAG");
    static final int SETUP_SINGLE_ISSUER = require("IORING_SETUP_SINGLE_ISSUER");
    static final int SETUP_DEFER_TASKRUN = require("IORING_SETUP_DEFER_TASKRUN");
    static final int FEAT_SINGLE_MMAP = require("IORING_FEAT_SINGLE_MMAP");
    static final int FEAT_NODROP = require("IORING_FEAT_NODROP");
    static final int FEAT_EXT_ARG = require("IORING_FEAT_EXT_ARG");
    static final int FEAT_FAST_POLL = require("IORING_FEAT_FAST_POLL");
    static final int FEAT_NO_IOWAIT = require("IORING_FEAT_NO_IOWAIT");
    static final int ENTER_GETEVENTS = require("IORING_ENTER_GETEVENTS");
    static final int ENTER_NO_IOWAIT = require("IORING_ENTER_NO_IOWAIT");
    static final int SQ_CQ_OVERFLOW = require("IORING_SQ_CQ_OVERFLOW");
    static final int SQ_TASKRUN = require("IORING_SQ_TASKRUN");
    static final int CQE_F_BUFFER = require("IORING_CQE_F_BUFFER");
    static final int CQE_F_MORE = require("IORING_CQE_F_MORE");
    static final int CQE_BUFFER_SHIFT = require("IORING_CQE_BUFFER_SHIFT");
    static final int IOSQE_BUFFER_SELECT = require("IOSQE_BUFFER_SELECT");
    static final int IOSQE_CQE_SKIP_SUCCESS = require("IOSQE_CQE_SKIP_SUCCESS");
    static final int RECV_MULTISHOT = require("IORING_RECV_MULTISHOT");
    static final int ACCEPT_MULTISHOT = require("IORING_ACCEPT_MULTISHOT");
    static final int ASYNC_CANCEL_ALL = require("IORING_ASYNC_CANCEL_ALL");
    static final int ASYNC_CANCEL_ANY = require("IORING_ASYNC_CANCEL_ANY");
    static final int OP_SUPPORTED = require("IO_URING_OP_SUPPORTED");

    static final int OP_NOP = require("IORING_OP_NOP");
    static final int OP_WRITEV = require("IORING_OP_WRITEV");
    static final int OP_TIMEOUT = require("IORING_OP_TIMEOUT");
    static final int OP_ACCEPT = require("IORING_OP_ACCEPT");
    static final int OP_ASYNC_CANCEL = require("IORING_OP_ASYNC_CANCEL");
    static final int OP_CONNECT = require("IORING_OP_CONNECT");
    static final int OP_CLOSE = require("IORING_OP_CLOSE");
    static final int OP_READ = require("IORING_OP_READ");
    static final int OP_SEND = require("IORING_OP_SEND");
    static final int OP_RECV = require("IORING_OP_RECV");
    static final int OP_SHUTDOWN = require("IORING_OP_SHUTDOWN");
    static final int OP_LAST = require("IORING_OP_LAST");

    static final int REGISTER_PROBE = require("IORING_REGISTER_PROBE");
    static final int REGISTER_IOWQ_MAX_WORKERS = require("IORING_REGISTER_IOWQ_MAX_WORKERS");
    static final int REGISTER_PBUF_RING = require("IORING_REGISTER_PBUF_RING");
    static final int UNREGISTER_PBUF_RING = require("IORING_UNREGISTER_PBUF_RING");

    static final int SIZEOF_PARAMS = require("SIZEOF_IO_URING_PARAMS");
    static final int PARAMS_SQ_ENTRIES = require("OFFSETOF_PARAMS_SQ_ENTRIES");
    static final int PARAMS_CQ_ENTRIES = require("OFFSETOF_PARAMS_CQ_ENTRIES");
    static final int PARAMS_FLAGS = require("OFFSETOF_PARAMS_FLAGS");
    static final int PARAMS_FEATURES = require("OFFSETOF_PARAMS_FEATURES");
    static final int SQ_OFF_HEAD = require("OFFSETOF_PARAMS_SQ_OFF_HEAD");
    static final int SQ_OFF_TAIL = require("OFFSETOF_PARAMS_SQ_OFF_TAIL");
    static final int SQ_OFF_RING_MASK = require("OFFSETOF_PARAMS_SQ_OFF_RING_MASK");
    static final int SQ_OFF_FLAGS = require("OFFSETOF_PARAMS_SQ_OFF_FLAGS");
    static final int SQ_OFF_ARRAY = require("OFFSETOF_PARAMS_SQ_OFF_ARRAY");
    static final int CQ_OFF_HEAD = require("OFFSETOF_PARAMS_CQ_OFF_HEAD");
    static final int CQ_OFF_TAIL = require("OFFSETOF_PARAMS_CQ_OFF_TAIL");
    static final int CQ_OFF_RING_MASK = require("OFFSETOF_PARAMS_CQ_OFF_RING_MASK");
    static final int CQ_OFF_OVERFLOW = require("OFFSETOF_PARAMS_CQ_OFF_OVERFLOW");
    static final int CQ_OFF_CQES = require("OFFSETOF_PARAMS_CQ_OFF_CQES");

    static final int SIZEOF_SQE = require("SIZEOF_IO_URING_SQE");
    static final int SQE_OPCODE = require("OFFSETOF_SQE_OPCODE");
    static final int SQE_FLAGS = require("OFFSETOF_SQE_FLAGS");
    static final int SQE_IOPRIO = require("OFFSETOF_SQE_IOPRIO");
    static final int SQE_FD = require("OFFSETOF_SQE_FD");
    static final int SQE_OFF = require("OFFSETOF_SQE_OFF");
    static final int SQE_ADDR = require("OFFSETOF_SQE_ADDR");
    static final int SQE_LEN = require("OFFSETOF_SQE_LEN");
    static final int SQE_OP_FLAGS = require("OFFSETOF_SQE_OP_FLAGS");
    static final int SQE_USER_DATA = require("OFFSETOF_SQE_USER_DATA");
    static final int SQE_BUF_GROUP = require("OFFSETOF_SQE_BUF_GROUP");
    static final int SIZEOF_CQE = require("SIZEOF_IO_URING_CQE");
    static final int CQE_USER_DATA = require("OFFSETOF_CQE_USER_DATA");
    static final int CQE_RES = require("OFFSETOF_CQE_RES");
    static final int CQE_FLAGS = require("OFFSETOF_CQE_FLAGS");

    static final int SIZEOF_PROBE = require("SIZEOF_IO_URING_PROBE");
    static final int SIZEOF_PROBE_OP = require("SIZEOF_IO_URING_PROBE_OP");
    static final int PROBE_LAST_OP = require("OFFSETOF_PROBE_LAST_OP");
    static final int PROBE_OPS = require("OFFSETOF_PROBE_OPS");
    static final int PROBE_OP_OP = require("OFFSETOF_PROBE_OP_OP");
    static final int PROBE_OP_FLAGS = require("OFFSETOF_PROBE_OP_FLAGS");
    static final int SIZEOF_BUF_REG = require("SIZEOF_IO_URING_BUF_REG");
    static final int BUF_REG_RING_ADDR = require("OFFSETOF_BUF_REG_RING_ADDR");
    static final int BUF_REG_RING_ENTRIES = require("OFFSETOF_BUF_REG_RING_ENTRIES");
    static final int BUF_REG_BGID = require("OFFSETOF_BUF_REG_BGID");
    static final int SIZEOF_BUF = require("SIZEOF_IO_URING_BUF");
    static final int BUF_ADDR = require("OFFSETOF_BUF_ADDR");
    static final int BUF_LEN = require("OFFSETOF_BUF_LEN");
    static final int BUF_BID = require("OFFSETOF_BUF_BID");
    static final int BUF_RING_TAIL = require("OFFSETOF_BUF_RING_TAIL");
    static final int SIZEOF_TIMESPEC = require("SIZEOF_KERNEL_TIMESPEC");
    static final int TIMESPEC_SEC = require("OFFSETOF_KERNEL_TIMESPEC_SEC");
    static final int TIMESPEC_NSEC = require("OFFSETOF_KERNEL_TIMESPEC_NSEC");

    // zero-copy: the POLL_ADD that waits for a full socket, and splice (measured, see UringConnection)
    static final int OP_POLL_ADD = require("IORING_OP_POLL_ADD");
    static final int OP_SPLICE = require("IORING_OP_SPLICE");
    static final int SQE_SPLICE_FD_IN = require("OFFSETOF_SQE_SPLICE_FD_IN");
    static final int POLLOUT = require("POLLOUT");
    static final int POLLIN = require("POLLIN");
    static final int POLLRDHUP = require("POLLRDHUP");
    static final int POLLERR = require("POLLERR");
    static final int POLLHUP = require("POLLHUP");
    /**
     * POLL_ADD's flag (in the SQE's len): multishot, edge-triggered unless IORING_POLL_ADD_LEVEL.
     * The kernel always adds POLLRDHUP (and POLLERR, POLLHUP) to a poll's mask, so a one-shot
     * "errors only" poll on a socket that has seen FIN completes at once; a multishot one reports
     * that level once when armed, then only on new wake-ups, such as a reset.
     */
    static final int POLL_ADD_MULTI = require("IORING_POLL_ADD_MULTI");

    /** Unused today; read so that a header lacking it shows up in the probe's report. */
    static final int SETUP_NO_SQARRAY = optional("IORING_SETUP_NO_SQARRAY");
}
