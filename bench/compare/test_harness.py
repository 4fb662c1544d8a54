#!/usr/bin/env python3
"""Tests of the comparison tooling that need no JVM and take a few seconds: the C reference
servers and the load generator answer and check correctly, the correctness checks can fail, and
the goal verdicts follow the numbers. `make test` runs it (python3 bench/compare/test_harness.py).
"""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
import report  # noqa: E402
import verify  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LOADGEN = os.path.join(ROOT, "bench", "loadgen", "build", "loadgen")
CSERVER = os.path.join(ROOT, "bench", "cserver", "build")


def setUpModule():
    for d in ("loadgen", "cserver"):
        subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "bench", d)], check=True)


class CServersTest(unittest.TestCase):
    """Both C reference servers, started as the runner starts them (on CPU 0, ready line)."""

    servers = []

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.tmp = tempfile.mkdtemp(prefix="ringwire-harness-")
        for name, binary in (("c", "echo_server"), ("c-io_uring", "uring_echo_server")):
            spec = peers.PeerSpec(name, [os.path.join(CSERVER, binary), "--port", "0"])
            try:
                cls.servers.append(peers.start(spec, 0, cls.tmp, timeout=10))
            except RuntimeError as e:
                # io_uring may be blocked here (seccomp, kernel.io_uring_disabled): the server says why.
                if name != "c-io_uring":
                    raise
                print(f"skipping c-io_uring: {e}", file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.stop()

    def loadgen(self, server, *args):
        return subprocess.run([LOADGEN, "--port", str(server.port), "--secs", "0.3", "--warmup", "0.1",
                               "--stat-pid", str(server.pid), *map(str, args)], capture_output=True, text=True,
                              timeout=60)

    def test_echo_check_passes(self):
        for s in self.servers:
            self.assertIsNone(verify.check("echo", s.port), s.spec.name)

    def test_http_and_frame_checks_fail_on_an_echo_server(self):
        # An echo server returns the request itself: no 200, and a frame with cmd 3, not 4.
        for s in self.servers:
            self.assertIsNotNone(verify.check("http", s.port))
            self.assertIn("cmd=3", verify.check("frame", s.port))

    def test_closed_rate_and_bulk_run_clean_and_report_split_cpu(self):
        for s in self.servers:
            for args in (["--conns", 20, "--depth", 4], ["--mode", "rate", "--rate", 5000, "--conns", 10],
                         ["--conns", 2, "--depth", 2, "--size", 1 << 20], ["--conns", 3, "--busy-poll"]):
                proc = self.loadgen(s, *args)
                self.assertEqual(proc.returncode, 0, f"{s.spec.name} {args}: {proc.stderr}")
                line = proc.stdout.strip().splitlines()[-1]
                for key in ("errors=0", "srv_user_us_per_req=", "srv_sys_us_per_req=", "mib_s="):
                    self.assertIn(key, line)

    def test_loadgen_rejects_a_wrong_answer(self):
        # A frame ECHO sent to an echo server comes back as cmd 3: the byte check must fail the run.
        proc = self.loadgen(self.servers[0], "--proto", "frame", "--conns", 2)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("differs from what the protocol says", proc.stderr)

    def test_idle_mode_holds_connections_over_several_source_addresses(self):
        s = self.servers[-1]
        proc = subprocess.run([LOADGEN, "--port", str(s.port), "--mode", "idle", "--conns", "500",
                               "--src-addrs", "3", "--hold", "0.2"], capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("ready conns=500", proc.stdout)

    def test_bad_arguments_exit_2(self):
        for args in (["--mode", "idle", "--proto", "http", "--conns", "1"], ["--proto", "smtp"],
                     ["--conns", "0"]):
            proc = subprocess.run([LOADGEN, "--port", "1", *args], capture_output=True, text=True, timeout=10)
            self.assertIn(proc.returncode, (1, 2), args)
            self.assertTrue(proc.stderr.strip(), args)


class ArgumentsAndProbesTest(unittest.TestCase):
    def test_an_unknown_scenario_is_refused_before_anything_runs(self):
        proc = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "compare", "compare.py"), "--check-args",
                               "--scenarios", "echo-100,echo-7"], capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("unknown scenario echo-7", proc.stderr)
        ok = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "compare", "compare.py"), "--check-args",
                             "--scenarios", "rate-fixed-100"], capture_output=True, text=True, timeout=30)
        self.assertEqual(ok.returncode, 0, ok.stderr)

    def test_wakeups_count_a_process_that_sleeps_and_wakes(self):
        import probes
        # It sleeps 20 times, says so, then waits for stdin to close: each sleep ends in a wake-up.
        sleeper = subprocess.Popen([sys.executable, "-c", "import sys, time\nfor _ in range(20): time.sleep(0.002)\n"
                                    "print('slept', flush=True)\nsys.stdin.read()"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(sleeper.stdout.readline().strip(), "slept")
            self.assertGreaterEqual(probes.wakeups(sleeper.pid), 20)
        finally:
            sleeper.stdin.close()
            sleeper.wait(timeout=10)


class ReviveTest(unittest.TestCase):
    def test_a_peer_that_dies_is_started_again_and_measured(self):
        import tempfile
        import compare
        import scenarios
        profile = dict(scenarios.PROFILES["quick"], retry_budget=0, secs=0.3, warmup=0.1, server_warmup=0.3)
        runner = compare.Runner(profile, tempfile.mkdtemp(prefix="ringwire-harness-"), 1000)
        spec = peers.PeerSpec("c", [os.path.join(CSERVER, "echo_server"), "--port", "0"])
        try:
            runner.start([spec], "echo-")
            runner.servers[0].proc.kill()
            runner.servers[0].proc.wait()
            runner.run_scenario(scenarios.Scenario("t", "t", "closed", conns=2), list(runner.servers))
            runs = [r for r in runner.records if r.get("scenario") == "t"]
            self.assertEqual([r["exit"] for r in runs], [0])
            self.assertTrue(any(r.get("kind") == "restart" for r in runner.records))
            self.assertTrue(runner.servers[0].alive())
        finally:
            runner.stop_servers()
            runner.raw.close()


class GoalsTest(unittest.TestCase):
    def summary(self, user, total, c_total):
        peers_ = {"epoll": {"srv_user_us_per_req": user, "srv_cpu_us_per_req": total},
                  "netty-epoll": {"srv_user_us_per_req": 1.0, "srv_cpu_us_per_req": 10.0},
                  "c": {"srv_user_us_per_req": 0.1, "srv_cpu_us_per_req": c_total}}
        return {"scenarios": [{"key": "rate-fixed-100", "peers": peers_}], "idle": {}}

    def verdicts(self, summary):
        return {g["goal"]: g["verdict"] for g in report.goals(summary)
                if g["where"].startswith("rate-fixed-100 epoll") and g["goal"].startswith("CPU/req")}

    def test_met_and_missed_follow_the_ratios(self):
        met = self.verdicts(self.summary(user=0.7, total=9.0, c_total=8.0))
        self.assertEqual(len(met), 3)
        self.assertEqual(set(met.values()), {"met"})
        missed = self.verdicts(self.summary(user=0.8, total=9.5, c_total=8.0))
        self.assertEqual(set(missed.values()), {"missed"})

    def test_a_load_generator_behind_schedule_makes_the_rate_goals_unsound(self):
        summary = self.summary(user=0.7, total=9.0, c_total=8.0)
        summary["scenarios"][0]["peers"]["netty-epoll"]["send_lag_p99_us"] = 5000
        verdicts = self.verdicts(summary)
        self.assertTrue(all(v.startswith("unsound (met;") for v in verdicts.values()), verdicts)

    def test_a_goal_that_plain_c_misses_too_says_so(self):
        summary = self.summary(user=0.8, total=9.5, c_total=9.8)
        rows = {g["goal"]: g for g in report.goals(summary) if g["where"] == "rate-fixed-100 epoll"}
        total = rows["CPU/req, total vs Netty"]
        self.assertEqual(total["c_value"], 0.98)
        self.assertEqual(total["verdict"], "missed; plain C misses it too")
        user = rows["CPU/req, user time vs Netty"]
        self.assertEqual(user["c_value"], 0.1)      # C's user time is far below the target
        self.assertEqual(user["verdict"], "missed")

    def test_unmeasured_goals_are_not_verdicts(self):
        rows = report.goals({"scenarios": [], "idle": {}})
        self.assertTrue(rows)
        self.assertEqual({g["verdict"] for g in rows}, {"n/a"})


if __name__ == "__main__":
    unittest.main(verbosity=1)
