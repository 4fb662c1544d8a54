"""The servers under comparison ("peers"): how to start one pinned to a CPU, find its port from
its ready line, and stop it.

Every peer prints the ready line of the CLI contract as its first line on stdout:
``listening echo|http|frame HOST:PORT backend=B threads=N``.
"""

import hashlib
import os
import re
import select
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field

READY = re.compile(r"^listening (?:echo|http|frame) (\S+):(\d+) backend=(\S+) threads=(\d+)$")


@dataclass
class PeerSpec:
    name: str                 # the column name in the tables
    argv: list                # the command, without the taskset prefix
    java: bool = False
    proto: str = "echo"       # what it serves: echo, http or frame (the correctness check and loadgen --proto)


BENCH_JAR = "bench/target/benchmarks.jar"     # carries io.ringwire.bench.peers.NettyServer and Netty


def java_argv(ringwire_root):
    """The java command with the flags that keep a JVM on JDK 23+ free of warnings, as bin/ringwire."""
    find_jdk = os.path.join(ringwire_root, "bin", "find-jdk")
    jdk = subprocess.run([find_jdk], capture_output=True, text=True, check=True).stdout.strip()
    feature = int(subprocess.run([find_jdk, "--feature"], capture_output=True, text=True, check=True).stdout.strip())
    flags = ["--enable-native-access=ALL-UNNAMED"]
    if feature >= 23:
        flags.append("--sun-misc-unsafe-memory-access=allow")
    return [os.path.join(jdk, "bin", "java")] + flags


def netty_spec(name, ringwire_root, mode, transport):
    return PeerSpec(name, java_argv(ringwire_root) + [
        "-cp", os.path.join(ringwire_root, BENCH_JAR), "io.ringwire.bench.peers.NettyServer",
        "--mode", mode, "--transport", transport, "--port", "0"], java=True, proto=mode)


def jdk_spec(name, ringwire_root, mode, main_class):
    """A plain-JDK peer (JdkNioServer or VirtualThreadServer in bench/src/.../peers)."""
    return PeerSpec(name, java_argv(ringwire_root) + [
        "-cp", os.path.join(ringwire_root, BENCH_JAR), f"io.ringwire.bench.peers.{main_class}",
        "--mode", mode, "--port", "0"], java=True, proto=mode)


def ringwire_spec(name, ringwire_root, command, backend, *extra):
    ringwire = os.path.join(ringwire_root, "bin", "ringwire")
    return PeerSpec(name, [ringwire, command, "--backend", backend, "--port", "0", *extra], java=True, proto=command)


