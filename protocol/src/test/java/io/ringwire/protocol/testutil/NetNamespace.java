package io.ringwire.protocol.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A network namespace made for one test: a veth pair with the host end in this process's
 * namespace and the peer end inside, on a private /30 that exists only while the test runs. Every
 * prerequisite that the machine may lack (root, {@code ip}, a firewall tool, permission to make
 * namespaces) ends the test as skipped with the reason, through a JUnit assumption, and the reason
 * is printed too, so a skip is never silent.
 */
public final class NetNamespace implements AutoCloseable {
    public final String name;
    public final String hostAddress;
    public final String peerAddress;
    private final String hostLink;
    private final String firewall;

    private NetNamespace(String name, String hostLink, String hostAddress, String peerAddress, String firewall) {
        this.name = name;
        this.hostLink = hostLink;
        this.hostAddress = hostAddress;
        this.peerAddress = peerAddress;
        this.firewall = firewall;
    }

    /** Makes the namespace and its link, or skips the test with the reason. */
    public static NetNamespace create() throws IOException, InterruptedException {
        requireOrSkip(run("id", "-u").output.strip().equals("0"), "network namespace tests need root");
        requireOrSkip(run("ip", "-V").ok(), "'ip' (Debian package iproute2) is not installed");
        String firewall = run("nft", "--version").ok() ? "nft" : run("iptables", "--version").ok() ? "iptables" : null;
        requireOrSkip(firewall != null, "neither 'nft' (nftables) nor 'iptables' is installed; `make test` installs nftables");
        long id = ProcessHandle.current().pid() % 10_000;
        String name = "rwhb" + id;
        String hostLink = "rwh" + id + "a";
        String peerLink = "rwh" + id + "b";
        int subnet = (int) (id % 63) * 4;
        String host = "10.253.7." + (subnet + 1);
        String peer = "10.253.7." + (subnet + 2);
        run("ip", "netns", "del", name); // a leftover from a killed run
        run("ip", "link", "del", hostLink);
        Result made = run("ip", "netns", "add", name);
        requireOrSkip(made.ok(), "cannot create a network namespace here: " + made.output.strip());
        NetNamespace ns = new NetNamespace(name, hostLink, host, peer, firewall);
        try {
            ns.must("ip", "link", "add", hostLink, "type", "veth", "peer", "name", peerLink);
            ns.must("ip", "link", "set", peerLink, "netns", name);
            ns.must("ip", "addr", "add", host + "/30", "dev", hostLink);
            ns.must("ip", "link", "set", hostLink, "up");
            ns.must("ip", "-n", name, "addr", "add", peer + "/30", "dev", peerLink);
            ns.must("ip", "-n", name, "link", "set", peerLink, "up");
            ns.must("ip", "-n", name, "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** The command line that runs {@code command} inside the namespace. */
    public List<String> exec(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(command);
        return cmd;
    }

    /** Drops every packet in and out of the namespace: to the host, the peer has vanished without a FIN. */
    public void dropAllPackets() throws IOException, InterruptedException {
        if (firewall.equals("nft")) {
            must("ip", "netns", "exec", name, "nft", "add", "table", "inet", "rwdrop");
            must("ip", "netns", "exec", name, "nft", "add", "chain", "inet", "rwdrop", "in",
                    "{ type filter hook input priority 0 ; policy drop ; }");
            must("ip", "netns", "exec", name, "nft", "add", "chain", "inet", "rwdrop", "out",
                    "{ type filter hook output priority 0 ; policy drop ; }");
        } else {
            must("ip", "netns", "exec", name, "iptables", "-A", "INPUT", "-j", "DROP");
            must("ip", "netns", "exec", name, "iptables", "-A", "OUTPUT", "-j", "DROP");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("ip", "link", "del", hostLink); // takes its peer end with it
        run("ip", "netns", "del", name);
    }

    private void must(String... cmd) throws IOException, InterruptedException {
        Result r = run(cmd);
        if (!r.ok()) {
            throw new IOException(String.join(" ", cmd) + " failed (" + r.exit + "): " + r.output.strip());
        }
    }

    private static void requireOrSkip(boolean condition, String reason) {
        if (!condition) {
            System.err.println("SKIPPED (network namespace test): " + reason);
            Assumptions.abort(reason);
        }
    }

    private record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private static Result run(String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException notFound) {
            return new Result(127, notFound.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, "timed out: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), out);
    }
}
