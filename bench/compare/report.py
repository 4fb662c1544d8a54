"""Medians, ratios to Netty epoll, the issue's goals checked against the data, and the Markdown
report of a comparison run."""

import statistics

BASE = "netty-epoll"        # every table gives each peer's ratio to this one
KEYS = ("rps", "mib_s", "p50_us", "p90_us", "p99_us", "p999_us", "srv_cpu", "srv_cpu_us_per_req",
        "srv_user_us_per_req", "srv_sys_us_per_req", "lg_cpu", "send_lag_p99_us", "unanswered")
# An open-loop run whose load generator queued requests later than this (p99) did not offer the
# rate it was asked for (it was starved of CPU, or at its own limit): its figures are unsound.
MAX_SEND_LAG_US = 1000
# ringwire peer -> the Netty peer and the C reference on the same kernel interface
SAME_BACKEND = {"epoll": ("netty-epoll", "c"), "io_uring": ("netty-io_uring", "c-io_uring")}


def _usable(recs):
    """The runs a median is taken over: the clean ones, or every good run if none was clean."""
    ok = [r for r in recs if r.get("exit") == 0 and not r.get("discarded")]
    clean = [r for r in ok if not r.get("noisy")]
    return clean or ok


def _median(recs, key):
    values = [r[key] for r in _usable(recs) if isinstance(r.get(key), (int, float))]
    return statistics.median(values) if values else None


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def summarize(scenarios, records, rates):
    out = {"scenarios": [], "idle": {}}
    for s in scenarios:
        recs = [r for r in records if r.get("scenario") == s.key]
        names = list(dict.fromkeys(r["peer"] for r in recs))
        row = {"key": s.key, "title": s.title.format(rate=f"{rates.get(s.key, 0):,}"), "kind": s.kind,
               "proto": s.proto, "conns": s.conns, "depth": s.depth, "size": s.size, "rate": rates.get(s.key),
               "peers": {}}
        for n in names:
            mine = [r for r in recs if r["peer"] == n and not r.get("discarded")]
            used = _usable(mine)
            rps = [r["rps"] for r in used if r.get("rps")]
            row["peers"][n] = {"runs": len(mine), "failed": sum(1 for r in mine if r.get("exit") != 0),
                               "noisy": sum(1 for r in mine if r.get("exit") == 0 and r.get("noisy")),
                               "spread": round((max(rps) - min(rps)) / statistics.median(rps), 2) if rps else None,
                               **{k: _median(mine, k) for k in KEYS}}
        base = row["peers"].get(BASE, {})
        for v in row["peers"].values():
            v["rps_vs_base"] = _ratio(v.get("rps"), base.get("rps"))
            v["cpu_vs_base"] = _ratio(v.get("srv_cpu_us_per_req"), base.get("srv_cpu_us_per_req"))
            v["p99_vs_base"] = _ratio(v.get("p99_us"), base.get("p99_us"))
        out["scenarios"].append(row)
    for r in records:
        if r.get("kind") == "idle":
            out["idle"].setdefault(str(r["conns"]), {})[r["peer"]] = {
                k: r.get(k) for k in ("rss_before_kib", "rss_after_kib", "kib_per_conn", "threads", "idle_cpu",
                                      "idle_user_s", "idle_sys_s", "idle_wakeups_per_s", "exit")}
    return out


def _scenario(summary, key):
    return next((s for s in summary["scenarios"] if s["key"] == key), None)


def _get(summary, key, peer, field):
    s = _scenario(summary, key)
    return (s or {}).get("peers", {}).get(peer, {}).get(field)