def snapshot(root, dest):
    """Copies bin/ringwire, bin/find-jdk, the CLI jar (which carries libringwire.so) and the
    bench jar (the Netty peers) to `dest`, laid out as in the tree, and returns the CLI jar's
    sha256.

    Other work may rebuild cli/target while a comparison runs; the servers start from this
    copy, so every run of one comparison measures the same build, with the real launcher.
    """
    os.makedirs(os.path.join(dest, "bin"), exist_ok=True)
    os.makedirs(os.path.join(dest, "cli", "target"), exist_ok=True)
    os.makedirs(os.path.join(dest, "bench", "target"), exist_ok=True)
    for rel in ("bin/ringwire", "bin/find-jdk", "cli/target/ringwire-cli.jar", BENCH_JAR):
        shutil.copy2(os.path.join(root, rel), os.path.join(dest, rel))
    with open(os.path.join(dest, "cli", "target", "ringwire-cli.jar"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def peer_specs(root, ringwire_root):
    """The echo peers in table order: the C references (epoll, io_uring), ringwire's two backends,
    Netty 4.2's epoll, io_uring and NIO transports (bench/src/.../peers/NettyServer.java), then the
    plain JDK servers: an NIO selector and virtual threads with blocking sockets.
    `ringwire_root` holds bin/ringwire and its jar (the tree itself, or a snapshot of it)."""
    cserver = os.path.join(root, "bench", "cserver", "build")
    return [
        PeerSpec("c", [os.path.join(cserver, "echo_server"), "--port", "0"]),
        PeerSpec("c-io_uring", [os.path.join(cserver, "uring_echo_server"), "--port", "0"]),
        ringwire_spec("epoll", ringwire_root, "echo", "epoll"),
        ringwire_spec("io_uring", ringwire_root, "echo", "io_uring"),
        netty_spec("netty-epoll", ringwire_root, "echo", "epoll"),
        netty_spec("netty-io_uring", ringwire_root, "echo", "io_uring"),
        netty_spec("netty-nio", ringwire_root, "echo", "nio"),
        jdk_spec("jdk-nio", ringwire_root, "echo", "JdkNioServer"),
        jdk_spec("jdk-vthreads", ringwire_root, "echo", "VirtualThreadServer"),
    ]


def busy_poll_specs(ringwire_root):
    """ringwire's echo in busy-poll mode: each spins CPU 0, so they run alone, one after another."""
    return [ringwire_spec("epoll-busy", ringwire_root, "echo", "epoll", "--busy-poll"),
            ringwire_spec("io_uring-busy", ringwire_root, "echo", "io_uring", "--busy-poll")]


def idle_timeout_specs(ringwire_root, timeout="10m"):
    """ringwire's echo with --idle-timeout (longer than the idle phase, so nothing is closed):
    what the idle-timeout bookkeeping costs in memory and in CPU while the connections sit idle."""
    return [ringwire_spec("epoll+idle-timeout", ringwire_root, "echo", "epoll", "--idle-timeout", timeout),
            ringwire_spec("io_uring+idle-timeout", ringwire_root, "echo", "io_uring", "--idle-timeout", timeout)]


def http_peer_specs(ringwire_root):
    """The HTTP /plaintext peers: ringwire's two backends, Netty's (HttpServerCodec) three, the JDK's two."""
    return [
        ringwire_spec("epoll", ringwire_root, "http", "epoll"),
        ringwire_spec("io_uring", ringwire_root, "http", "io_uring"),
        netty_spec("netty-epoll", ringwire_root, "http", "epoll"),
        netty_spec("netty-io_uring", ringwire_root, "http", "io_uring"),
        netty_spec("netty-nio", ringwire_root, "http", "nio"),
        jdk_spec("jdk-nio", ringwire_root, "http", "JdkNioServer"),
        jdk_spec("jdk-vthreads", ringwire_root, "http", "VirtualThreadServer"),
    ]


def frame_peer_specs(ringwire_root):
    """The frame-protocol peers: ringwire's `frame` on both backends, and Netty's stock
    LengthFieldBasedFrameDecoder + CRC32 (bench/src/.../peers/FrameHandler.java) on three."""
    return [
        ringwire_spec("epoll", ringwire_root, "frame", "epoll"),
        ringwire_spec("io_uring", ringwire_root, "frame", "io_uring"),
        netty_spec("netty-epoll", ringwire_root, "frame", "epoll"),
        netty_spec("netty-io_uring", ringwire_root, "frame", "io_uring"),
        netty_spec("netty-nio", ringwire_root, "frame", "nio"),
    ]


@dataclass
class Server:
    spec: PeerSpec
    proc: subprocess.Popen
    port: int
    backend: str
    log_path: str
    log: object = field(repr=False)

    @property
    def pid(self):
        # taskset and bin/ringwire both exec, so the child's pid is the server's (the JVM's).
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=15):
        """SIGTERM (a graceful shutdown), then SIGKILL after `timeout`; returns the exit code."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if self.proc.stdout:
            self.proc.stdout.close()
        return self.proc.returncode


def start(spec, cpu, log_dir, timeout=60, tag=""):
    """Starts a peer pinned to `cpu` and waits for its ready line (at most `timeout` seconds)."""
    log_path = os.path.join(log_dir, f"server-{tag}{spec.name}.log")
    log = open(log_path, "a")           # a restarted peer keeps what its predecessor said
    proc = subprocess.Popen(["taskset", "-c", str(cpu)] + spec.argv, stdout=subprocess.PIPE,
                            stderr=log, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    line = b""
    while time.monotonic() < deadline and not line.endswith(b"\n"):
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 1)
            if not chunk:
                break
            line += chunk
        elif proc.poll() is not None:
            break
    match = READY.match(line.decode(errors="replace").strip())
    if not match:
        proc.kill()
        proc.wait()
        log.close()
        raise RuntimeError(f"peer {spec.name} printed no ready line within {timeout} s "
                           f"(got {line!r}); see {log_path}")
    return Server(spec, proc, int(match.group(2)), match.group(3), log_path, log)
