"""What the runner reads from the system: /proc counters, strace's syscall counts, and the
description of the machine that every result file records."""

import glob
import os
import platform
import re
import signal
import subprocess
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid):
    """utime + stime of a whole process (all threads), in seconds, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_cpu_split(pid):
    """(utime, stime) of a whole process, in seconds: the process's own work and its kernel work."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK


KEY_SYSCTLS = ("net.core.somaxconn", "net.core.rmem_max", "net.core.wmem_max", "net.ipv4.tcp_rmem",
               "net.ipv4.tcp_wmem", "net.ipv4.ip_local_port_range", "net.core.busy_poll", "net.core.busy_read",
               "net.ipv4.tcp_fastopen", "net.core.netdev_max_backlog", "net.ipv4.tcp_max_syn_backlog",
               "fs.nr_open", "kernel.io_uring_disabled", "net.ipv4.tcp_congestion_control")


def sysctls():
    """The sysctls that bear on a loopback benchmark, as the machine has them (missing ones left out)."""
    out = {}
    for key in KEY_SYSCTLS:
        try:
            with open("/proc/sys/" + key.replace(".", "/")) as f:
                out[key] = " ".join(f.read().split())
        except OSError:
            pass
    return out


def system_busy_s():
    """CPU seconds spent busy by the whole machine, all CPUs, from /proc/stat.

    user + nice + system + irq + softirq. Without CONFIG_IRQ_TIME_ACCOUNTING (as on this VM),
    softirq work is charged to whatever task it interrupted, so it shows up in that task too.
    """
    with open("/proc/stat") as f:
        parts = f.readline().split()
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in parts[1:8])
    return (user + nice + system + irq + softirq) / CLK_TCK


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def rss_kib(pid):
    """VmRSS of a process, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def thread_count(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def wakeups(pid):
    """Context switches of every thread of a process so far (voluntary + involuntary): each
    voluntary one is a sleep that ended in a wake-up, so the difference over a window counts
    how often the process woke, which CPU ticks of 10 ms are too coarse to show."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass        # a thread that ended between the listing and the read
    return total


class Strace:
    """`strace -c -f -p PID` attached around a piece of work; counts only.

    strace stops the traced threads on every syscall, so the server runs several times slower
    while it is attached: use the counts, never the timings.
    """

    def __init__(self, pid, out_path):
        self.out_path = out_path
        self.proc = subprocess.Popen(["strace", "-c", "-f", "-p", str(pid), "-o", out_path],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # strace attaches to each thread in turn; give it time before the load starts.
        time.sleep(1.0)
        if self.proc.poll() is not None:
            raise RuntimeError("strace failed: " + self.proc.stderr.read().decode(errors="replace"))

    def finish(self):
        """Detaches and returns ({syscall: calls}, total calls)."""
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=30)
        counts, total = {}, 0
        with open(self.out_path) as f:
            for line in f:
                parts = line.split()
                # "% time  seconds  usecs/call  calls  [errors]  syscall"; the total line ends in "total".
                if len(parts) >= 5 and re.fullmatch(r"[\d.]+", parts[0]):
                    if parts[-1] == "total":
                        total = int(parts[3])
                    else:
                        counts[parts[-1]] = int(parts[3])
        return counts, total


def machine(root):
    """A dict describing the machine and the tree: CPU, kernel, JDK, mitigations, commit."""
    info = {"kernel": platform.release(), "cpus": os.cpu_count()}
    with open("/proc/cpuinfo") as f:
        models = re.findall(r"^model name\s*:\s*(.*)$", f.read(), re.M)
    info["cpu_model"] = models[0] if models else "unknown"
    with open("/proc/meminfo") as f:
        info["mem_gib"] = round(int(f.readline().split()[1]) / 2**20, 1)
    try:
        jdk = subprocess.run([os.path.join(root, "bin", "find-jdk")], capture_output=True,
                             text=True, check=True).stdout.strip()
        version = subprocess.run([os.path.join(jdk, "bin", "java"), "-version"],
                                 capture_output=True, text=True).stderr.splitlines()
        info["jdk"] = f"{version[1] if len(version) > 1 else version[0]} ({jdk})"
    except (OSError, subprocess.CalledProcessError, IndexError):
        info["jdk"] = "unknown"
    vulns = {}
    for path in sorted(glob.glob("/sys/devices/system/cpu/vulnerabilities/*")):
        with open(path) as f:
            vulns[os.path.basename(path)] = f.read().strip()
    info["vulnerabilities"] = vulns
    kinds = {"Not affected": 0, "Mitigation": 0, "Vulnerable": 0}
    for status in vulns.values():
        for kind in kinds:
            if status.startswith(kind):
                kinds[kind] += 1
    info["vulnerabilities_summary"] = ", ".join(f"{n} {k.lower()}" for k, n in kinds.items() if n)
    info["sysctls"] = sysctls()
    info["nofile_limit"] = subprocess.run(["sh", "-c", "ulimit -n"], capture_output=True, text=True).stdout.strip()
    git = ["git", "-C", root]
    try:
        info["commit"] = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True,
                                        text=True, check=True).stdout.strip()
        # What the servers run may differ from HEAD: say which files outside bench/ differ.
        dirty = subprocess.run(git + ["status", "--porcelain", "--", ".", ":!bench", ":!Makefile"],
                               capture_output=True, text=True).stdout.splitlines()
        info["tree_changes"] = [line.strip() for line in dirty]
        info["tree"] = (f"{len(dirty)} uncommitted change(s) outside bench/" if dirty
                        else "clean outside bench/")
    except (OSError, subprocess.CalledProcessError):
        info["commit"] = "unknown"
    return info
