# The two set-up commands of the README: `make run` and `make test`.
SWIFT ?= swift
FLEET_AUDIT = .build/debug/fleet-audit

.PHONY: run test build deps test-deps lint clean bench fuzz

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build

# Audits the bundled workshop snapshot and shows the result.
# The workshop loop on the bundled snapshot: audit -> mitigate -> logging -> re-audit.
run: build
	@scripts/workshop-loop.sh

# Every test: the Swift suites (reader, executor, checks, CLI, schema) and the validator's own tests.
test: test-deps lint
	$(SWIFT) build
	$(SWIFT) test
	python3 -m pytest -q scripts Benchmarks/baseline

# Style: swift-format with the committed .swift-format, warnings as errors.
lint:
	$(SWIFT) format lint --strict -r Sources Tests

# The fleet benchmark of docs/benchmarks.md: fleet-audit (2 and 1 workers), the parse-only
# floor and the Python baseline, side by side on generated fleets cached in .build-bench/.
# BENCH_SIZES="50000 100000 200000 1000000" make bench for the 1M run.
bench:
	@Benchmarks/scripts/fleet-bench.sh

# libFuzzer targets (Tests/Fuzz/), SECONDS seconds each, two at a time: make fuzz SECONDS=600
SECONDS ?= 60
fuzz:
	@scripts/fuzz.sh $(SECONDS)

clean:
	rm -rf .build .build-fuzz .fuzz out
