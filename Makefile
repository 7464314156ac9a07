# ArqonHPO developer entry points. `make test` is what CI runs (.ci/run); `make demo` is the
# README's quick start. Every install step lives here so a fresh clone needs only the toolchain.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
CORE_FEATURES := --features arqonhpo-core/schema

.PHONY: test demo test-rust nostd contracts bench-core fuzz

## Everything CI runs: Rust tests (core, CLI, C ABI), the no_std build, Python tests, drift checks.
test: test-rust nostd test-python wheel-check bench-gate docs-check

# ---------------------------------------------------------------------------------------------
# Rust (core engine)
# ---------------------------------------------------------------------------------------------
# Benches are compiled here (so they cannot rot) but run only by `make bench-core`.
test-rust:
	$(CARGO) test --workspace --lib --bins --tests --examples $(CORE_FEATURES)
	$(CARGO) test --workspace --doc $(CORE_FEATURES)
	$(CARGO) bench --workspace --no-run

# Criterion: per-trial ask+tell by strategy, dimension and history length (minutes; not in CI).
bench-core:
	$(CARGO) bench -p arqonhpo-core --bench ask_tell

# The core builds without std (alloc + libm only), and with its optional tracing spans.
nostd:
	$(CARGO) build -p arqonhpo-core --no-default-features
	$(CARGO) build -p arqonhpo-core --features tracing

# Fuzzing (fuzz/README.md): libFuzzer through cargo-fuzz, on the stable toolchain.
FUZZ_TARGETS ?= config_json ask_tell
FUZZ_SECONDS ?= 180
fuzz:
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd fuzz && for t in $(FUZZ_TARGETS); do \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run -O $$t corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096; \
	done

# Regenerates contracts/ (schemas and golden runs); the drift test checks they are committed.
contracts:
	$(CARGO) run -q -p arqonhpo-core --features schema --bin gen-contracts

# ---------------------------------------------------------------------------------------------
# Python package (bindings/python)
# ---------------------------------------------------------------------------------------------
# The extension is built by maturin, which sets PYO3_BUILD_EXTENSION_MODULE so the wheel does
# not link libpython; `cargo test --workspace` builds the same crate as a plain cdylib that
# links libpython, which also succeeds (the crate has no Rust test targets: it is tested from
# Python). Stamps under .venv keep `make test` incremental: the requirements are reinstalled
# only when the requirements file changes, the module is rebuilt only when Rust sources change.
PY_DIR := bindings/python
PY_REQS := $(PY_DIR)/requirements-dev.txt
PY_ABS_VENV := $(abspath $(VENV))
PY_SOURCES := $(shell find crates/core/src crates/core/Cargo.toml $(PY_DIR)/src $(PY_DIR)/Cargo.toml $(PY_DIR)/pyproject.toml Cargo.toml Cargo.lock -type f 2>/dev/null)
BENCH_VENV := .bench-venv

.PHONY: venv python-dev test-python wheel-check bench-overhead

## The development venv (.venv) with the test requirements.
venv: $(VENV)/.requirements-stamp
$(VENV)/.requirements-stamp: $(PY_REQS)
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r $(PY_REQS)
	touch $@

## Builds arqonhpo._core (release) and installs the package into .venv in editable mode.
## The stamp skips maturin when no Rust source changed; a missing module forces a rebuild.
python-dev: $(VENV)/.python-dev-stamp
	$(VPY) -c 'import arqonhpo._core' 2>/dev/null || { rm -f $<; $(MAKE) --no-print-directory $<; }
$(VENV)/.python-dev-stamp: $(VENV)/.requirements-stamp $(PY_SOURCES)
	cd $(PY_DIR) && VIRTUAL_ENV=$(PY_ABS_VENV) PATH="$(PY_ABS_VENV)/bin:$$PATH" maturin develop --release --quiet
	touch $@

## Python tests (pytest, filterwarnings=error) and the stub check.
test-python: python-dev
	cd $(PY_DIR) && $(PY_ABS_VENV)/bin/python -m pytest
	cd $(PY_DIR)/python && $(PY_ABS_VENV)/bin/python -m mypy.stubtest arqonhpo._core

## Builds the abi3 release wheel and proves it installs and runs in a fresh venv.
wheel-check: venv
	rm -rf target/wheel-check && mkdir -p target/wheel-check
	cd $(PY_DIR) && $(PY_ABS_VENV)/bin/maturin build --release --quiet --out $(abspath target/wheel-check/dist)
	ls target/wheel-check/dist/arqonhpo-*-cp310-abi3-*.whl
	$(PYTHON) -m venv target/wheel-check/venv
	target/wheel-check/venv/bin/python -m pip install --quiet --no-index target/wheel-check/dist/arqonhpo-*.whl
	cd target/wheel-check && venv/bin/python -c 'import arqonhpo as aq, pathlib; \
		assert "site-packages" in aq.__file__, aq.__file__; \
		assert (pathlib.Path(aq.__file__).parent / "py.typed").exists(); \
		r = aq.minimize(lambda x: (x - 1) ** 2, {"x": aq.Float(-3, 3)}, budget=30, seed=0); \
		assert r.best_value < 1e-2, r.best_value; print("wheel OK:", aq.__version__, r.best_value)'

## Sim Tuning demo: builds into the venv and tunes a PID controller.
demo: python-dev
	$(VPY) examples/python/sim_tuning.py

