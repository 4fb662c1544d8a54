"""Medians, ratios and the markdown tables of a comparison run."""

import statistics


def _usable(recs):
    """The runs a median is taken over: the clean ones, or every good run if none was clean."""
    ok = [r for r in recs if r.get("exit") == 0]
    clean = [r for r in ok if not r.get("noisy")]
    return clean or ok


def _median(recs, key):
    values = [r[key] for r in _usable(recs) if isinstance(r.get(key), (int, float))]
    return statistics.median(values) if values else None


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def summarize(scenarios, peer_names, closed, rate, fixed, strace, memory):
    out = {"closed": [], "fixed_rate": {"rate": rate, "peers": {}}, "syscalls": {}, "memory": {}}
    for sc in scenarios:
        row = {"scenario": sc.name, "conns": sc.conns, "depth": sc.depth, "peers": {}}
        for peer in peer_names:
            recs = closed.get((sc.name, peer), [])
            ok = [r for r in recs if r.get("exit") == 0]
            used = _usable(recs)
            row["peers"][peer] = {
                "runs": len(ok), "failed": len(recs) - len(ok),
                "noisy": sum(1 for r in ok if r.get("noisy")),
                "rps": _median(recs, "rps"),
                "rps_min": min((r["rps"] for r in used), default=None),
                "rps_max": max((r["rps"] for r in used), default=None),
                **{k: _median(recs, k) for k in ("p50_us", "p99_us", "p999_us", "srv_cpu", "lg_cpu",
                                                 "srv_cpu_us_per_req")},
            }
        p = row["peers"]
        get = lambda name: p.get(name, {}).get("rps")
        row["ratios"] = {"io_uring/epoll": _ratio(get("io_uring"), get("epoll")),
                         "epoll/c": _ratio(get("epoll"), get("c")),
                         "io_uring/c": _ratio(get("io_uring"), get("c"))}
        out["closed"].append(row)
    for peer in peer_names:
        recs = fixed.get(peer, [])
        out["fixed_rate"]["peers"][peer] = {
            "runs": sum(1 for r in recs if r.get("exit") == 0),
            "noisy": sum(1 for r in recs if r.get("exit") == 0 and r.get("noisy")),
            **{k: _median(recs, k) for k in ("rps", "srv_cpu_us_per_req", "srv_cpu", "p50_us", "p99_us",
                                             "p999_us", "lg_cpu")},
        }
        s = strace.get(peer, {})
        requests = s.get("requests") or 0
        top = sorted(s.get("counts", {}).items(), key=lambda kv: -kv[1])[:4]
        out["syscalls"][peer] = {
            "requests": requests, "syscalls": s.get("syscalls"), "per_req": s.get("syscalls_per_req"),
            "loadgen_exit": s.get("exit"),
            "top_per_req": {name: round(n / requests, 2) for name, n in top} if requests else {},
        }
        m = memory.get(peer, {})
        out["memory"][peer] = {k: m.get(k) for k in ("conns", "rss_before_kib", "rss_after_kib",
                                                     "kib_per_conn", "threads", "exit")}
    fr = out["fixed_rate"]["peers"]
    cpu = lambda name: fr.get(name, {}).get("srv_cpu_us_per_req")
    out["fixed_rate"]["ratios"] = {"io_uring/epoll": _ratio(cpu("io_uring"), cpu("epoll")),
                                   "epoll/c": _ratio(cpu("epoll"), cpu("c")),
                                   "io_uring/c": _ratio(cpu("io_uring"), cpu("c"))}
    return out


