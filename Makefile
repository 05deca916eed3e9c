# The two set-up commands of the README: `make run` and `make test`.
SWIFT ?= swift
OUT ?= out/workshop
FLEET_AUDIT = .build/debug/fleet-audit

.PHONY: run test build deps test-deps clean

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build

# Audits the bundled workshop snapshot and shows the result.
# Exit status 1 (a check FAILED) still shows a result; 2 and 64 stop make.
run: build
	@echo '$$ fleet-audit audit snapshots/workshop --out $(OUT) --force --checks LOGGING_DISABLED_CHECK'
	@$(FLEET_AUDIT) audit snapshots/workshop --out $(OUT) --force --checks LOGGING_DISABLED_CHECK; \
	  status=$$?; [ $$status -le 1 ] || exit $$status

# Every test: the Swift suites (reader, executor, checks, CLI, schema) and the validator's own tests.
test: test-deps
	$(SWIFT) build
	$(SWIFT) test
	python3 -m pytest -q scripts

clean:
	rm -rf .build out
