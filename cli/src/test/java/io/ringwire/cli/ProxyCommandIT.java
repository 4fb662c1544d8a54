package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bin/ringwire proxy} in front of {@code bin/ringwire echo}, against the contract. */
@Timeout(120)
class ProxyCommandIT {

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void streamsPassBothWaysWithHalfCloseAndSigtermExitsZero(String backend) throws Exception {
        try (RingwireProcess echo = RingwireProcess.start("echo", "--port", "0", "--backend", backend)) {
            String echoPort = echo.awaitReady().group(3);
            try (RingwireProcess proxy = RingwireProcess.start("proxy", "--listen", "127.0.0.1:0", "--to",
                    "127.0.0.1:" + echoPort, "--backend", backend, "--threads", "2", "--pipe-size", "128KiB")) {
                Matcher ready = proxy.awaitReady();
                assertEquals("proxy", ready.group(1));
                assertEquals("127.0.0.1", ready.group(2));
                assertEquals(backend, ready.group(4));
                assertEquals("2", ready.group(5));
                int port = Integer.parseInt(ready.group(3));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
                try {
                    List<Future<?>> streams = new ArrayList<>();
                    for (int i = 0; i < 32; i++) {
                        int seed = i;
                        streams.add(threads.submit(() -> {
                            // Random bytes out, a half-close, every byte back before the end: the FIN crossed both ways.
                            EchoCommandIT.echoOnce(port, seed);
                            return null;
                        }));
                    }
                    for (Future<?> f : streams) {
                        f.get();
                    }
                } finally {
                    threads.shutdownNow();
                }
                proxy.terminate();
                assertEquals(0, proxy.awaitExit(), "SIGTERM must give a graceful exit 0");
                String err = proxy.stderr.join();
                assertFalse(err.contains("WARNING: "), "a JVM warning reached the terminal: " + err);
            }
            echo.terminate();
            assertEquals(0, echo.awaitExit());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--to|nowhere",
        "--to|127.0.0.1:99999",
        "--to|127.0.0.1:0",
        "--listen|::1:80",
        "--pipe-size|lots",
        "--pipe-size|1GiB", // refused by the kernel: EPERM without CAP_SYS_RESOURCE, else ENOMEM
        "--read-timeout|1s",
        "--max-conns-per-ip|-1",
        "--accept-rate|-5",
    })
    void badArgumentsExitTwoWithOneLineNamingThem(String option, String value) throws Exception {
        List<String> args = new ArrayList<>(List.of("proxy", option, value));
        if (!option.equals("--to")) {
            args.addAll(List.of("--to", "127.0.0.1:7000"));
        }
        try (RingwireProcess p = RingwireProcess.start(args.toArray(new String[0]))) {
            assertEquals(2, p.awaitExit());
            String err = p.stderr.join().strip();
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains(option), err);
        }
    }

    @Test
    void helpListsTheOptionsProxyTakesAndNoOther() throws Exception {
        try (RingwireProcess p = RingwireProcess.start("proxy", "--help")) {
            String help = new String(p.process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            for (String option : new String[] {"--idle-timeout", "--max-conns", "--max-conns-per-ip", "--accept-rate",
                    "--tcp-keepalive", "--drain-timeout", "--pipe-size"}) {
                assertTrue(help.contains(option), "proxy --help lacks " + option + ":\n" + help);
            }
            for (String option : ProxyCommand.NOT_FOR_PROXY) {
                assertFalse(help.contains(option), "proxy --help lists " + option + ", which it refuses:\n" + help);
            }
            assertEquals(0, p.awaitExit());
        }
    }

    /** --max-conns-per-ip and --tcp-keepalive reach the relay: a second client from one IP is closed, another IP is not. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void maxConnsPerIpRefusesOnlyTheAddressOverTheLimit(String backend) throws Exception {
        try (RingwireProcess echo = RingwireProcess.start("echo", "--port", "0", "--backend", backend)) {
            String echoPort = echo.awaitReady().group(3);
            try (RingwireProcess proxy = RingwireProcess.start("proxy", "--listen", "127.0.0.1:0", "--to",
                    "127.0.0.1:" + echoPort, "--backend", backend, "--max-conns-per-ip", "1", "--accept-rate", "100",
                    "--tcp-keepalive")) {
                int port = Integer.parseInt(proxy.awaitReady().group(3));
                try (java.net.Socket first = LifecycleCommandIT.connect("127.0.0.1", port)) {
                    assertTrue(LifecycleCommandIT.echoes(first, 1), "the first connection is relayed");
                    try (java.net.Socket second = LifecycleCommandIT.connect("127.0.0.1", port)) {
                        assertTrue(LifecycleCommandIT.closedByServer(second), "a second connection from 127.0.0.1 is closed");
                    }
                    try (java.net.Socket other = LifecycleCommandIT.connect("127.0.0.2", port)) {
                        assertTrue(LifecycleCommandIT.echoes(other, 2), "127.0.0.2 has its own count");
                    }
                    assertTrue(LifecycleCommandIT.echoes(first, 3), "the first connection is untouched");
                }
                proxy.terminate();
                assertEquals(0, proxy.awaitExit());
            }
            echo.terminate();
            assertEquals(0, echo.awaitExit());
        }
    }

    /** --idle-timeout reaches the relay: one quiet for longer is ended (a read would time out after 30 s otherwise). */
    @Test
    void idleTimeoutEndsAQuietRelay() throws Exception {
        try (RingwireProcess echo = RingwireProcess.start("echo", "--port", "0")) {
            String echoPort = echo.awaitReady().group(3);
            try (RingwireProcess proxy = RingwireProcess.start("proxy", "--listen", "127.0.0.1:0", "--to",
                    "127.0.0.1:" + echoPort, "--idle-timeout", "300ms")) {
                int port = Integer.parseInt(proxy.awaitReady().group(3));
                try (java.net.Socket s = LifecycleCommandIT.connect("127.0.0.1", port)) {
                    assertTrue(LifecycleCommandIT.echoes(s, 7), "relayed while busy");
                    assertTrue(LifecycleCommandIT.closedByServer(s), "ended once quiet for 300ms");
                }
                proxy.terminate();
                assertEquals(0, proxy.awaitExit());
            }
            echo.terminate();
            assertEquals(0, echo.awaitExit());
        }
    }

    @Test
    void aMissingBackendOrBothListenFormsExitTwo() throws Exception {
        try (RingwireProcess p = RingwireProcess.start("proxy", "--listen", "127.0.0.1:0")) {
            assertEquals(2, p.awaitExit());
            assertTrue(p.stderr.join().contains("--to"));
        }
        try (RingwireProcess p = RingwireProcess.start("proxy", "--listen", "127.0.0.1:0", "--port", "1",
                "--to", "127.0.0.1:7000")) {
            assertEquals(2, p.awaitExit());
            assertTrue(p.stderr.join().contains("--listen"));
        }
    }
}
