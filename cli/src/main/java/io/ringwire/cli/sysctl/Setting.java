package io.ringwire.cli.sysctl;

import java.util.List;

/**
 * One {@code key = value} line of a profile.
 *
 * @param key   as written, such as {@code net.ipv4.tcp_rmem} (dots) or {@code net/ipv4/tcp_rmem}
 * @param value the whitespace-separated elements of the value, such as {@code [4096, 131072, 6291456]}
 * @param rule  how apply treats it against the machine's value
 * @param line  1-based line number in the profile, for messages
 */
public record Setting(String key, List<String> value, Rule rule, int line) {
    public Setting {
        value = List.copyOf(value);
    }

    /** The value as sysctl prints and takes it: elements joined by one space. */
    public String valueText() {
        return String.join(" ", value);
    }
}
