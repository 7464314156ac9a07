# ArqonHPO developer entry points. `make test` is what CI runs (.ci/run); `make demo` is the
# README's quick start. Every install step lives here so a fresh clone needs only the toolchain.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
CORE_FEATURES := --features arqonhpo-core/schema

.PHONY: test demo test-rust nostd contracts

## Everything CI runs: Rust tests (core, CLI, C ABI), the no_std build, Python tests, drift checks.
test: test-rust nostd

# ---------------------------------------------------------------------------------------------
# Rust (core engine)
# ---------------------------------------------------------------------------------------------
test-rust:
	$(CARGO) test --workspace --all-targets $(CORE_FEATURES)
	$(CARGO) test --workspace --doc $(CORE_FEATURES)

nostd:
	$(CARGO) build -p arqonhpo-core --no-default-features

# Regenerates contracts/ (schemas and golden runs); the drift test checks they are committed.
contracts:
	$(CARGO) run -q -p arqonhpo-core --features schema --bin gen-contracts

# ---------------------------------------------------------------------------------------------
# Python package (bindings/python)
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# CLI (crates/cli)
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# C ABI (crates/ffi)
# ---------------------------------------------------------------------------------------------
