package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad arguments: one line naming the argument, exit 2. An unusable backend: one line, exit 1. */
@Timeout(60)
class ArgumentsIT {

    @ParameterizedTest
    @CsvSource({
        "--port,abc",
        "--port,70000",
        "--threads,0",
        "--idle-timeout,5x",
        "--drain-timeout,soon",
        "--backend,kqueue",
        "--max-conns,-1",
        "--no-such-option,1",
    })
    void badArgumentExitsTwoWithOneLineNamingIt(String option, String value) throws Exception {
        assertUsageError("echo", option, value);
    }

    /** Timers tick once a millisecond: a shorter, non-zero duration is refused rather than misread. */
    @ParameterizedTest
    @CsvSource({
        "echo,--idle-timeout,500us",
        "http,--read-timeout,999999ns",
        "echo,--drain-timeout,10us",
        "frame,--heartbeat,1us",
    })
    void subMillisecondDurationsExitTwo(String command, String option, String value) throws Exception {
        assertUsageError(command, option, value);
    }

    private static void assertUsageError(String command, String option, String value) throws Exception {
        try (RingwireProcess p = RingwireProcess.start(command, option, value)) {
            assertEquals(2, p.awaitExit());
            String err = p.stderr.join().strip();
            assertEquals(1, err.lines().count(), "one line expected, got: " + err);
            assertTrue(err.contains(option), "the error must name " + option + ": " + err);
            assertEquals("", new String(p.process.getInputStream().readAllBytes()).strip(), "nothing on stdout");
        }
    }

    @Test
    void unknownCommandExitsTwo() throws Exception {
        try (RingwireProcess p = RingwireProcess.start("no-such-command")) {
            assertEquals(2, p.awaitExit());
            assertTrue(p.stderr.join().contains("no-such-command"));
        }
    }

    /** The probe's refusal is forced by a property, so this runs on any machine. */
    @Test
    void unusableBackendExitsOneAndSaysWhy() throws Exception {
        try (RingwireProcess p = RingwireProcess.startWithJavaOpts("-Dringwire.io_uring.disable=true",
                "echo", "--port", "0", "--backend", "io_uring")) {
            assertEquals(1, p.awaitExit());
            String err = p.stderr.join().strip();
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains("io_uring") && err.contains("ringwire.io_uring.disable"), err);
        }
    }

    @Test
    void autoFallsBackToEpollAndSaysWhyInOneLine() throws Exception {
        try (RingwireProcess p = RingwireProcess.startWithJavaOpts("-Dringwire.io_uring.disable=true",
                "echo", "--port", "0")) {
            assertEquals("epoll", p.awaitReady().group(4));
            p.terminate();
            assertEquals(0, p.awaitExit());
            String err = p.stderr.join();
            assertEquals(1, err.lines().filter(l -> l.contains("using epoll")).count(), err);
            assertTrue(err.contains("ringwire.io_uring.disable"), err);
        }
    }

    @Test
    void portInUseExitsOneNamingTheAddress() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             RingwireProcess p = RingwireProcess.start("echo", "--port", Integer.toString(taken.getLocalPort()))) {
            assertEquals(1, p.awaitExit());
            String err = p.stderr.join();
            assertTrue(err.contains("EADDRINUSE") && err.contains("127.0.0.1:" + taken.getLocalPort()), err);
        }
    }
}