## Per-trial ask+tell overhead through Python vs Optuna (separate venv; minutes; not in CI).
bench-overhead: $(BENCH_VENV)/.stamp
	cd $(PY_DIR) && $(PY_ABS_VENV)/bin/maturin build --release --quiet --out $(abspath target/bench-wheel)
	$(BENCH_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps target/bench-wheel/arqonhpo-*.whl
	$(BENCH_VENV)/bin/python benchmarks/overhead.py
$(BENCH_VENV)/.stamp: venv
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet "optuna>=4,<6" "numpy>=1.26,<3"
	touch $@

# ---------------------------------------------------------------------------------------------
# Benchmarks (benchmarks/: quality and cost against peers; docs/benchmarks.md)
# ---------------------------------------------------------------------------------------------
.PHONY: bench-venv bench bench-quick bench-gate
BENCH_JOBS ?= 2
BENCH_WHEEL := target/bench-suite-wheel

## The benchmark venv: the peers pinned in benchmarks/requirements.txt, plus arqonhpo from this
## checkout as a release wheel (rebuilt each time; cargo skips it when nothing changed).
bench-venv: $(BENCH_VENV)/.suite-stamp
	rm -rf $(BENCH_WHEEL)
	cd $(PY_DIR) && $(abspath $(BENCH_VENV))/bin/maturin build --release --quiet --out $(abspath $(BENCH_WHEEL))
	$(BENCH_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps $(BENCH_WHEEL)/arqonhpo-*.whl
$(BENCH_VENV)/.suite-stamp: benchmarks/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r benchmarks/requirements.txt
	touch $@

## The full matrix: the suite's self-checks, quality (D = 2, 5, 10 at 100·D; use cases), cost,
## then the page (hours).
bench: bench-venv
	$(BENCH_VENV)/bin/python -m pytest -q -p no:cacheprovider benchmarks/tests
	$(BENCH_VENV)/bin/python benchmarks/run.py all --profile full --jobs $(BENCH_JOBS)

## The profile published in docs/benchmarks.md (about an hour and a half on 2 busy cores).
bench-quick: bench-venv
	$(BENCH_VENV)/bin/python -m pytest -q -p no:cacheprovider benchmarks/tests
	$(BENCH_VENV)/bin/python benchmarks/run.py all --profile quick --jobs $(BENCH_JOBS)

## CI regression gate (seconds): fixed seeds, generous thresholds, in the main .venv.
bench-gate: python-dev
	$(VPY) -m pytest -q benchmarks/gate

# ---------------------------------------------------------------------------------------------
# CLI (crates/cli)
# ---------------------------------------------------------------------------------------------
.PHONY: cli-docs test-cli

## Regenerates the CLI reference (docs/cli-reference.md), man pages and shell completions
## (crates/cli/assets/); a test in `cargo test -p arqonhpo-cli` fails when they are stale.
cli-docs:
	$(CARGO) run -q -p arqonhpo-cli --example gen_cli_docs

## The CLI's own tests (the workspace `test-rust` target runs them too).
test-cli:
	$(CARGO) test -p arqonhpo-cli


# ---------------------------------------------------------------------------------------------
# C ABI (crates/ffi)
# ---------------------------------------------------------------------------------------------
.PHONY: c-header c-example c-bench

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

# Criterion: what the C ABI adds per ask+tell (JSON and array forms) and per call (minutes).
c-bench:
	$(CARGO) bench -p arqonhpo-ffi --bench abi_overhead


# ---------------------------------------------------------------------------------------------
# Documentation site (mkdocs.yml, docs/)
# ---------------------------------------------------------------------------------------------
.PHONY: docs docs-serve docs-check docs-outputs docs-schemas
DOCS_VENV := .docs-venv
COOKBOOK_REQS := docs/requirements-cookbook.txt

# The toolchain lives in its own venv: it needs neither the Rust build nor the test packages.
$(DOCS_VENV)/.stamp: docs/requirements.txt
	test -x $(DOCS_VENV)/bin/python || $(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DOCS_VENV)/bin/python -m pip install --quiet -r docs/requirements.txt
	touch $@

## Builds the site into site/ (mkdocs --strict: no warning, broken link or anchor), and the
## Rust API (cargo doc) under site/rust/.
docs: $(DOCS_VENV)/.stamp
	NO_MKDOCS_2_WARNING=1 $(DOCS_VENV)/bin/mkdocs build --strict --site-dir site
	$(CARGO) doc -q --no-deps -p arqonhpo-core -p arqonhpo-ffi -p arqonhpo-cli $(CORE_FEATURES)
	rm -rf site/rust && cp -r "$$($(CARGO) metadata --format-version 1 --no-deps | $(PYTHON) -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/doc" site/rust

## Serves the site on http://127.0.0.1:8000 and rebuilds on every change.
docs-serve: $(DOCS_VENV)/.stamp
	NO_MKDOCS_2_WARNING=1 $(DOCS_VENV)/bin/mkdocs serve

$(VENV)/.cookbook-stamp: $(COOKBOOK_REQS) $(VENV)/.requirements-stamp
	$(VPY) -m pip install --quiet -r $(COOKBOOK_REQS)
	touch $@

## The strict build, then every recipe and snippet on the site run and compared with the
## output its page shows (docs/tests; a few minutes).
docs-check: docs python-dev $(VENV)/.cookbook-stamp
	$(CARGO) build -q -p arqonhpo-cli -p arqonhpo-ffi
	$(VPY) -m pytest -q docs/tests

## Re-runs the recipes and rewrites the outputs and figures their pages include.
docs-outputs: python-dev $(VENV)/.cookbook-stamp
	$(CARGO) build -q -p arqonhpo-cli -p arqonhpo-ffi
	$(VPY) docs/tests/recipes.py $(RECIPES)

## Regenerates docs/reference/schemas.md from contracts/*.schema.json (a docs test checks it).
docs-schemas:
	$(PYTHON) docs/gen_schemas.py
