# The two set-up commands of the README: `make run` and `make test`.
SWIFT ?= swift
FLEET_AUDIT = .build/debug/fleet-audit

.PHONY: run test build deps test-deps lint clean bench fuzz install check-install

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build

# The workshop loop on the bundled snapshot: audit -> mitigate -> logging -> re-audit.
run: build
	@scripts/workshop-loop.sh

# Every test: the Swift suites (reader, executor, checks, CLI, schema) and the validator's own tests.
test: test-deps lint
	$(SWIFT) build
	$(SWIFT) test
	python3 -m pytest -q scripts/tests Benchmarks/baseline

# One self-contained binary to hand over: a release build with the Swift runtime and libjansson
# linked statically, copied to $(PREFIX)/bin (scripts/install.sh). make install PREFIX=$$HOME/.local
PREFIX ?= /usr/local
install: deps
	@scripts/install.sh "$(DESTDIR)$(PREFIX)"

# Installs into a temporary prefix and checks the binary: ldd shows neither the Swift runtime nor
# libjansson, --version names this commit, and it audits the workshop from another directory.
# A release build takes minutes, so `make test` leaves this out unless FLEET_AUDIT_TEST_INSTALL=1.
check-install: deps
	@scripts/check-install.sh

# Style: swift-format with the committed .swift-format, warnings as errors.
lint:
	$(SWIFT) format lint --strict -r Sources Tests

# The fleet benchmark of docs/benchmarks.md: fleet-audit (2 and 1 workers), the parse-only
# floor and the Python baseline, side by side on generated fleets cached in .build-bench/.
# BENCH_SIZES="50000 100000 200000 1000000" make bench for the 1M run; BENCH_ROUNDS=3 make bench
# reports each run's fastest of three interleaved rounds.
bench:
	@Benchmarks/scripts/fleet-bench.sh

# libFuzzer targets (Tests/Fuzz/), SECONDS seconds each, two at a time: make fuzz SECONDS=600
SECONDS ?= 60
fuzz:
	@scripts/fuzz.sh $(SECONDS)

clean:
	rm -rf .build .build-fuzz .fuzz out
