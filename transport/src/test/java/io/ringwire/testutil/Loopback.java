package io.ringwire.testutil;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback addresses; tests never touch another interface. */
public final class Loopback {
    private Loopback() {
    }

    /** 127.0.0.1 with port 0: the kernel picks a free port at bind. */
    public static InetSocketAddress v4AnyPort() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    /** ::1 with port 0. */
    public static InetSocketAddress v6AnyPort() {
        return new InetSocketAddress("::1", 0);
    }

    /** True if this machine can bind ::1. */
    public static boolean hasIpv6() {
        try {
            new ServerSocket(0, 1, InetAddress.getByName("::1")).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A loopback port nothing listens on: bound and released again. Another process could take it
     * in between, which on a test machine is rare enough not to matter.
     */
    public static InetSocketAddress closedPort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return new InetSocketAddress(InetAddress.getByName(host), s.getLocalPort());
        }
    }
}
