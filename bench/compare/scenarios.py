"""What the comparison measures: the scenarios of each suite and the run profiles (full, quick).

A scenario is run by every peer of its suite, interleaved (A B C, then B C A, ...), and reported
as the median over its runs. See bench/README.md for why each one is there.
"""

from dataclasses import dataclass


@dataclass
class Scenario:
    key: str                  # short id, used in the raw data and the charts
    title: str
    kind: str                 # closed (loadgen), rate (loadgen open loop) or wrk
    proto: str = "echo"
    conns: int = 100
    depth: int = 1
    size: int = 128
    rate: object = None       # rate: req/s, or ("peak", share): a share of the measured peak
    spin: bool = False        # the load generator busy-polls (loadgen --busy-poll)
    quick: bool = False       # part of the --quick smoke run too


# The machine's peak for the fixed-rate shares: the best median of this scenario over all peers.
PEAK_KEY = "echo-100"

ECHO = [
    Scenario("echo-1", "echo 128 B, 1 conn (ping-pong round trip)", "closed", conns=1, quick=True),
    Scenario("echo-1-spin", "echo 128 B, 1 conn, load generator busy-polling (server-side round trip)", "closed",
             conns=1, spin=True, quick=True),
    Scenario("echo-100", "echo 128 B, 100 conns", "closed", conns=100, quick=True),
    Scenario("echo-1000", "echo 128 B, 1000 conns", "closed", conns=1000),
    Scenario("echo4k-100", "echo 4 KiB, 100 conns", "closed", conns=100, size=4096),
    Scenario("bulk-4", "bulk streaming, 1 MiB writes, 4 conns x 2 outstanding", "closed", conns=4, depth=2,
             size=1 << 20),
    Scenario("rate-fixed-100", "fixed rate {rate} req/s, 100 conns", "rate", conns=100, rate="fixed", quick=True),
    Scenario("rate-fixed-1000", "fixed rate {rate} req/s, 1000 conns", "rate", conns=1000, rate="fixed"),
    Scenario("rate-peak50-100", "fixed rate 50% of peak ({rate} req/s), 100 conns", "rate", conns=100,
             rate=("peak", 0.5)),
    Scenario("rate-peak90-100", "fixed rate 90% of peak ({rate} req/s), 100 conns", "rate", conns=100,
             rate=("peak", 0.9)),
]

# Busy-poll peers spin CPU 0, so they run alone after the others, in this scenario only.
BUSY = [s for s in ECHO if s.key in ("echo-1", "echo-1-spin")]

HTTP = [
    Scenario("http-pipe16", "HTTP /plaintext, 100 conns x 16 pipelined", "closed", proto="http", conns=100,
             depth=16, quick=True),
    Scenario("http-wrk256", "HTTP /plaintext, wrk -t1 -c256", "wrk", proto="http", conns=256),
]

FRAME = [
    Scenario("frame-pipe16", "frame protocol ECHO 128 B, 100 conns x 16 pipelined", "closed", proto="frame",
             conns=100, depth=16, quick=True),
]

PROFILES = {
    # runs: interleaved rounds per scenario; secs/warmup: measured and unrecorded seconds per run;
    # server_warmup: seconds of load per server after start (JIT), not recorded; idle_conns: the
    # idle-memory phase's connection counts; idle_secs: how long the idle CPU is measured;
    # retry_budget: seconds that waiting out foreign load and redoing noisy runs may use.
    "full": dict(runs=3, secs=2, warmup=1, server_warmup=4, idle_conns=(10000, 100000), idle_secs=5,
                 retry_budget=300, wrk_secs=4),
    "quick": dict(runs=1, secs=1, warmup=0.5, server_warmup=2, idle_conns=(), idle_secs=0,
                  retry_budget=10, wrk_secs=2),
}


def selected(scenarios, quick, only_keys=None):
    out = [s for s in scenarios if s.quick or not quick]
    if only_keys:
        out = [s for s in out if s.key in only_keys]
    return out
