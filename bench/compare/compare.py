#!/usr/bin/env python3
"""Compares servers side by side on loopback: ringwire's epoll and io_uring backends against a
plain C epoll server and Netty 4.2 (epoll and io_uring transports) as echo servers, then ringwire's
`http` against Netty's HttpServerCodec on GET /plaintext, driven by wrk. Run it through
bench/compare/run.sh (which builds what it needs); see bench/README.md for the method and how to
read the tables.

Each server is pinned to CPU 0 and the load generator to CPU 1. Runs of one scenario are
interleaved across the servers, the starting server rotating each round, and every figure is a
median over runs. A run during which other processes used more than NOISE_LIMIT of a CPU is
redone while the time budget allows; the raw file keeps every attempt.
"""

import argparse
import datetime
import json
import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass

import peers
import probes
import report

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LOADGEN = os.path.join(ROOT, "bench", "loadgen", "build", "loadgen")
SERVER_CPU, LOADGEN_CPU = 0, 1
NOISE_LIMIT = 0.20          # CPUs' worth of foreign work during a run that makes it noisy
MAX_ATTEMPTS = 8            # of one run, while it stays noisy and the waiting budget lasts
SIZE = 128
WRK_CONNS, WRK_THREADS = 256, 1
HTTP_PATH = "/plaintext"


@dataclass
class Scenario:
    name: str
    conns: int
    depth: int


SCENARIOS = [
    Scenario("echo 128 B, 1 conn", 1, 1),
    Scenario("echo 128 B, 100 conns", 100, 1),
    Scenario("echo 128 B, 1000 conns", 1000, 1),
    Scenario("pipeline 100 conns x 16", 100, 16),
]

PROFILES = {
    # runs per peer and scenario, measured seconds, warm-up seconds per run, server warm-up,
    # fixed-rate runs and seconds, strace seconds, idle connections, seconds that retries may use
    # http_runs / http_secs: wrk runs per HTTP peer and their length (-d); http_warmup: one
    # unrecorded wrk run per HTTP server first. extras: the strace and idle-memory phases.
    "full": dict(runs=5, secs=3, warmup=1, server_warmup=5, rate_runs=3, rate_secs=5,
                 strace_secs=3, idle_conns=10000, retry_budget=180, extras=True,
                 http_runs=5, http_secs=5, http_warmup=5),
    "quick": dict(runs=2, secs=1, warmup=0.5, server_warmup=2, rate_runs=1, rate_secs=2,
                  strace_secs=2, idle_conns=10000, retry_budget=10, extras=False,
                  http_runs=3, http_secs=3, http_warmup=4),
}
WRK_UNITS = {"us": 1.0, "ms": 1000.0, "s": 1e6, "m": 60e6}
STRACE_RATE = 5000          # req/s while strace is attached: low enough for a traced JVM
IDLE_SRC_ADDRS = 4          # 127.0.0.1-4 as sources, so 10,000 connections never run out of ports


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def parse_kv(line):
    out = {}
    for item in line.split():
        key, _, value = item.partition("=")
        try:
            out[key] = int(value)
        except ValueError:
            try:
                out[key] = float(value)
            except ValueError:
                out[key] = value
    return out


