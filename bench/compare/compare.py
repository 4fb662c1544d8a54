#!/usr/bin/env python3
"""Compares servers side by side on loopback (see bench/README.md for the method and how to read
the tables): echo, HTTP /plaintext and the frame protocol, served by ringwire (epoll, io_uring),
Netty 4.2 (epoll, io_uring, NIO), the plain JDK (NIO selector, virtual threads) and plain C
(epoll, io_uring), driven by bench/loadgen and wrk. Run it through bench/compare/run.sh.

Each server is pinned to CPU 0 and the load generator to CPU 1. Every peer is checked for correct
answers before it is measured. Runs of one scenario are interleaved across the peers, the starting
peer rotating each round, and every figure is a median over runs. A run during which other
processes used more than NOISE_LIMIT of a CPU is redone while the time budget allows; the raw
data keeps every attempt.
"""

import argparse
import datetime
import json
import os
import re
import resource
import socket
import subprocess
import sys
import time

import charts
import peers
import probes
import report
import scenarios as sc
import verify
from progress import Progress

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LOADGEN = os.path.join(ROOT, "bench", "loadgen", "build", "loadgen")
SERVER_CPU, LOADGEN_CPU = 0, 1
NOISE_LIMIT = 0.20          # CPUs' worth of foreign work during a run that makes it noisy
MAX_ATTEMPTS = 4            # of one run, while it stays noisy and the waiting budget lasts
WRK_UNITS = {"us": 1.0, "ms": 1000.0, "s": 1e6, "m": 60e6}
IDLE_CONNS_PER_SRC = 20000  # source addresses 127.0.0.x so that ephemeral ports never run out

progress = Progress(1)


