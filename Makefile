# ringwire: `make run` starts the demo server, `make test` runs every test. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := build

JAVA_HOME := $(shell bin/find-jdk)
ifeq ($(JAVA_HOME),)
$(error no JDK 21 or newer found under /usr/lib/jvm (see the message above); install one or set JAVA_HOME)
endif
JAVA_FEATURE := $(shell bin/find-jdk --feature)
export JAVA_HOME

# The flags bin/ringwire passes too. Agrona, JCTools and Maven's own libraries call
# sun.misc.Unsafe; on JDK 23+ say it is allowed, so no warning reaches the terminal.
JVM_FLAGS := --enable-native-access=ALL-UNNAMED
ifeq ($(shell [ $(JAVA_FEATURE) -ge 23 ] && echo yes),yes)
JVM_FLAGS += --sun-misc-unsafe-memory-access=allow
export MAVEN_OPTS := --sun-misc-unsafe-memory-access=allow $(MAVEN_OPTS)
endif

MVN := mvn -B -ntp
CLI_JAR := cli/target/ringwire-cli.jar
BENCH_JAR := bench/target/benchmarks.jar
# Arguments for `make bench-jmh`, passed to JMH; the default is a short run of every benchmark.
BENCH_ARGS ?= -f 1 -wi 3 -w 1s -i 5 -r 1s

.PHONY: build run test bench bench-compare bench-quick bench-jmh deps clean netns-deps nginx-deps

## deps: installs what the build needs from Debian if it is missing (gcc, make, Maven; curl,
## which the http tests and the `make run` hint use; python3, for the benchmark tooling's tests).
deps:
	@missing=""; \
	for tool in gcc:gcc mvn:maven curl:curl python3:python3; do \
	  command -v $${tool%%:*} >/dev/null 2>&1 || missing="$$missing $${tool##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing from Debian:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@echo "make: using JDK $(JAVA_FEATURE) at $(JAVA_HOME)"

## build: the native library, the jars and bin/ringwire, without running tests.
build: deps
	@echo "make: building native/ and the Maven modules (dependencies come from Maven Central)"
	$(MVN) -q package -DskipTests

## run: builds, then starts the HTTP demo in the foreground on 127.0.0.1:8080.
run: build
	@echo "make: starting 'bin/ringwire http' on 127.0.0.1:8080; try it in another terminal with:"
	@echo "        curl -i http://127.0.0.1:8080/plaintext"
	@echo "        curl http://127.0.0.1:8080/metrics"
	@echo "      Ctrl-C stops it."
	bin/ringwire http --host 127.0.0.1 --port 8080

## test: builds everything and runs the whole suite: C tests, unit, conformance and CLI tests.
test: deps netns-deps nginx-deps
	@echo "make: C tests of the native layer"
	$(MAKE) -s -C native test
	@echo "make: Java tests (transport, protocols, CLI end to end)"
	$(MVN) verify
	@echo "make: tests of the benchmark tooling (bench/loadgen, bench/cserver, bench/compare; a few seconds)"
	python3 bench/compare/test_harness.py

## bench: the whole benchmark suite of the contract: the side-by-side comparison (bench-compare),
## then the JMH micro suites (bench-jmh). About 30 minutes on a 2-CPU machine.
bench: bench-compare bench-jmh

## bench-jmh: builds, then runs the JMH microbenchmarks in bench/ with the allocation profiler
## (-prof gc); the JSON goes to bench/results/jmh-DATE-HOST.json (BENCH_ARGS=... to change the run).
JMH_JSON = bench/results/jmh-$(shell date -u +%Y%m%dT%H%M%SZ)-$(shell hostname -s).json
bench-jmh: build
	mkdir -p bench/results
	$(JAVA_HOME)/bin/java $(JVM_FLAGS) -jar $(BENCH_JAR) $(BENCH_ARGS) -prof gc -rf json -rff $(JMH_JSON)

## bench-compare: builds, then compares ringwire with Netty (epoll, io_uring, NIO), the plain JDK
## (NIO, virtual threads) and plain C (epoll, io_uring) over loopback (bench/loadgen, wrk): about
## 30 minutes; installs wrk and gnuplot from Debian if missing. See bench/README.md.
bench-compare: build
	$(MAKE) -s -C bench/loadgen
	$(MAKE) -s -C bench/cserver
	bench/compare/run.sh $(COMPARE_ARGS)

## bench-quick: the ~2-minute smoke run of the comparison (one round of the main scenarios).
bench-quick: build
	$(MAKE) -s -C bench/loadgen
	$(MAKE) -s -C bench/cserver
	bench/compare/run.sh --quick $(COMPARE_ARGS)

clean:
	$(MAKE) -s -C native clean
	$(MVN) -q clean

## bench-zerocopy: builds, then measures sendFile against a copy through Java and the splice proxy
## against a copying one, on both backends (ZEROCOPY_ARGS="ROUNDS FILE_MIB FILES PROXY_MIB"), then an
## io_uring file send by sendfile on the loop against IORING_OP_SPLICE (bench/uringfile). About 2 minutes.
.PHONY: bench-zerocopy
bench-zerocopy: build
	$(MAKE) -s -C bench/uringfile
	$(JAVA_HOME)/bin/java $(JVM_FLAGS) -cp $(BENCH_JAR) io.ringwire.bench.zerocopy.ZeroCopyBench $(ZEROCOPY_ARGS)
	@f=$$(mktemp /tmp/ringwire-uringfile.XXXXXX) && head -c $$((64 << 20)) /dev/urandom > $$f && \
		bench/uringfile/build/uringfile $$f 3 1 && bench/uringfile/build/uringfile $$f 3 32 && \
		bench/uringfile/build/uringfile $$f 3 32 4; rc=$$?; rm -f $$f; exit $$rc

## netns-deps: the heartbeat test that drops a peer's packets in a network namespace needs `ip`
## (iproute2) and `nft` (nftables), and root. Installed here if missing; if that fails, the test
## reports itself skipped with the reason.
netns-deps:
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "make: not root: the network namespace tests will be skipped"; \
	elif ! command -v ip >/dev/null 2>&1 || ! { command -v nft >/dev/null 2>&1 || command -v iptables >/dev/null 2>&1; }; then \
	  echo "make: installing iproute2 and nftables from Debian, for the network namespace tests"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 nftables; } \
	    || echo "make: could not install them: the network namespace tests will be skipped"; \
	fi

## nginx-deps: the HTTP client is tested against a real nginx (FetchNginxIT), started by the test
## on a loopback port with a config it writes. Installed here (Debian's nginx-light) if missing;
## if that fails the test says why it skipped, or fails when CI is set.
nginx-deps:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "make: nginx is missing and this is not root: the nginx client test will be skipped"; \
	  else \
	    echo "make: installing nginx-light from Debian, for the HTTP client's nginx test"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light; } \
	      || echo "make: could not install nginx: the nginx client test will be skipped (or fail, under CI)"; \
	  fi; \
	fi
