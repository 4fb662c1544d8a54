#!/usr/bin/env bash
# bench/compare/run.sh [--quick] [--only echo|http|frame|idle]... [--scenarios KEY,...] [--rate R] [--runs N]
#   [--wait-budget S] [--report-from RAW.json --out DIR]:
# compares ringwire with Netty 4.2, the plain JDK and plain C servers side by side on loopback (echo,
# HTTP /plaintext, the frame protocol, idle connections), prints a Markdown report, and writes the raw
# data to bench/results/DATE-HOST.json and the tables and PNG charts to bench/results/DATE-HOST-PROFILE/.
# A full run takes about 30 minutes on a quiet 2-CPU machine; --quick (the smoke run) about 2.
# `make bench` / `make bench-quick` build everything first and call this; see bench/README.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Arguments first: a typo or --help should not wait for builds or installs.
python3 "$root/bench/compare/compare.py" --check-args "$@" || exit $?
case " $* " in *" -h "* | *" --help "*) exit 0 ;; esac
# Writing the report of an earlier run again needs nothing built and nothing started.
case " $* " in *" --report-from "*) exec python3 "$root/bench/compare/compare.py" "$@" ;; esac

if [ ! -f "$root/cli/target/ringwire-cli.jar" ]; then
  echo "run.sh: ringwire is not built yet; run 'make build' (or 'make bench')" >&2
  exit 2
fi
if [ ! -f "$root/bench/target/benchmarks.jar" ]; then
  echo "run.sh: the bench jar (the Netty and JDK peers) is not built yet; run 'make build' (or 'make bench')" >&2
  exit 2
fi
# The two C programs are small and their Makefiles incremental: always bring them up to date.
make -s -C "$root/bench/loadgen"
make -s -C "$root/bench/cserver"
for tool in taskset:util-linux wrk:wrk gnuplot:gnuplot-nox; do
  if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
    echo "run.sh: installing ${tool##*:} from Debian (for ${tool%%:*})" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${tool##*:}" >/dev/null
  fi
done
if [ "$(nproc)" -lt 2 ]; then
  echo "run.sh: needs 2 CPUs (server on CPU 0, load generator on CPU 1); this machine has $(nproc)" >&2
  exit 2
fi
# 100,000 idle connections need that many descriptors in the server and in the load generator.
# root may raise the hard limit (up to fs.nr_open); otherwise take what the hard limit allows, and
# the idle phase skips the counts that do not fit.
if ! ulimit -n 210000 2>/dev/null; then
  hard=$(ulimit -Hn)
  [ "$hard" = unlimited ] && hard=210000
  ulimit -n "$hard"
  echo "run.sh: the descriptor limit is $hard (could not raise it to 210,000): idle phases above it are skipped" >&2
fi
exec python3 "$root/bench/compare/compare.py" "$@"