def log(msg):
    progress.log(msg)


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
    def __init__(self, profile, out_dir, fixed_rate):
        self.p = profile
        self.out_dir = out_dir
        self.fixed_rate = fixed_rate
        self.servers = []
        self.records = []
        self.raw = open(os.path.join(out_dir, "runs.jsonl"), "w")
        self.retry_left = profile["retry_budget"]
        self.discarded = 0
        self.rejected = {}          # peer -> why its correctness check failed
        self.rates = {}             # scenario key -> the rate it ran at

    def record(self, rec):
        self.records.append(rec)
        self.raw.write(json.dumps(rec) + "\n")
        self.raw.flush()

    # -- one run -----------------------------------------------------------------------------

    def loadgen(self, server, args, timeout):
        argv = ["taskset", "-c", str(LOADGEN_CPU), LOADGEN, "--port", str(server.port),
                "--stat-pid", str(server.pid)] + [str(a) for a in args]
        return self._client(server, argv, timeout, lambda out: parse_kv(out[-1]) if out else {})

    def wrk(self, server, args, timeout):
        secs, conns = args
        argv = ["taskset", "-c", str(LOADGEN_CPU), "wrk", "-t1", f"-c{conns}", f"-d{secs}s",
                "--latency", f"http://127.0.0.1:{server.port}/plaintext"]
        return self._client(server, argv, timeout, parse_wrk)

    def _client(self, server, argv, timeout, parse):
        peers_cpu0 = sum(probes.proc_cpu_s(s.pid) for s in self.servers)
        srv0 = probes.proc_cpu_split(server.pid)
        busy0, kids0, load0, t0 = probes.system_busy_s(), children_cpu_s(), probes.loadavg(), time.monotonic()
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            proc = subprocess.CompletedProcess(argv, 124, e.stdout or "", f"timed out after {timeout} s")
        wall = time.monotonic() - t0
        srv1 = probes.proc_cpu_split(server.pid)
        foreign = (probes.system_busy_s() - busy0 - (children_cpu_s() - kids0)
                   - (sum(probes.proc_cpu_s(s.pid) for s in self.servers) - peers_cpu0)) / wall
        rec = parse((proc.stdout or "").strip().splitlines())
        if parse is parse_wrk:
            # wrk has no CPU fields: the server's share over the whole run (connects included).
            user, system = srv1[0] - srv0[0], srv1[1] - srv0[1]
            rec["srv_cpu"] = round((user + system) / wall, 2)
            if rec.get("requests"):
                per = 1e6 / rec["requests"]
                rec.update(srv_cpu_us_per_req=round((user + system) * per, 2),
                           srv_user_us_per_req=round(user * per, 2), srv_sys_us_per_req=round(system * per, 2))
            if rec.get("non2xx") or rec.get("connect_errors") or "rps" not in rec:
                proc = subprocess.CompletedProcess(proc.args, proc.returncode or 1, proc.stdout, proc.stderr)
        rec.update(peer=server.spec.name, exit=proc.returncode, foreign_cpus=round(max(foreign, 0.0), 3),
                   loadavg_before=load0, loadavg_after=probes.loadavg(), wall_s=round(wall, 2))
        if proc.returncode != 0:
            rec["stderr"] = (proc.stderr or "").strip()[-2000:]
            log(f"  {server.spec.name}: client exit {proc.returncode}: {(proc.stderr or '').strip()[-300:]}")
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

    def measured(self, scenario, server, args, timeout, client):
        """One measured run; redone while it was noisy and the retry budget lasts."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self.wait_quiet()
            t0 = time.monotonic()
            rec = client(server, args, timeout)
            rec.update(kind=scenario.kind, scenario=scenario.key, attempt=attempt)
            rec["noisy"] = rec["foreign_cpus"] > NOISE_LIMIT
            retry = rec["noisy"] and self.retry_left > 0 and attempt < MAX_ATTEMPTS and rec["exit"] == 0
            rec["discarded"] = retry
            self.discarded += retry
            self.record(rec)
            if not retry:
                return rec
            self.retry_left -= time.monotonic() - t0
            log(f"  {server.spec.name}: noisy run (other processes used {rec['foreign_cpus']:.2f} CPU), again")
        return rec

    # -- servers -----------------------------------------------------------------------------

    def start(self, specs, tag):
        """Starts the peers, checks each one's answers, and keeps those that answer right."""
        for spec in specs:
            try:
                server = peers.start(spec, SERVER_CPU, self.out_dir, tag=tag)
            except RuntimeError as e:
                self.rejected[f"{tag}{spec.name}"] = str(e)
                log(f"  {spec.name}: not started: {e}")
                continue
            why = verify.check(spec.proto, server.port)
            if why:
                self.rejected[f"{tag}{spec.name}"] = why
                log(f"  {spec.name}: FAILED its {spec.proto} check, left out: {why}")
                server.stop()
                continue
            log(f"started {tag}{spec.name}: pid {server.pid}, port {server.port}, backend={server.backend}; "
                f"{spec.proto} check passed")
            self.servers.append(server)

    def revive(self, server):
        """A peer that died (or that something outside the runner stopped) is started again,
        checked and warmed up, so one lost process does not empty a column for the rest of the run."""
        code = server.proc.poll()
        log(f"  {server.spec.name}: the server is gone (exit {code}; see {server.log_path}); starting it again")
        server.stop()                   # reaps it and closes its log and pipe
        self.servers.remove(server)
        tag = os.path.basename(server.log_path)[len("server-"):-len(f"{server.spec.name}.log")]
        before = len(self.servers)
        self.start([server.spec], tag)
        if len(self.servers) == before:
            return None
        fresh = self.servers[-1]
        self.warm_up(server.spec.proto, [fresh])
        self.record({"kind": "restart", "peer": server.spec.name, "exit_before": code})
        return fresh

    def warm_up(self, proto, servers=None):
        secs = self.p["server_warmup"]
        progress.set_step(f"warming up ({proto})")
        for server in servers or self.servers:
            depth = 1 if proto == "echo" else 16
            self.loadgen(server, ["--proto", proto, "--conns", 100, "--depth", depth, "--secs", secs,
                                  "--warmup", 0], secs + 30)

    def stop_servers(self):
        codes = {s.spec.name: s.stop() for s in self.servers}
        self.servers = []
        return codes

    # -- scenarios ---------------------------------------------------------------------------

    def rate_of(self, scenario):
        if scenario.rate == "fixed":
            return self.fixed_rate
        _, share = scenario.rate
        peak = max((r["rps"] for r in self.records if r.get("scenario") == sc.PEAK_KEY and r.get("exit") == 0
                    and not r.get("discarded") and r.get("rps")), default=0)
        return max(1000, int(share * peak) // 1000 * 1000)

    def run_scenario(self, scenario, servers):
        p = self.p
        if scenario.kind == "wrk":
            args, client, timeout = [p["wrk_secs"], scenario.conns], self.wrk, p["wrk_secs"] + 60
        else:
            args = ["--proto", scenario.proto, "--conns", scenario.conns, "--size", scenario.size,
                    "--secs", p["secs"], "--warmup", p["warmup"]]
            if scenario.kind == "rate":
                rate = self.rate_of(scenario)
                self.rates[scenario.key] = rate
                args = ["--mode", "rate", "--rate", rate] + args
            else:
                args = ["--mode", "closed", "--depth", scenario.depth] + args
            if scenario.spin:
                args.append("--busy-poll")
            client, timeout = self.loadgen, p["secs"] + p["warmup"] + 90
        title = scenario.title.format(rate=f"{self.rates.get(scenario.key, 0):,}")
        log(f"{title}: {p['runs']} round(s) per server")
        for r in range(p["runs"]):
            for i in range(len(servers)):
                server = servers[(r + i) % len(servers)]
                if not server.alive():
                    server = servers[(r + i) % len(servers)] = self.revive(server) or server
                    if not server.alive():
                        progress.advance()
                        continue
                progress.set_step(f"{scenario.key} {server.spec.name}")
                rec = self.measured(scenario, server, args, timeout, client)
                progress.advance()
                log(f"  {server.spec.name:14} rps={rec.get('rps')} p99_us={rec.get('p99_us')} "
                    f"cpu_us/req={rec.get('srv_cpu_us_per_req')} (user {rec.get('srv_user_us_per_req')}) "
                    f"srv_cpu={rec.get('srv_cpu')} lg_cpu={rec.get('lg_cpu')} foreign={rec['foreign_cpus']}")

    def suite(self, name, specs, scenarios):
        if not scenarios:
            return
        log(f"== {name}: starting {len(specs)} servers")
        self.start(specs, f"{name}-")
        self.warm_up(scenarios[0].proto)
        for scenario in scenarios:
            self.run_scenario(scenario, list(self.servers))
        self.stop_servers()

    def busy_poll(self, specs, scenarios):
        """Each busy-poll peer alone (it spins CPU 0), for the ping-pong scenario."""
        if not scenarios:
            return
        for spec in specs:
            self.start([spec], "echo-")
            if self.servers:
                self.warm_up("echo")
                for scenario in scenarios:
                    self.run_scenario(scenario, list(self.servers))
            self.stop_servers()

    def idle(self, specs, counts):
        """Memory per idle connection and the server's CPU while they sit idle."""
        if not counts:
            return
        log(f"== idle connections: {', '.join(f'{c:,}' for c in counts)} per server")
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        self.start(specs, "idle-")
        for server in list(self.servers):
            for conns in counts:
                progress.set_step(f"idle {conns} {server.spec.name}")
                if soft < conns + 1000:
                    log(f"  {conns} idle connections need {conns + 1000} descriptors; the limit is {soft}: skipped")
                    progress.advance()
                    continue
                self.wait_quiet()
                rec = self.idle_run(server, conns)
                progress.advance()
                self.record(rec)
                log(f"  {server.spec.name:22} {conns:>7,} conns: {rec.get('kib_per_conn')} KiB/conn, "
                    f"idle CPU {rec.get('idle_cpu')} ({rec.get('rss_before_kib')} -> {rec.get('rss_after_kib')} KiB)")
        self.stop_servers()

    def idle_run(self, server, conns):
        before = probes.rss_kib(server.pid)
        src = conns // IDLE_CONNS_PER_SRC + 1
        argv = ["taskset", "-c", str(LOADGEN_CPU), LOADGEN, "--port", str(server.port), "--mode", "idle",
                "--conns", str(conns), "--src-addrs", str(src), "--hold", "300"]
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = proc.stdout.readline().strip()
        rec = {"kind": "idle", "scenario": f"idle-{conns}", "peer": server.spec.name, "conns": conns,
               "rss_before_kib": before, "src_addrs": src}
        if ready.startswith("ready"):
            time.sleep(1.0)     # let the server finish its bookkeeping for the last ones
            rec["rss_after_kib"] = probes.rss_kib(server.pid)
            rec["threads"] = probes.thread_count(server.pid)
            rec["kib_per_conn"] = round((rec["rss_after_kib"] - before) / conns, 2)
            if self.p["idle_secs"]:
                u0, s0, w0 = *probes.proc_cpu_split(server.pid), probes.wakeups(server.pid)
                time.sleep(self.p["idle_secs"])
                u1, s1, w1 = *probes.proc_cpu_split(server.pid), probes.wakeups(server.pid)
                rec.update(idle_cpu=round((u1 - u0 + s1 - s0) / self.p["idle_secs"], 4),
                           idle_user_s=round(u1 - u0, 3), idle_sys_s=round(s1 - s0, 3),
                           idle_wakeups_per_s=round((w1 - w0) / self.p["idle_secs"], 1))
        try:
            out, err = proc.communicate(timeout=120)      # closing stdin ends the hold
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        rec.update(parse_kv(out.strip().splitlines()[-1]) if out.strip() else {})
        rec["exit"] = proc.returncode
        if proc.returncode != 0:
            rec["stderr"] = err.strip()[-2000:]
            log(f"  {server.spec.name}: idle run failed: {err.strip()[-300:]}")
        time.sleep(2.0 if conns > 20000 else 1.0)   # the closes, before the next one
        return rec


def write_report(info, scenarios, records, rates, out_dir, raw_path=None):
    """Summary, goals, charts and table.md of a run's records (and its raw JSON, if raw_path)."""
    summary = report.summarize(scenarios, records, rates)
    goals = report.goals(summary)
    if raw_path:
        with open(raw_path, "w") as f:
            json.dump({"machine": info, "summary": summary, "goals": goals, "runs": records}, f, indent=1)
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump({"machine": info, "summary": summary, "goals": goals}, f, indent=2)
    chart_files = charts.render(summary, out_dir, log)
    table = report.markdown(info, summary, goals, chart_files, NOISE_LIMIT)
    with open(os.path.join(out_dir, "table.md"), "w") as f:
        f.write(table)
    print(table)


def report_again(raw_path, out_dir):
    """The report of an earlier run, from its raw JSON: its scenarios, in this version's order."""
    with open(raw_path) as f:
        raw = json.load(f)
    ran = {r.get("scenario") for r in raw["runs"]}
    scenarios = [s for s in sc.ECHO + sc.HTTP + sc.FRAME if s.key in ran]
    os.makedirs(out_dir, exist_ok=True)
    write_report(raw["machine"], scenarios, raw["runs"], raw["machine"].get("rates", {}), out_dir)
    return 0


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
    # run.sh checks the arguments before it builds or installs anything: a typo or --help
    # should not wait for either.
    check_only = "--check-args" in sys.argv[1:]
    argv = [a for a in sys.argv[1:] if a != "--check-args"]
    ap = argparse.ArgumentParser(prog="ringwire bench", description="Compares ringwire with Netty, the plain JDK and plain C on "
                                             "loopback. See bench/README.md.")
    ap.add_argument("--quick", action="store_true", help="the smoke run: about 2 minutes, one run per scenario")
    ap.add_argument("--only", choices=("echo", "http", "frame", "idle"), action="append",
                    help="run only these suites (repeatable)")
    ap.add_argument("--scenarios", type=lambda v: [k for k in v.split(",") if k], default=None,
                    metavar="KEY[,KEY...]", help="run only these scenarios of the chosen suites (keys as in "
                    "the report, e.g. rate-fixed-100,rate-fixed-1000); the idle phase runs only with --only idle")
    ap.add_argument("--rate", type=int, default=120000, help="the fixed rate in req/s (default 120000)")
    ap.add_argument("--runs", type=int, default=None, help="interleaved rounds per scenario (full: 3)")
    ap.add_argument("--wait-budget", type=float, default=None,
                    help="seconds the run may spend waiting out other processes' load and redoing noisy runs")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"), help="where the raw results go")
    ap.add_argument("--report-from", metavar="RAW.json", help="run nothing: write the report (table.md, charts) of "
                    "an earlier run again from its raw data, into --out, with this version's report and goals")
    args = ap.parse_args(argv)
    unknown = sorted(set(args.scenarios or ()) - {s.key for s in sc.ECHO + sc.HTTP + sc.FRAME})
    if unknown:
        ap.error(f"--scenarios: unknown scenario {', '.join(unknown)} (known: "
                 f"{', '.join(s.key for s in sc.ECHO + sc.HTTP + sc.FRAME)})")
    if check_only:
        return
    if args.report_from:
        return report_again(args.report_from, args.out)
    name = "quick" if args.quick else "full"
    profile = dict(sc.PROFILES[name])
    if args.wait_budget is not None:
        profile["retry_budget"] = args.wait_budget
    if args.runs:
        profile["runs"] = args.runs
    # --scenarios without --only picks its suites from the keys, and leaves the idle phase out.
    only = set(args.only or ("echo", "http", "frame") if args.scenarios else args.only or ("echo", "http", "frame", "idle"))
    keys = args.scenarios
    if keys and any(s.key in keys and isinstance(s.rate, tuple) for s in sc.ECHO) and sc.PEAK_KEY not in keys:
        keys = keys + [sc.PEAK_KEY]     # a share of the peak needs the peak measured in the same run
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    host = socket.gethostname().split(".")[0]
    out_dir = os.path.join(args.out, f"{stamp}-{host}-{name}")
    os.makedirs(out_dir, exist_ok=True)

    # The servers start from a copy of the build, so a rebuild during the run changes nothing.
    snap = os.path.join(out_dir, "snapshot")
    cli_sha = peers.snapshot(ROOT, snap)
    echo = sc.selected(sc.ECHO, args.quick, keys) if "echo" in only else []
    busy = sc.selected(sc.BUSY, args.quick, keys) if "echo" in only else []
    http = sc.selected(sc.HTTP, args.quick, keys) if "http" in only else []
    frame = sc.selected(sc.FRAME, args.quick, keys) if "frame" in only else []
    idle_counts = profile["idle_conns"] if "idle" in only else ()
    echo_specs = peers.peer_specs(ROOT, snap)
    idle_specs = echo_specs + peers.idle_timeout_specs(snap)
    planned = profile["runs"] * (len(echo) * len(echo_specs) + len(busy) * 2 + len(http) * len(peers.http_peer_specs(snap))
                                 + len(frame) * len(peers.frame_peer_specs(snap))) + len(idle_counts) * len(idle_specs)
    global progress
    progress = Progress(planned)

    info = probes.machine(ROOT)
    info.update(profile=name, started=stamp, host=host, loadavg_start=probes.loadavg(), fixed_rate=args.rate,
                command=" ".join(["bench/compare/run.sh"] + sys.argv[1:]), settings=profile)
    log(f"results go to {out_dir}; loadavg {info['loadavg_start']}; {planned} runs planned")
    t0 = time.monotonic()
    runner = Runner(profile, out_dir, args.rate)
    try:
        info["cli_jar_sha256"] = cli_sha
        info["cli_jar_built"] = datetime.datetime.fromtimestamp(
            os.path.getmtime(os.path.join(ROOT, "cli", "target", "ringwire-cli.jar"))).isoformat(timespec="seconds")
        runner.suite("echo", echo_specs, echo)
        runner.busy_poll(peers.busy_poll_specs(snap), busy)
        runner.suite("http", peers.http_peer_specs(snap), http)
        runner.suite("frame", peers.frame_peer_specs(snap), frame)
        runner.idle(idle_specs, idle_counts)
    finally:
        runner.stop_servers()
        runner.raw.close()
        progress.finish()
    info.update(loadavg_end=probes.loadavg(), duration_s=round(time.monotonic() - t0),
                discarded_runs=runner.discarded, wait_budget_left_s=round(max(runner.retry_left, 0)),
                rejected_peers=runner.rejected, rates=runner.rates)

    all_scenarios = echo + http + frame
    raw_path = os.path.join(args.out, f"{stamp}-{host}.json")
    write_report(info, all_scenarios, runner.records, runner.rates, out_dir, raw_path)
    log(f"done in {info['duration_s']} s; raw data {raw_path}; table and charts in {out_dir}")
    failed = [r for r in runner.records if r.get("exit") not in (0, None) and not r.get("discarded")]
    return 1 if failed or runner.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