def children_cpu_s():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class Runner:
    def __init__(self, profile, out_dir, rate):
        self.p = profile
        self.out_dir = out_dir
        self.fixed_rate = rate
        self.servers = []
        self.raw = open(os.path.join(out_dir, "runs.jsonl"), "w")
        self.retry_left = profile["retry_budget"]
        self.discarded = 0

    def record(self, rec):
        self.raw.write(json.dumps(rec) + "\n")
        self.raw.flush()

    def loadgen(self, server, args, timeout):
        """Runs the load generator pinned to LOADGEN_CPU once, with the noise accounting."""
        argv = ["taskset", "-c", str(LOADGEN_CPU), LOADGEN, "--port", str(server.port),
                "--stat-pid", str(server.pid)] + [str(a) for a in args]
        return self._client(server, argv, timeout, lambda out: parse_kv(out[-1]) if out else {})

    def wrk(self, server, args, timeout):
        """Runs wrk pinned to LOADGEN_CPU once (args: the duration in s), with the noise accounting."""
        secs = args[0]
        argv = ["taskset", "-c", str(LOADGEN_CPU), "wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNS}", f"-d{secs}s",
                "--latency", f"http://127.0.0.1:{server.port}{HTTP_PATH}"]
        return self._client(server, argv, timeout, parse_wrk)

    def _client(self, server, argv, timeout, parse):
        peers_cpu0 = sum(probes.proc_cpu_s(s.pid) for s in self.servers)
        srv0 = probes.proc_cpu_s(server.pid)
        busy0, kids0, load0, t0 = probes.system_busy_s(), children_cpu_s(), probes.loadavg(), time.monotonic()
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        wall = time.monotonic() - t0
        srv_cpu_s = probes.proc_cpu_s(server.pid) - srv0
        foreign = (probes.system_busy_s() - busy0 - (children_cpu_s() - kids0)
                   - (sum(probes.proc_cpu_s(s.pid) for s in self.servers) - peers_cpu0)) / wall
        lines = proc.stdout.strip().splitlines()
        rec = parse(lines)
        if parse is parse_wrk:
            # wrk has no CPU fields: the server's share over the whole run (connect included).
            rec["srv_cpu"] = round(srv_cpu_s / wall, 2)
            if rec.get("requests"):
                rec["srv_cpu_us_per_req"] = round(srv_cpu_s * 1e6 / rec["requests"], 2)
            # A wrong answer, a failed connect or no result at all fails the run; read/write
            # errors and timeouts are kept in the record (socket_errors) but do not.
            if rec.get("non2xx") or rec.get("connect_errors") or "rps" not in rec:
                proc = subprocess.CompletedProcess(proc.args, proc.returncode or 1, proc.stdout, proc.stderr)
        rec.update(peer=server.spec.name, exit=proc.returncode, foreign_cpus=round(max(foreign, 0.0), 3),
                   loadavg_before=load0, loadavg_after=probes.loadavg(), wall_s=round(wall, 2))
        if proc.returncode != 0:
            rec["stderr"] = proc.stderr.strip()[-2000:]
            log(f"  {server.spec.name}: loadgen exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
        return rec

    def foreign_now(self, secs=0.5):
        """CPUs' worth of work by processes other than the servers, over the next `secs`."""
        peers0, busy0, t0 = sum(probes.proc_cpu_s(s.pid) for s in self.servers), probes.system_busy_s(), time.monotonic()
        time.sleep(secs)
        peers1, busy1 = sum(probes.proc_cpu_s(s.pid) for s in self.servers), probes.system_busy_s()
        return (busy1 - busy0 - (peers1 - peers0)) / (time.monotonic() - t0)

    def wait_quiet(self):
        """Waits, out of the retry budget, until other processes leave the CPUs (nearly) idle."""
        logged = False
        while True:
            t0 = time.monotonic()
            foreign = self.foreign_now()
            if foreign <= NOISE_LIMIT or self.retry_left <= 0:
                return
            self.retry_left -= time.monotonic() - t0
            if not logged:
                log(f"  waiting for other processes to leave the CPUs ({foreign:.2f} CPU busy; "
                    f"{self.retry_left:.0f} s of the budget for waiting and retries left)")
                logged = True

    def measured(self, kind, label, server, args, timeout, client=None):
        """One measured run; redone while it was noisy and the retry budget lasts."""
        client = client or self.loadgen
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self.wait_quiet()
            t0 = time.monotonic()
            rec = client(server, args, timeout)
            rec.update(kind=kind, scenario=label, attempt=attempt)
            rec["noisy"] = rec["foreign_cpus"] > NOISE_LIMIT
            retry = rec["noisy"] and self.retry_left > 0 and attempt < MAX_ATTEMPTS and rec["exit"] == 0
            rec["discarded"] = retry
            self.discarded += retry
            self.record(rec)
            if not retry:
                return rec
            self.retry_left -= time.monotonic() - t0
            log(f"  {server.spec.name}: noisy run (other processes used {rec['foreign_cpus']:.2f} CPU, "
                f"loadavg {rec['loadavg_before']}), doing it again")
            time.sleep(1)
        return rec

    def rotation(self, round_no):
        n = len(self.servers)
        return [self.servers[(round_no + i) % n] for i in range(n)]

    # -- the phases ---------------------------------------------------------------------------

    def start_servers(self, ringwire_root):
        for spec in peers.peer_specs(ROOT, ringwire_root):
            server = peers.start(spec, SERVER_CPU, self.out_dir)
            log(f"started {spec.name}: pid {server.pid}, port {server.port}, backend={server.backend}")
            self.servers.append(server)

    def warm_up(self):
        secs = self.p["server_warmup"]
        log(f"warming up every server: {secs} s of 100 connections each (JIT), not recorded")
        for server in self.servers:
            self.loadgen(server, ["--conns", 100, "--secs", secs, "--warmup", 0], secs + 30)

    def closed_loop(self):
        results = {}
        for sc in SCENARIOS:
            log(f"{sc.name}: {self.p['runs']} rounds of {self.p['warmup']} + {self.p['secs']} s per server")
            args = ["--mode", "closed", "--conns", sc.conns, "--depth", sc.depth, "--size", SIZE,
                    "--secs", self.p["secs"], "--warmup", self.p["warmup"]]
            for r in range(self.p["runs"]):
                for server in self.rotation(r):
                    rec = self.measured("closed", sc.name, server, args, self.p["secs"] + 60)
                    results.setdefault((sc.name, server.spec.name), []).append(rec)
                    log(f"  {server.spec.name:9} rps={rec.get('rps')} p99_us={rec.get('p99_us')} "
                        f"srv_cpu={rec.get('srv_cpu')} lg_cpu={rec.get('lg_cpu')} foreign={rec['foreign_cpus']}")
        return results

    def pick_rate(self, closed):
        """Half the slowest server's peak, rounded down to 10,000 req/s so that runs on the
        same machine usually land on the same rate and stay comparable. A server's peak is its
        best depth-1 run (the best, since other processes only ever make a run slower)."""
        if self.fixed_rate:
            return self.fixed_rate
        peaks = []
        for server in self.servers:
            runs = [r["rps"] for sc in SCENARIOS if sc.depth == 1
                    for r in closed.get((sc.name, server.spec.name), []) if r.get("exit") == 0]
            peaks.append(max(runs, default=0))
        return max(10000, int(0.5 * min(peaks)) // 10000 * 10000)

    def fixed_rate_runs(self, rate):
        log(f"fixed rate: {rate} req/s over 100 connections, {self.p['rate_runs']} rounds of "
            f"{self.p['warmup']} + {self.p['rate_secs']} s per server")
        args = ["--mode", "rate", "--rate", rate, "--conns", 100, "--size", SIZE,
                "--secs", self.p["rate_secs"], "--warmup", self.p["warmup"]]
        results = {}
        for r in range(self.p["rate_runs"]):
            for server in self.rotation(r):
                rec = self.measured("rate", f"fixed rate {rate}/s", server, args, self.p["rate_secs"] + 60)
                results.setdefault(server.spec.name, []).append(rec)
                log(f"  {server.spec.name:9} cpu_us_per_req={rec.get('srv_cpu_us_per_req')} "
                    f"p99_us={rec.get('p99_us')} foreign={rec['foreign_cpus']}")
        return results

    def syscalls(self):
        secs = self.p["strace_secs"]
        log(f"syscalls: strace -c -f attached during {secs} s at {STRACE_RATE} req/s per server")
        results = {}
        for server in self.servers:
            out = os.path.join(self.out_dir, f"strace-{server.spec.name}.txt")
            tracer = probes.Strace(server.pid, out)
            rec = self.loadgen(server, ["--mode", "rate", "--rate", STRACE_RATE, "--conns", 100,
                                        "--size", SIZE, "--secs", secs, "--warmup", 0], secs + 60)
            counts, total = tracer.finish()
            requests = rec.get("requests") or 0
            rec.update(kind="strace", scenario=f"strace at {STRACE_RATE}/s", syscalls=total, counts=counts,
                       syscalls_per_req=round(total / requests, 2) if requests else None)
            self.record(rec)
            results[server.spec.name] = rec
            log(f"  {server.spec.name:9} {total} syscalls / {requests} requests = {rec['syscalls_per_req']}")
        return results

    def idle_memory(self):
        conns = self.p["idle_conns"]
        log(f"memory: {conns} idle connections per server")
        results = {}
        for server in self.servers:
            before = probes.rss_kib(server.pid)
            argv = ["taskset", "-c", str(LOADGEN_CPU), LOADGEN, "--port", str(server.port), "--mode", "idle",
                    "--conns", str(conns), "--src-addrs", str(IDLE_SRC_ADDRS), "--hold", "120"]
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
            ready = proc.stdout.readline().strip()
            rec = {"kind": "idle", "peer": server.spec.name, "conns": conns, "rss_before_kib": before}
            if ready.startswith("ready"):
                time.sleep(1.0)     # let the server finish its bookkeeping for the last ones
                rec["rss_after_kib"] = probes.rss_kib(server.pid)
                rec["threads"] = probes.thread_count(server.pid)
                rec["kib_per_conn"] = round((rec["rss_after_kib"] - before) / conns, 2)
            out, err = proc.communicate(timeout=60)      # closing stdin ends the hold
            rec.update(parse_kv(out.strip().splitlines()[-1]) if out.strip() else {})
            rec["exit"] = proc.returncode
            if proc.returncode != 0:
                rec["stderr"] = err.strip()[-2000:]
                log(f"  {server.spec.name}: idle run failed: {err.strip()[-300:]}")
            self.record(rec)
            results[server.spec.name] = rec
            log(f"  {server.spec.name:9} RSS {before} -> {rec.get('rss_after_kib')} KiB: "
                f"{rec.get('kib_per_conn')} KiB per connection")
            time.sleep(1.0)         # the closes of 10,000 connections, before the next server
        return results

    def stop_servers(self):
        codes = {}
        for server in self.servers:
            codes[server.spec.name] = server.stop()
        self.servers = []
        return codes

    def http(self, ringwire_root):
        """ringwire http against Netty http on GET /plaintext, wrk -t1 -c256, interleaved rounds."""
        for spec in peers.http_peer_specs(ringwire_root):
            server = peers.start(spec, SERVER_CPU, self.out_dir, tag="http-")
            log(f"started http {spec.name}: pid {server.pid}, port {server.port}, backend={server.backend}")
            self.servers.append(server)
        secs = self.p["http_warmup"]
        log(f"http: warming up every server with {secs} s of wrk (JIT), not recorded")
        for server in self.servers:
            self.wrk(server, [secs], secs + 30)
        label = f"http {HTTP_PATH}, wrk -t{WRK_THREADS} -c{WRK_CONNS}"
        log(f"{label}: {self.p['http_runs']} rounds of {self.p['http_secs']} s per server")
        results = {}
        for r in range(self.p["http_runs"]):
            for server in self.rotation(r):
                rec = self.measured("http", label, server, [self.p["http_secs"]], self.p["http_secs"] + 60,
                                    client=self.wrk)
                results.setdefault(server.spec.name, []).append(rec)
                log(f"  {server.spec.name:14} rps={rec.get('rps')} p99_us={rec.get('p99_us')} "
                    f"srv_cpu={rec.get('srv_cpu')} foreign={rec['foreign_cpus']}")
        return results


def parse_wrk(lines):
    """Requests/sec, the latency percentiles (µs), requests and errors from wrk --latency."""
    rec = {}
    for line in lines:
        t = line.strip()
        m = re.match(r"^(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)$", t)
        if m:
            rec[f"p{m.group(1)}_us"] = round(float(m.group(2)) * WRK_UNITS[m.group(3)], 1)
        elif t.startswith("Requests/sec:"):
            rec["rps"] = float(t.split()[1])
        elif m := re.match(r"^(\d+) requests in ([\d.]+)(us|ms|s|m)", t):
            rec["requests"] = int(m.group(1))
        elif t.startswith("Socket errors:"):
            counts = dict(re.findall(r"(\w+) (\d+)", t))
            rec["socket_errors"] = sum(int(x) for x in counts.values())
            rec["connect_errors"] = int(counts.get("connect", 0))
        elif t.startswith("Non-2xx or 3xx responses:"):
            rec["non2xx"] = int(t.split(":")[1])
    return rec


def main():
    ap = argparse.ArgumentParser(description="Compares ringwire's echo server (epoll, io_uring) with a "
                                             "plain C epoll server on loopback. See bench/README.md.")
    ap.add_argument("--quick", action="store_true",
                    help="a short run (about 3 minutes; no strace or idle-memory phase), for a first look")
    ap.add_argument("--only", choices=("echo", "http"), default=None,
                    help="run only the echo comparison or only the HTTP one")
    ap.add_argument("--rate", type=int, default=0, help="the fixed rate in req/s (default: half the slowest peak)")
    ap.add_argument("--wait-budget", type=float, default=None,
                    help="seconds the run may spend waiting out other processes' load and redoing noisy "
                         "runs (default: 180 for a full run, 10 for --quick)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"), help="where the raw results go")
    args = ap.parse_args()
    name = "quick" if args.quick else "full"
    profile = dict(PROFILES[name])
    if args.wait_budget is not None:
        profile["retry_budget"] = args.wait_budget
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out_dir = os.path.join(args.out, f"{stamp}-{name}")
    os.makedirs(out_dir, exist_ok=True)

    info = probes.machine(ROOT)
    info.update(profile=name, started=stamp, loadavg_start=probes.loadavg(),
                command=" ".join(["bench/compare/run.sh"] + sys.argv[1:]))
    log(f"results go to {out_dir}; loadavg {info['loadavg_start']}")
    t0 = time.monotonic()
    runner = Runner(profile, out_dir, args.rate)
    try:
        snap = os.path.join(out_dir, "snapshot")
        info["cli_jar_sha256"] = peers.snapshot(ROOT, snap)
        info["cli_jar_built"] = datetime.datetime.fromtimestamp(
            os.path.getmtime(os.path.join(ROOT, "cli", "target", "ringwire-cli.jar"))).isoformat(timespec="seconds")
        closed, fixed, strace, memory, rate, http = {}, {}, {}, {}, None, {}
        if args.only != "http":
            runner.start_servers(snap)
            info["backends"] = {s.spec.name: s.backend for s in runner.servers}
            runner.warm_up()
            closed = runner.closed_loop()
            rate = runner.pick_rate(closed)
            fixed = runner.fixed_rate_runs(rate)
            if profile["extras"]:
                strace = runner.syscalls()
                memory = runner.idle_memory()
            info["server_exit_codes"] = runner.stop_servers()
        if args.only != "echo":
            http = runner.http(snap)
            info["http_backends"] = {s.spec.name: s.backend for s in runner.servers}
            info["http_server_exit_codes"] = runner.stop_servers()
    finally:
        runner.stop_servers()
        runner.raw.close()
    info.update(loadavg_end=probes.loadavg(), duration_s=round(time.monotonic() - t0),
                discarded_runs=runner.discarded, wait_budget_left_s=round(max(runner.retry_left, 0)))

    with open(os.path.join(out_dir, "machine.json"), "w") as f:
        json.dump(info, f, indent=2)
    echo_names = [p.name for p in peers.peer_specs(ROOT, snap)] if args.only != "http" else []
    http_names = [p.name for p in peers.http_peer_specs(snap)] if args.only != "echo" else []
    summary = report.summarize(SCENARIOS, echo_names, closed, rate, fixed, strace, memory)
    summary["http"] = report.summarize_http(http_names, http)
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    table = report.markdown(info, summary, profile, NOISE_LIMIT)
    with open(os.path.join(out_dir, "table.md"), "w") as f:
        f.write(table)
    print(table)
    log(f"done in {info['duration_s']} s; raw results in {out_dir}")
    failed = [r for runs in closed.values() for r in runs if r.get("exit") != 0]
    failed += [r for runs in fixed.values() for r in runs if r.get("exit") != 0]
    failed += [r for r in memory.values() if r.get("exit") != 0]
    failed += [r for runs in http.values() for r in runs if r.get("exit") != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
