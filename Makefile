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
.PHONY: c-header c-example

# Regenerates crates/ffi/include/arqonhpo.h with cbindgen (tests/header.rs fails on drift).
c-header:
	$(CARGO) run -q -p arqonhpo-ffi --example gen_header

# Builds the release library and runs examples/c/tune.c against it (dynamic linking).
c-example:
	$(CARGO) build -q --release -p arqonhpo-ffi
	LIB=$$($(CARGO) metadata --format-version 1 --no-deps | $(PYTHON) -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release; \
	mkdir -p "$$LIB/c-example" && \
	$${CC:-cc} -std=c99 -Wall -Wextra -Werror -Icrates/ffi/include examples/c/tune.c \
		-L"$$LIB" -larqonhpo -Wl,-rpath,"$$LIB" -lm -o "$$LIB/c-example/tune" && \
	"$$LIB/c-example/tune"