def goals(summary):
    """The goals of the issue, each with the measured ratio and whether it was met."""
    rows = []

    def add(goal, where, value, target, met, field=None):
        """`field`: for a goal that compares ringwire with Netty on one measure, the measure, so that
        the plain C server of the same backend is held to the same target. Where C misses it too,
        the goal asks for less than the kernel path itself costs on this machine."""
        key, _, rest = where.partition(" ")
        names = [rest.split()[0]] + [SAME_BACKEND.get(rest.split()[0], ("",))[0]] if rest else []
        lags = [_get(summary, key, n, "send_lag_p99_us") or 0 for n in names]
        verdict = "n/a" if value is None else ("met" if met(value) else "missed")
        netty, c = SAME_BACKEND.get(names[0] if names else "", (None, None))
        c_value = _ratio(_get(summary, key, c, field), _get(summary, key, netty, field)) if field and c else None
        if verdict == "missed" and c_value is not None and not met(c_value):
            verdict = "missed; plain C misses it too"
        if value is not None and max(lags, default=0) > MAX_SEND_LAG_US:
            verdict = f"unsound ({verdict}; load generator {max(lags) / 1000:.1f} ms behind schedule)"
        rows.append({"goal": goal, "where": where, "value": value, "c_value": c_value, "target": target,
                     "verdict": verdict})

    for key in ("rate-fixed-100", "rate-fixed-1000"):
        for rw, (netty, c) in SAME_BACKEND.items():
            add("CPU/req, user time vs Netty", f"{key} {rw}",
                _ratio(_get(summary, key, rw, "srv_user_us_per_req"), _get(summary, key, netty, "srv_user_us_per_req")),
                "<= 0.70", lambda v: v <= 0.70, "srv_user_us_per_req")
            add("CPU/req, total vs Netty", f"{key} {rw}",
                _ratio(_get(summary, key, rw, "srv_cpu_us_per_req"), _get(summary, key, netty, "srv_cpu_us_per_req")),
                "<= 0.90", lambda v: v <= 0.90, "srv_cpu_us_per_req")
            add("CPU/req, total vs plain C", f"{key} {rw} vs {c}",
                _ratio(_get(summary, key, rw, "srv_cpu_us_per_req"), _get(summary, key, c, "srv_cpu_us_per_req")),
                "<= 1.15", lambda v: v <= 1.15)
    for key in ("echo-100", "echo-1000", "echo4k-100", "bulk-4", "frame-pipe16"):
        for rw, (netty, _) in SAME_BACKEND.items():
            add("throughput vs Netty", f"{key} {rw}",
                _ratio(_get(summary, key, rw, "rps"), _get(summary, key, netty, "rps")), ">= 1.00", lambda v: v >= 1.0,
                "rps")
    for rw, (netty, _) in SAME_BACKEND.items():
        add("HTTP pipelined 16, throughput vs Netty", f"http-pipe16 {rw}",
            _ratio(_get(summary, "http-pipe16", rw, "rps"), _get(summary, "http-pipe16", netty, "rps")),
            ">= 1.20", lambda v: v >= 1.2)
        add("HTTP wrk 256, throughput vs Netty", f"http-wrk256 {rw}",
            _ratio(_get(summary, "http-wrk256", rw, "rps"), _get(summary, "http-wrk256", netty, "rps")),
            ">= 1.00 (or CPU/req <= 1.00)", lambda v: v >= 1.0)
        add("HTTP wrk 256, CPU/req vs Netty", f"http-wrk256 {rw}",
            _ratio(_get(summary, "http-wrk256", rw, "srv_cpu_us_per_req"),
                   _get(summary, "http-wrk256", netty, "srv_cpu_us_per_req")), "<= 1.00", lambda v: v <= 1.0)
    for key in ("rate-fixed-100", "rate-fixed-1000", "rate-peak50-100", "rate-peak90-100"):
        for rw, (netty, _) in SAME_BACKEND.items():
            add("p99 at a fixed rate vs Netty", f"{key} {rw}",
                _ratio(_get(summary, key, rw, "p99_us"), _get(summary, key, netty, "p99_us")), "<= 1.00",
                lambda v: v <= 1.0, "p99_us")
    for rw, (netty, _) in SAME_BACKEND.items():
        add("ping-pong round trip (p50) vs Netty", f"echo-1 {rw}",
            _ratio(_get(summary, "echo-1", rw, "p50_us"), _get(summary, "echo-1", netty, "p50_us")), "<= 1.00",
            lambda v: v <= 1.0, "p50_us")
        for key in ("echo-1", "echo-1-spin"):
            add("ping-pong, busy-poll vs Netty default", f"{key} {rw}-busy",
                _ratio(_get(summary, key, f"{rw}-busy", "p50_us"), _get(summary, key, netty, "p50_us")),
                "<= 0.30", lambda v: v <= 0.3)
    for conns, peers in summary["idle"].items():
        for rw, (netty, _) in SAME_BACKEND.items():
            a, b = peers.get(rw, {}).get("kib_per_conn"), peers.get(netty, {}).get("kib_per_conn")
            add("memory per idle connection vs Netty", f"{conns} conns {rw}: {a} vs {b} KiB",
                None if a is None or b is None else round(a - b, 2), "< 0 KiB difference", lambda v: v < 0)
    return rows


