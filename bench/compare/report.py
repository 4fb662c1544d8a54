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
                         "io_uring/c": _ratio(get("io_uring"), get("c")),
                         "epoll/netty-epoll": _ratio(get("epoll"), get("netty-epoll")),
                         "io_uring/netty-io_uring": _ratio(get("io_uring"), get("netty-io_uring"))}
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
                                   "io_uring/c": _ratio(cpu("io_uring"), cpu("c")),
                                   "epoll/netty-epoll": _ratio(cpu("epoll"), cpu("netty-epoll")),
                                   "io_uring/netty-io_uring": _ratio(cpu("io_uring"), cpu("netty-io_uring"))}
    return out


def summarize_http(peer_names, http):
    """Medians of the wrk runs per HTTP peer, and the ringwire/Netty ratios of req/s and p99."""
    out = {"peers": {}}
    for peer in peer_names:
        recs = http.get(peer, [])
        ok = [r for r in recs if r.get("exit") == 0]
        used = _usable(recs)
        out["peers"][peer] = {
            "runs": len(ok), "failed": len(recs) - len(ok), "noisy": sum(1 for r in ok if r.get("noisy")),
            "rps_min": min((r["rps"] for r in used if "rps" in r), default=None),
            "rps_max": max((r["rps"] for r in used if "rps" in r), default=None),
            **{k: _median(recs, k) for k in ("rps", "p50_us", "p90_us", "p99_us", "srv_cpu", "srv_cpu_us_per_req")},
        }
    p = out["peers"]
    get = lambda name, key: p.get(name, {}).get(key)
    out["ratios"] = {
        "rps epoll/netty-epoll": _ratio(get("epoll", "rps"), get("netty-epoll", "rps")),
        "rps io_uring/netty-io_uring": _ratio(get("io_uring", "rps"), get("netty-io_uring", "rps")),
        "rps io_uring/epoll": _ratio(get("io_uring", "rps"), get("epoll", "rps")),
        "p99 epoll/netty-epoll": _ratio(get("epoll", "p99_us"), get("netty-epoll", "p99_us")),
        "p99 io_uring/netty-io_uring": _ratio(get("io_uring", "p99_us"), get("netty-io_uring", "p99_us")),
    }
    return out


def markdown_http(s, profile):
    h = s.get("http") or {}
    if not h.get("peers"):
        return []
    lines = [
        f"### HTTP GET /plaintext: wrk -t1 -c256 -d{profile['http_secs']}s --latency, medians",
        "",
        "| server | req/s | p50 µs | p90 µs | p99 µs | server CPU | server CPU µs/req | spread | clean runs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, v in h["peers"].items():
        spread = (v["rps_max"] - v["rps_min"]) / v["rps"] * 100 if v.get("rps") else 0
        lines.append(f"| {n} | {_fmt(v['rps'])} | {_fmt(v['p50_us'], 1)} | {_fmt(v['p90_us'], 1)} | "
                     f"{_fmt(v['p99_us'], 1)} | {_fmt(v['srv_cpu'], 2)} | {_fmt(v['srv_cpu_us_per_req'], 2)} | "
                     f"{spread:.0f}% | {v['runs'] - v['noisy']}/{v['runs']} |")
    lines += ["", "Ratios (ringwire/Netty; req/s higher is better, p99 lower is better): "
              + ", ".join(f"{k} {_fmt(v, 2)}" for k, v in h["ratios"].items()) + ".", ""]
    return lines


def _fmt(v, digits=0):
    if v is None:
        return "n/a"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def markdown(info, s, profile, noise_limit):
    peers = list(s["fixed_rate"]["peers"])
    lines = [
        f"## ringwire comparison ({info['profile']} run, {info['started']})",
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
    ]
    if not peers:
        return "\n".join(lines + markdown_http(s, profile))
    lines += [
        "### Throughput: closed loop, 128 B echo, median req/s",
        "",
        "| scenario | " + " | ".join(peers) + " | io_uring/epoll | epoll/c | io_uring/c | epoll/netty-epoll"
        " | io_uring/netty-io_uring | spread | clean runs |",
        "|---|" + "---:|" * (len(peers) + 7),
    ]
    for row in s["closed"]:
        p = row["peers"]
        spreads = [(v["rps_max"] - v["rps_min"]) / v["rps"] for v in p.values() if v["rps"]]
        noisy = sum(v["noisy"] for v in p.values())
        runs = sum(v["runs"] for v in p.values())
        r = row["ratios"]
        lines.append(f"| {row['scenario']} | " + " | ".join(_fmt(p[n]["rps"]) for n in peers)
                     + f" | {_fmt(r['io_uring/epoll'], 2)} | {_fmt(r['epoll/c'], 2)} | {_fmt(r['io_uring/c'], 2)}"
                     + f" | {_fmt(r['epoll/netty-epoll'], 2)} | {_fmt(r['io_uring/netty-io_uring'], 2)}"
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
                  f"epoll/c {_fmt(r['epoll/c'], 2)}, io_uring/c {_fmt(r['io_uring/c'], 2)}, "
                  f"epoll/netty-epoll {_fmt(r['epoll/netty-epoll'], 2)}, "
                  f"io_uring/netty-io_uring {_fmt(r['io_uring/netty-io_uring'], 2)}.", ""]
    if not profile.get("extras", True):
        lines += ["The strace and idle-memory phases are not part of a `--quick` run.", ""]
    lines += [] if not profile.get("extras", True) else [
        "### Syscalls per request (strace -c -f, all threads, at a low fixed rate; counts only)",
        "",
        "| server | requests | syscalls | per request | largest, per request |",
        "|---|---:|---:|---:|---|",
    ]
    for n in (peers if profile.get("extras", True) else []):
        v = s["syscalls"][n]
        top = ", ".join(f"{k} {c}" for k, c in v["top_per_req"].items())
        lines.append(f"| {n} | {_fmt(v['requests'])} | {_fmt(v['syscalls'])} | {_fmt(v['per_req'], 2)} | {top} |")
    lines += [] if not profile.get("extras", True) else [
        "",
        "### Memory per idle connection (VmRSS before and after opening them)",
        "",
        "| server | connections | RSS before MiB | RSS after MiB | KiB per connection | threads |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for n in (peers if profile.get("extras", True) else []):
        v = s["memory"][n]
        mib = lambda k: _fmt(v[k] / 1024, 1) if v.get(k) is not None else "n/a"
        lines.append(f"| {n} | {_fmt(v['conns'])} | {mib('rss_before_kib')} | {mib('rss_after_kib')} | "
                     f"{_fmt(v['kib_per_conn'], 2)} | {_fmt(v['threads'])} |")
    lines += [""] + markdown_http(s, profile)
    lines += ["", f"A run is noisy when other processes used more than {noise_limit} of a CPU during it. "
                  "Noisy runs are redone while the waiting budget lasts; medians and spreads are over the "
                  "clean runs (over all runs where none was clean). Spread: (max - min) / median, the "
                  "widest of the servers.", ""]
    return "\n".join(lines)
