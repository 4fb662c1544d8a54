"""PNG charts of a comparison run, drawn by gnuplot (Debian gnuplot-nox; run.sh installs it):
throughput against connections, latency percentiles at a fixed rate, and CPU per request split
into user and system time. Each chart is a .dat file and a .gp script beside the PNG, so it can
be redrawn or restyled by hand."""

import os
import shutil
import subprocess

CONN_KEYS = ("echo-1", "echo-100", "echo-1000")
RATE_KEY = "rate-fixed-100"
TERMINAL = "set terminal pngcairo size 1000,560 noenhanced font ',10'"


def _num(v):
    return "NaN" if v is None else f"{v:.6g}"


def _scenario(summary, key):
    return next((s for s in summary["scenarios"] if s["key"] == key), None)


def _plot(out_dir, name, data, script, log):
    dat, gp, png = (os.path.join(out_dir, f"{name}.{ext}") for ext in ("dat", "gp", "png"))
    with open(dat, "w") as f:
        f.write(data)
    with open(gp, "w") as f:
        f.write(f"{TERMINAL}\nset output '{png}'\nset datafile missing 'NaN'\nset grid ytics\n"
                + script.replace("DATA", f"'{dat}'"))
    proc = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if proc.returncode != 0:
        log(f"charts: gnuplot failed for {name}: {proc.stderr.strip()[-300:]}")
        return None
    return png


def _bars(out_dir, name, title, peers, cols, style, log):
    """A histogram with one group of bars per peer, one bar per (field, label) of cols."""
    data = "".join(f"{n} " + " ".join(_num(v.get(k)) for k, _ in cols) + "\n" for n, v in peers.items())
    plots = ", ".join(f"{'DATA' if i == 0 else chr(39) * 2} using {i + 2}{':xtic(1)' if i == 0 else ''} "
                      f"title '{label}'" for i, (_, label) in enumerate(cols))
    return _plot(out_dir, name, data,
                 f"set title '{title}'\nset style data histogram\nset style fill solid 0.8\n"
                 f"set xtics rotate by -30\nset style histogram {style}\nplot {plots}\n", log)


def render(summary, out_dir, log):
    """Draws what the run has data for; returns [(title, file name)] of the PNGs made."""
    if not shutil.which("gnuplot"):
        log("charts: gnuplot is not installed (Debian gnuplot-nox); no PNG charts")
        return []
    made = []
    rows = [s for s in (_scenario(summary, k) for k in CONN_KEYS) if s]
    if len(rows) >= 2:
        # Busy-poll peers run the 1-connection scenario only: no line to draw.
        names = [n for n in dict.fromkeys(n for r in rows for n in r["peers"]) if not n.endswith("-busy")]
        data = "conns " + " ".join(names) + "\n" + "".join(
            f"{r['conns']} " + " ".join(_num(r["peers"].get(n, {}).get("rps")) for n in names) + "\n" for r in rows)
        png = _plot(out_dir, "throughput-vs-conns", data,
                    "set title 'echo 128 B, closed loop, depth 1: median req/s against connections'\n"
                    "set logscale x\nset xlabel 'connections'\nset ylabel 'req/s'\nset yrange [0:*]\n"
                    "set key outside right\n"
                    f"plot for [c=2:{len(names) + 1}] DATA using 1:c with linespoints lw 2 title columnheader(c)\n", log)
        if png:
            made.append(("Throughput against connections", os.path.basename(png)))
    rate = _scenario(summary, RATE_KEY)
    if rate and rate["peers"]:
        bars = [("latency-fixed-rate", "Latency percentiles at a fixed rate",
                 "latency from the intended send time (µs, log scale)",
                 (("p50_us", "p50"), ("p99_us", "p99"), ("p999_us", "p99.9")),
                 "clustered gap 1\nset logscale y\nset ylabel 'µs'\nset key top left"),
                ("cpu-per-request", "Server CPU per request at a fixed rate", "server CPU µs per request",
                 (("srv_user_us_per_req", "user"), ("srv_sys_us_per_req", "system")),
                 "rowstacked\nset boxwidth 0.6\nset ylabel 'µs/request'\nset yrange [0:*]")]
        for name, title, what, cols, style in bars:
            png = _bars(out_dir, name, f"{rate['title']}: {what}", rate["peers"], cols, style, log)
            if png:
                made.append((title, os.path.basename(png)))
    return made