def _fmt(v, digits=0):
    if v is None:
        return "n/a"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def _idle_cpu(v, secs):
    """The idle CPU share; /proc counts 10 ms ticks, so no tick in the window reads as below one."""
    if v.get("idle_cpu") is None:
        return "n/a"
    return f"< {0.01 / secs:.3f} (no tick)" if v["idle_cpu"] == 0 and secs else f"{v['idle_cpu']:.4f}"


def markdown(info, s, goal_rows, chart_files, noise_limit):
    st = info["settings"]
    idle_secs = st.get("idle_secs") or 0
    lines = [
        f"## ringwire comparison ({info['profile']} run, {info['started']}, host {info['host']})",
        "",
        f"Machine: {info['cpu_model']}, {info['cpus']} CPUs, {info['mem_gib']} GiB; kernel {info['kernel']}; "
        f"JDK {info['jdk']}; CPU vulnerabilities: {info['vulnerabilities_summary']}. "
        f"Tree: {info.get('commit')} ({info.get('tree')}); CLI jar built {info.get('cli_jar_built')}, "
        f"sha256 {info.get('cli_jar_sha256', '')[:12]}. "
        "Sysctls: " + ", ".join(f"{k}={v}" for k, v in info.get("sysctls", {}).items()) + ".",
        "",
        f"Servers pinned to CPU 0, load generator to CPU 1. {st['runs']} interleaved round(s) of "
        f"{st['warmup']} s warm-up + {st['secs']} s per server and scenario; medians. loadavg "
        f"{info['loadavg_start']} at the start, {info['loadavg_end']} at the end. The run took "
        f"{info['duration_s']} s; {info['discarded_runs']} noisy runs were redone. Command: `{info['command']}`.",
        "",
    ]
    if info.get("rejected_peers"):
        lines += ["**Left out (failed the correctness check or did not start):** "
                  + "; ".join(f"{k}: {v}" for k, v in info["rejected_peers"].items()), ""]
    if goal_rows:
        lines += ["### The issue's goals, checked against this run", "",
                  "plain C's ratio: the C server of the same backend against the same Netty peer, on the same "
                  "measure; where it misses the target too, the goal asks for less than the kernel path itself "
                  "costs here.", "",
                  "| goal | where | ratio | plain C's ratio | target | verdict |", "|---|---|---:|---:|---|---|"]
        lines += [f"| {g['goal']} | {g['where']} | {_fmt(g['value'], 2)} | {_fmt(g.get('c_value'), 2)} | "
                  f"{g['target']} | {g['verdict']} |" for g in goal_rows if g["verdict"] != "n/a"]
        met = sum(g["verdict"] == "met" for g in goal_rows)
        missed = sum(g["verdict"].startswith("missed") for g in goal_rows)
        unsound = sum(g["verdict"].startswith("unsound") for g in goal_rows)
        lines += ["", f"{met} met, {missed} missed, {unsound} unsound (the open-loop load generator fell more than "
                      f"{MAX_SEND_LAG_US} µs behind its schedule at p99, so the server never saw the rate), "
                      f"{len(goal_rows) - met - missed - unsound} not measured in this run.", ""]
    lines += _bottleneck(s)
    for row in s["scenarios"]:
        bulk = row["size"] >= 1 << 20     # req/s of 1 MiB requests say little: MiB/s, and CPU per MiB
        lines += [f"### {row['title']}", "",
                  "| server | " + ("MiB/s" if bulk else "req/s") + " | x netty-epoll | p50 µs | p99 µs | p99.9 µs | "
                  "CPU µs/req user | sys | total | x netty-epoll | server CPU | loadgen CPU | spread | clean runs |",
                  "|---|" + "---:|" * 13]
        for n, v in row["peers"].items():
            lines.append(f"| {n} | {_fmt(v['mib_s'] if bulk else v['rps'])} | {_fmt(v['rps_vs_base'], 2)} | "
                         f"{_fmt(v['p50_us'], 1)} | {_fmt(v['p99_us'], 1)} | {_fmt(v['p999_us'], 1)} | "
                         f"{_fmt(v['srv_user_us_per_req'], 2)} | {_fmt(v['srv_sys_us_per_req'], 2)} | "
                         f"{_fmt(v['srv_cpu_us_per_req'], 2)} | {_fmt(v['cpu_vs_base'], 2)} | "
                         f"{_fmt(v['srv_cpu'], 2)} | {_fmt(v['lg_cpu'], 2)} | "
                         f"{_fmt(v['spread'] * 100 if v['spread'] is not None else None)}% | "
                         f"{v['runs'] - v['noisy'] - v['failed']}/{v['runs']} |")
        if bulk:
            lines += ["", "A request here is 1 MiB: the CPU columns are µs per MiB echoed."]
        if row["kind"] == "rate":
            late = {n: v["send_lag_p99_us"] for n, v in row["peers"].items()
                    if (v.get("send_lag_p99_us") or 0) > MAX_SEND_LAG_US}
            lines += ["", "req/s is the rate of requests whose intended send time fell in the window, answered or "
                          "not (unanswered ones are recorded at the latency they reached). "
                      + ("**The load generator fell behind its schedule** (send lag p99) for: "
                         + ", ".join(f"{n} {v / 1000:.1f} ms" for n, v in late.items())
                         + "; those runs did not offer the rate asked for." if late else
                         "The load generator kept to its schedule (send lag p99 under 1 ms) for every peer.")]
        if row["kind"] == "wrk":
            lines += ["", "wrk reports p50/p75/p90/p99 only (no p99.9), and as a closed loop it does not correct "
                          "for coordinated omission; the server CPU is over wrk's whole run, connects included."]
        lines.append("")
    for conns, peers in s["idle"].items():
        lines += [f"### {int(conns):,} idle connections: memory, and CPU while idle", "",
                  "| server | RSS before MiB | RSS after MiB | KiB per conn | x netty-epoll | idle CPU (share of one) "
                  "| wake-ups/s | threads |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
        base = peers.get(BASE, {}).get("kib_per_conn")
        for n, v in peers.items():
            mib = lambda k: _fmt(v[k] / 1024, 1) if v.get(k) is not None else "n/a"
            lines.append(f"| {n} | {mib('rss_before_kib')} | {mib('rss_after_kib')} | {_fmt(v['kib_per_conn'], 2)} | "
                         f"{_fmt(_ratio(v['kib_per_conn'], base), 2) if base and base > 0 else 'n/a'} | "
                         f"{_idle_cpu(v, idle_secs)} | {_fmt(v.get('idle_wakeups_per_s'), 1)} | {_fmt(v['threads'])} |")
        lines.append("")
    for title, path in chart_files:
        lines += [f"![{title}]({path})", ""]
    lines += [f"A run is noisy when other processes used more than {noise_limit} of a CPU during it; noisy runs "
              "are redone while the waiting budget lasts, and medians are over the clean runs (over all good runs "
              "where none was clean). Spread: (max - min) / median of req/s. x netty-epoll: the ratio of the median "
              "to Netty epoll's (req/s: higher is better; CPU: lower is better).", ""]
    return "\n".join(lines)


def _bottleneck(s):
    """Whether the load generator drove the C reference faster than every Java server."""
    out = []
    for row in s["scenarios"]:
        if row["kind"] != "closed":
            continue
        # Busy-poll servers spin instead of sleeping, which the C servers do not: not comparable.
        c = max((v["rps"] or 0 for n, v in row["peers"].items() if n.startswith("c")), default=0)
        java = {n: v["rps"] or 0 for n, v in row["peers"].items() if not n.startswith("c") and not n.endswith("-busy")}
        if c and java:
            best = max(java, key=java.get)
            out.append(f"{row['key']}: C {c:,.0f} req/s vs the fastest Java server ({best}) {java[best]:,.0f} "
                       f"({'C ahead' if c >= java[best] else 'C NOT ahead'})")
    if not out:
        return []
    return ["### Is the load generator the bottleneck?", "",
            "It must drive the plain C servers faster than any Java server (medians; busy-poll peers aside):", ""] + \
           [f"- {line}" for line in out] + [""]
