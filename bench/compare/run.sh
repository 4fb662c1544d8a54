#!/usr/bin/env bash
# bench/compare/run.sh [--quick] [--only echo|http] [--rate R] [--wait-budget S]: compares the echo
# servers side by side (ringwire epoll, ringwire io_uring, plain C epoll, Netty epoll and io_uring),
# then ringwire http against Netty http on GET /plaintext under wrk, and prints markdown tables;
# raw results go to bench/results/. A full run takes about 12 minutes on a quiet machine (it
# waits out other load for up to --wait-budget, 180 s by default); --quick about 3.
# `make bench-compare` builds everything first and calls this; see bench/README.md for the method.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

if [ ! -f "$root/cli/target/ringwire-cli.jar" ]; then
  echo "run.sh: ringwire is not built yet; run 'make build' (or 'make bench-compare')" >&2
  exit 2
fi
if [ ! -f "$root/bench/target/benchmarks.jar" ]; then
  echo "run.sh: the bench jar (the Netty peers) is not built yet; run 'make build' (or 'make bench-compare')" >&2
  exit 2
fi
# The two C programs are small and their Makefiles incremental: always bring them up to date.
make -s -C "$root/bench/loadgen"
make -s -C "$root/bench/cserver"
for tool in taskset:util-linux strace:strace wrk:wrk; do
  if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
    echo "run.sh: installing ${tool##*:} from Debian (for ${tool%%:*})" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool##*:}"
  fi
done
if [ "$(nproc)" -lt 2 ]; then
  echo "run.sh: needs 2 CPUs (server on CPU 0, load generator on CPU 1); this machine has $(nproc)" >&2
  exit 2
fi
# 10,000 idle connections need that many descriptors in the server and in the load generator.
want=20000
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
ulimit -n "$want"
if [ "$want" -lt 10100 ]; then
  echo "run.sh: the descriptor limit is $want; the idle-connection test needs about 10,100" >&2
  exit 2
fi
exec python3 "$root/bench/compare/compare.py" "$@"