def _fmt(v, digits=0):
    if v is None:
        return "n/a"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def markdown(info, s, profile, noise_limit):
    peers = list(s["fixed_rate"]["peers"])
    lines = [
        f"## ringwire echo comparison ({info['profile']} run, {info['started']})",
        "",
        f"Machine: {info['cpu_model']}, {info['cpus']} CPUs, {info['mem_gib']} GiB; kernel {info['kernel']}; "
        f"JDK {info['jdk']}; CPU vulnerabilities: {info['vulnerabilities_summary']}. "
        f"Tree: {info.get('commit')} ({info.get('tree')}); CLI jar built {info.get('cli_jar_built')}, "
        f"sha256 {info.get('cli_jar_sha256', '')[:12]}.",
        f"Servers pinned to CPU 0, load generator to CPU 1. {profile['runs']} interleaved runs of "
        f"{profile['warmup']} s warm-up + {profile['secs']} s per server and scenario; medians. "
        f"loadavg {info['loadavg_start']} at the start, {info['loadavg_end']} at the end. "
        f"The run took {info['duration_s']} s; {info['discarded_runs']} noisy runs were discarded and redone, "
        f"{info['wait_budget_left_s']} s of the waiting budget were left.",
        f"Command: `{info['command']}`.",
        "",
        "### Throughput: closed loop, 128 B echo, median req/s",
        "",
        "| scenario | " + " | ".join(peers) + " | io_uring/epoll | epoll/c | io_uring/c | spread | clean runs |",
        "|---|" + "---:|" * (len(peers) + 5),
    ]
    for row in s["closed"]:
        p = row["peers"]
        spreads = [(v["rps_max"] - v["rps_min"]) / v["rps"] for v in p.values() if v["rps"]]
        noisy = sum(v["noisy"] for v in p.values())
        runs = sum(v["runs"] for v in p.values())
        r = row["ratios"]
        lines.append(f"| {row['scenario']} | " + " | ".join(_fmt(p[n]["rps"]) for n in peers)
                     + f" | {_fmt(r['io_uring/epoll'], 2)} | {_fmt(r['epoll/c'], 2)} | {_fmt(r['io_uring/c'], 2)}"
                     + f" | {max(spreads) * 100 if spreads else 0:.0f}% | {runs - noisy}/{runs} |")
    lines += [
        "",
        "### Latency and CPU use per scenario (medians over runs)",
        "",
        "| scenario | server | req/s | p50 µs | p99 µs | p99.9 µs | server CPU | server CPU µs/req | loadgen CPU |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in s["closed"]:
        for n in peers:
            v = row["peers"][n]
            lines.append(f"| {row['scenario']} | {n} | {_fmt(v['rps'])} | {_fmt(v['p50_us'], 1)} | "
                         f"{_fmt(v['p99_us'], 1)} | {_fmt(v['p999_us'], 1)} | {_fmt(v['srv_cpu'], 2)} | "
                         f"{_fmt(v['srv_cpu_us_per_req'], 2)} | {_fmt(v['lg_cpu'], 2)} |")
    fr = s["fixed_rate"]
    lines += [
        "",
        f"### Fixed rate: {fr['rate']:,} req/s over 100 connections (open loop, latency from the intended send time)",
        "",
        "| server | achieved req/s | server CPU µs/req | server CPU | p50 µs | p99 µs | p99.9 µs | clean runs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in peers:
        v = fr["peers"][n]
        lines.append(f"| {n} | {_fmt(v['rps'])} | {_fmt(v['srv_cpu_us_per_req'], 2)} | {_fmt(v['srv_cpu'], 2)} | "
                     f"{_fmt(v['p50_us'], 1)} | {_fmt(v['p99_us'], 1)} | {_fmt(v['p999_us'], 1)} | "
                     f"{v['runs'] - v['noisy']}/{v['runs']} |")
    r = fr["ratios"]
    lines += ["", f"CPU per request, ratios: io_uring/epoll {_fmt(r['io_uring/epoll'], 2)}, "
                  f"epoll/c {_fmt(r['epoll/c'], 2)}, io_uring/c {_fmt(r['io_uring/c'], 2)}.", ""]
    lines += [
        "### Syscalls per request (strace -c -f, all threads, at a low fixed rate; counts only)",
        "",
        "| server | requests | syscalls | per request | largest, per request |",
        "|---|---:|---:|---:|---|",
    ]
    for n in peers:
        v = s["syscalls"][n]
        top = ", ".join(f"{k} {c}" for k, c in v["top_per_req"].items())
        lines.append(f"| {n} | {_fmt(v['requests'])} | {_fmt(v['syscalls'])} | {_fmt(v['per_req'], 2)} | {top} |")
    lines += [
        "",
        "### Memory per idle connection (VmRSS before and after opening them)",
        "",
        "| server | connections | RSS before MiB | RSS after MiB | KiB per connection | threads |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for n in peers:
        v = s["memory"][n]
        mib = lambda k: _fmt(v[k] / 1024, 1) if v.get(k) is not None else "n/a"
        lines.append(f"| {n} | {_fmt(v['conns'])} | {mib('rss_before_kib')} | {mib('rss_after_kib')} | "
                     f"{_fmt(v['kib_per_conn'], 2)} | {_fmt(v['threads'])} |")
    lines += ["", f"A run is noisy when other processes used more than {noise_limit} of a CPU during it. "
                  "Noisy runs are redone while the waiting budget lasts; medians and spreads are over the "
                  "clean runs (over all runs where none was clean). Spread: (max - min) / median, the "
                  "widest of the servers.", ""]
    return "\n".join(lines)
