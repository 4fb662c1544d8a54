package io.ringwire.client;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns a host name into addresses, in the order to try them. May block: the {@link Dialer}
 * calls it off the event loops, with a timeout. Must be thread-safe.
 */
@FunctionalInterface
public interface Resolver {
    /** The JDK's resolver: /etc/hosts, then DNS, with the JDK's own cache. */
    Resolver JDK = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
