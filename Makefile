# ArqonHPO developer entry points. `make test` is what CI runs (.ci/run); `make demo` is the
# README's quick start. Every install step lives here so a fresh clone needs only the toolchain.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
CORE_FEATURES := --features arqonhpo-core/schema
# Each published package carries the licence text; packagers cannot reach the root's copy.
LICENSE_COPIES := crates/core/LICENSE crates/cli/LICENSE bindings/python/LICENSE

.PHONY: test lint demo test-rust nostd contracts bench-core fuzz fuzz-cmin fuzz-tool

## Everything CI runs: the lint, Rust tests (core, CLI, C ABI), the no_std build, Python tests,
## drift checks.
test: lint lint-workflows catalog-check test-rust nostd test-python test-integrations test-dashboard \
	wheel-check bench-gate docs-check

## Formatting, clippy (also type-checks benches and examples), ruff, the MSRV audit, rustdoc.
## ruff comes from the venv's requirements, so every checkout lints with the same version.
lint: venv
	$(CARGO) fmt --all --check
	cd fuzz && $(CARGO) fmt --check
	$(CARGO) clippy --workspace --all-targets $(CORE_FEATURES) -- -D warnings
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PYTHON) .ci/check_msrv.py
	for f in $(LICENSE_COPIES); do cmp LICENSE $$f || exit 1; done
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps


# ---------------------------------------------------------------------------------------------
# Rust (core engine)
# ---------------------------------------------------------------------------------------------
# Unit, integration and doc tests, with the examples built. Benches are type-checked here (so
# they cannot rot, in seconds rather than an optimised build) and run only by `make bench-core`.
test-rust:
	$(CARGO) test --workspace $(CORE_FEATURES)
	$(CARGO) check --workspace --benches $(CORE_FEATURES)

# Criterion: per-trial ask+tell by strategy, dimension and history length (minutes; not in CI).
bench-core:
	$(CARGO) bench -p arqonhpo-core --bench ask_tell

# The core builds without std (alloc + libm only), and with its optional tracing spans.
nostd:
	$(CARGO) build -p arqonhpo-core --no-default-features
	$(CARGO) build -p arqonhpo-core --features tracing

# Fuzzing (fuzz/README.md): libFuzzer through cargo-fuzz, on the stable toolchain. Each target
# runs in turn, one job, until FUZZ_SECONDS (0: no limit) or FUZZ_RUNS executions (-1: no
# limit). The core has no unsafe code, so the default build has no sanitizer (about 10x faster);
# FUZZ_SANITIZER=address FUZZ_RUNS=0 replays the committed corpus under ASan instead.
FUZZ_TARGETS ?= config_json ask_tell journal_replay state_file legacy_config
FUZZ_SECONDS ?= 180
FUZZ_RUNS ?= -1
FUZZ_SANITIZER ?= none
FUZZ := RUSTC_BOOTSTRAP=1 $(CARGO) fuzz
fuzz: fuzz-tool
	cd fuzz && for t in $(FUZZ_TARGETS); do \
		$(FUZZ) run -O -s $(FUZZ_SANITIZER) $$t corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) \
			-runs=$(FUZZ_RUNS) -rss_limit_mb=4096 -print_final_stats=1; \
	done

# Shrinks each committed corpus to the inputs that keep its coverage (run after `make fuzz`).
fuzz-cmin: fuzz-tool
	cd fuzz && for t in $(FUZZ_TARGETS); do \
		$(FUZZ) cmin -O -s $(FUZZ_SANITIZER) $$t corpus/$$t -- -rss_limit_mb=4096; \
	done

fuzz-tool:
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked

# Regenerates contracts/ (schemas and golden runs); the drift test checks they are committed.
contracts:
	$(CARGO) run -q -p xtask -- contracts

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

## Builds arqonhpo._core (release) and installs the package into .venv in editable mode, with
## the `test-hooks` feature the tests use (never in a wheel). The stamp skips maturin when no
## Rust source changed; a missing module forces a rebuild.
python-dev: $(VENV)/.python-dev-stamp
	$(VPY) -c 'import arqonhpo._core' 2>/dev/null || { rm -f $<; $(MAKE) --no-print-directory $<; }
$(VENV)/.python-dev-stamp: $(VENV)/.requirements-stamp $(PY_SOURCES)
	cd $(PY_DIR) && VIRTUAL_ENV=$(PY_ABS_VENV) PATH="$(PY_ABS_VENV)/bin:$$PATH" maturin develop --release --quiet --features test-hooks
	touch $@

## Python tests (pytest, filterwarnings=error) and the stub check.
test-python: python-dev
	$(CARGO) build -q -p arqonhpo-cli
	cd $(PY_DIR) && ARQONHPO_CLI=$(abspath target/debug/arqonhpo-cli) $(PY_ABS_VENV)/bin/python -m pytest
	cd $(PY_DIR)/python && $(PY_ABS_VENV)/bin/python -m mypy.stubtest arqonhpo._core

## The integrations against the real engines (Ray, Dask, scikit-learn, Optuna; a few minutes):
## their requirements go into .venv from a separate file, so the core tests stay light.
PY_INT_REQS := $(PY_DIR)/requirements-integrations.txt
.PHONY: test-integrations
test-integrations: python-dev $(VENV)/.integrations-stamp
	cd $(PY_DIR) && $(PY_ABS_VENV)/bin/python -m pytest -o 'norecursedirs=.* build dist' tests/integrations
$(VENV)/.integrations-stamp: $(PY_INT_REQS) $(VENV)/.requirements-stamp
	$(VPY) -m pip install --quiet -r $(PY_INT_REQS)
	touch $@

## Builds the abi3 release wheel and proves it installs and runs in a fresh venv.
wheel-check: venv
	rm -rf target/wheel-check && mkdir -p target/wheel-check
	cd $(PY_DIR) && $(PY_ABS_VENV)/bin/maturin build --release --quiet --out $(abspath target/wheel-check/dist)
	ls target/wheel-check/dist/arqonhpo-*-cp310-abi3-*.whl
	$(PYTHON) tools/release/wheel_license.py target/wheel-check/dist/arqonhpo-*.whl
	$(PYTHON) -m venv target/wheel-check/venv
	target/wheel-check/venv/bin/python -m pip install --quiet --no-index target/wheel-check/dist/arqonhpo-*.whl
	cd target/wheel-check && venv/bin/python -c 'import arqonhpo as aq, pathlib; \
		assert "site-packages" in aq.__file__, aq.__file__; \
		assert (pathlib.Path(aq.__file__).parent / "py.typed").exists(); \
		assert not hasattr(aq._core, "_panic_for_tests"), "test hooks in the wheel"; \
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
.PHONY: bench-venv bench bench-quick bench-gate bench-small bench-rotated bench-arqon-rows
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

## Issue 17's small budgets (10·D, 20·D; simulation at 50 and 100) and issue 16's rotated
## functions at 100·D with the cost of the nearest peers (about 70 minutes together on one
## worker of 2 busy cores); the page is the quick profile's, which shows both.
BENCH_NICE := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 $(BENCH_VENV)/bin/python benchmarks/run.py
bench-small: bench-venv
	$(BENCH_NICE) quality --profile small --jobs 1
	$(BENCH_NICE) report --profile quick
bench-rotated: bench-venv
	$(BENCH_NICE) quality --profile rotated --jobs 1
	$(BENCH_NICE) cost --profile rotated
	$(BENCH_NICE) report --profile quick

## After an engine change: drop and re-run only ArqonHPO's rows of the small and rotated
## profiles (the peers' rows do not depend on the engine), re-measure the rotated cost table
## in one run (its ratios compare side by side), then regenerate the page and the README table.
BENCH_ARQON_ROWS := arqon_auto arqon_cmaes
bench-arqon-rows: bench-venv
	$(BENCH_NICE) quality --profile small --jobs 1 --redo $(BENCH_ARQON_ROWS) --optimizers $(BENCH_ARQON_ROWS)
	$(BENCH_NICE) quality --profile rotated --jobs 1 --redo $(BENCH_ARQON_ROWS) --optimizers $(BENCH_ARQON_ROWS)
	rm -f benchmarks/results/rotated/cost.json
	$(BENCH_NICE) cost --profile rotated
	$(BENCH_NICE) report --profile quick

## CI regression gate (seconds): fixed seeds, generous thresholds, in the main .venv; and the
## published pages are what the saved results render to (about 15 s).
bench-gate: python-dev
	$(VPY) -m pytest -q benchmarks/gate benchmarks/tests/test_report.py benchmarks/tests/test_budgets.py

# ---------------------------------------------------------------------------------------------
# CLI (crates/cli)
# ---------------------------------------------------------------------------------------------
.PHONY: cli-docs test-cli test-dashboard dashboard-figures

## Regenerates the CLI reference (docs/cli-reference.md), man pages and shell completions
## (crates/cli/assets/); a test in `cargo test -p arqonhpo-cli` fails when they are stale.
cli-docs:
	$(CARGO) run -q -p xtask -- cli-docs

## The CLI's own tests (the workspace `test-rust` target runs them too).
test-cli:
	$(CARGO) test -p arqonhpo-cli

## `dashboard` in a real headless Chromium over the DevTools protocol: a finished run, a live
## state file and journal, two runs compared, a 100 000-trial artifact; screenshots go to
## target/dashboard-screenshots. Installs Debian's chromium with apt-get (CI runs as root);
## skipped, saying so, only where neither chromium nor apt-get exists.
DASHBOARD_ENV = ARQONHPO_CLI=$(abspath target/debug/arqonhpo-cli)
test-dashboard: python-dev
	$(CARGO) build -q -p arqonhpo-cli
	if ! command -v chromium >/dev/null && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
	if command -v chromium >/dev/null; then \
		$(DASHBOARD_ENV) $(VPY) -m pytest -q -W error -p no:cacheprovider crates/cli/tests/browser; \
	else echo "SKIPPED test-dashboard: chromium is not installed and apt-get is not available to install it"; fi

## Regenerates the dashboard screenshots in docs/figures from the browser test.
dashboard-figures: python-dev
	$(MAKE) --no-print-directory test-dashboard DASHBOARD_ENV="$(DASHBOARD_ENV) DASHBOARD_SCREENSHOTS=$(abspath docs/figures)"


# ---------------------------------------------------------------------------------------------
# C ABI (crates/ffi)
# ---------------------------------------------------------------------------------------------
.PHONY: c-header c-example c-bench

# Regenerates crates/ffi/include/arqonhpo.h with cbindgen (tests/header.rs fails on drift).
c-header:
	$(CARGO) run -q -p xtask -- c-header

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
# Release engineering (tools/release, .github/workflows, RELEASE_RUNBOOK.md)
# ---------------------------------------------------------------------------------------------
# Every step of ci.yml and release.yml that can run on this machine is one of these targets.
.PHONY: release-venv lint-workflows catalog-check release-check sdist-check crates-package \
	deny deny-offline cargo-deny cargo-cyclonedx sbom provenance-subjects dist-bin \
	check-targets test-portable test-wheel
REL_VENV := .release-venv
REL_PY := $(REL_VENV)/bin/python
REL_DIR := target/release-check
CARGO_DENY_VERSION := 0.20.2
CARGO_CYCLONEDX_VERSION := 0.5.9
# Rust targets the release builds (release.yml); `check-targets` type-checks the CLI and the C
# library for those other than the host (needs `rustup target add`, done in CI).
RELEASE_TARGETS := x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl \
	x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-msvc

## Release tooling venv (.release-venv): workflow linters, maturin, CycloneDX tools.
release-venv: $(REL_VENV)/.stamp
$(REL_VENV)/.stamp: tools/release/requirements.txt
	test -x $(REL_PY) || $(PYTHON) -m venv $(REL_VENV)
	$(REL_PY) -m pip install --quiet --upgrade pip
	$(REL_PY) -m pip install --quiet -r tools/release/requirements.txt
	touch $@

## Lints every workflow: actionlint, zizmor (offline audits) and the GitHub workflow schema.
lint-workflows: release-venv
	$(REL_VENV)/bin/actionlint -no-color .github/workflows/*.yml
	$(REL_VENV)/bin/zizmor --offline --no-progress --persona auditor --config .github/zizmor.yml .github/workflows
	$(REL_VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

## The SchemaStore catalog entries in contracts/ are valid and point at the schemas' $$id.
catalog-check: release-venv
	$(REL_PY) tools/release/check_catalog.py

# cargo-deny and cargo-cyclonedx from crates.io, built once into ~/.cargo/bin (minutes).
cargo-deny:
	cargo deny --version 2>/dev/null | grep -q ' $(CARGO_DENY_VERSION)$$' || \
		$(CARGO) install cargo-deny --locked --version $(CARGO_DENY_VERSION)
cargo-cyclonedx:
	cargo cyclonedx --version 2>/dev/null | grep -q ' $(CARGO_CYCLONEDX_VERSION)$$' || \
		$(CARGO) install cargo-cyclonedx --locked --version $(CARGO_CYCLONEDX_VERSION)

## Licenses and bans (deny.toml) from the lockfile alone: no network.
deny-offline: cargo-deny
	$(CARGO) deny --offline check licenses bans

## Everything cargo-deny checks, advisories included (fetches the RustSec database; CI).
deny: cargo-deny
	$(CARGO) deny check

## The Python sdist is complete: a wheel built from it alone, in a clean venv, installs and runs.
sdist-check: release-venv
	rm -rf $(REL_DIR)/sdist && mkdir -p $(REL_DIR)/sdist/dist
	$(REL_VENV)/bin/maturin sdist --manifest-path $(PY_DIR)/Cargo.toml --out $(REL_DIR)/sdist/dist
	$(PYTHON) -m venv $(REL_DIR)/sdist/venv
	cd $(REL_DIR)/sdist && venv/bin/python -m pip install --quiet --upgrade pip && \
		mkdir unpacked && tar -xzf dist/arqonhpo-*.tar.gz -C unpacked && \
		venv/bin/python -m pip wheel --quiet --no-deps --wheel-dir wheel unpacked/arqonhpo-* && \
		venv/bin/python -m pip install --quiet --no-index wheel/arqonhpo-*.whl
	$(PYTHON) tools/release/wheel_license.py $(REL_DIR)/sdist/wheel/arqonhpo-*.whl
	cd $(REL_DIR)/sdist && venv/bin/python $(abspath tools/release/smoke.py)

## Every publishable crate packages and builds from its .crate alone, in dependency order
## (cargo orders the packages; the CLI is verified against the packaged core). The others are
## `publish = false` (the C library ships as archives, the extension inside the wheels).
PUBLISH_CRATES := arqonhpo-core arqonhpo-cli
crates-package:
	for c in $(PUBLISH_CRATES); do \
		$(CARGO) package --list --locked --allow-dirty -p $$c | grep -qx LICENSE || exit 1; \
	done
	$(CARGO) publish --dry-run --locked --allow-dirty $(addprefix -p ,$(PUBLISH_CRATES))

SBOM_WHEEL_DIR ?= $(REL_DIR)/sdist/wheel
## CycloneDX SBOMs: one per crate (cargo-cyclonedx) and one for the wheel's environment
## (cyclonedx-py), validated against the CycloneDX schema.
sbom: cargo-cyclonedx release-venv
	rm -rf $(REL_DIR)/sbom && mkdir -p $(REL_DIR)/sbom
	$(CARGO) cyclonedx --format json --spec-version 1.5 --target all
	mv crates/*/*.cdx.json $(PY_DIR)/*.cdx.json $(REL_DIR)/sbom/
	# A venv holding only the wheel (no pip or setuptools to list).
	rm -rf $(REL_DIR)/sbom-venv && $(PYTHON) -m venv --without-pip $(REL_DIR)/sbom-venv
	$(REL_PY) -m pip --python $(REL_DIR)/sbom-venv/bin/python install --quiet --no-index \
		--no-deps $(SBOM_WHEEL_DIR)/arqonhpo-*.whl
	$(REL_VENV)/bin/cyclonedx-py environment --spec-version 1.6 --output-format JSON \
		--output-file $(REL_DIR)/sbom/arqonhpo-wheel.cdx.json $(REL_DIR)/sbom-venv
	$(REL_PY) tools/release/validate_sbom.py $(REL_DIR)/sbom/*.cdx.json

## The CLI and C library of the host, packed as release.yml packs every target.
dist-bin:
	$(CARGO) build --release --locked -p arqonhpo-cli -p arqonhpo-ffi
	rm -rf $(REL_DIR)/dist && $(PYTHON) tools/release/package.py --host \
		--target "$$(rustc -vV | sed -n 's/^host: //p')" --out $(REL_DIR)/dist

## The provenance subjects (base64 sha256sum lines) of what was built here, by the script the
## release workflow runs.
provenance-subjects:
	cp $(REL_DIR)/sdist/dist/arqonhpo-*.tar.gz $(REL_DIR)/sdist/wheel/arqonhpo-*.whl $(REL_DIR)/dist/
	cp $(REL_DIR)/sbom/*.cdx.json $(REL_DIR)/dist/
	$(PYTHON) tools/release/subjects.py $(REL_DIR)/dist/* --sums $(REL_DIR)/SHA256SUMS
	cd $(REL_DIR)/dist && sha256sum --check --strict ../SHA256SUMS

## What `make release-check` proves before a tag: sdist, crates, licenses, SBOMs, archives,
## provenance subjects, catalog, workflows.
release-check: lint-workflows catalog-check sdist-check crates-package deny-offline sbom \
	dist-bin provenance-subjects

## Type-checks the CLI and the C library for every release target (CI installs the targets).
check-targets:
	for t in $(RELEASE_TARGETS); do \
		$(CARGO) check --locked --target $$t -p arqonhpo-cli -p arqonhpo-ffi --all-targets || exit 1; \
	done

## The tests that need no Unix shell tools: core, the CLI's unit tests (process trees, locks),
## the C ABI from Rust. CI runs them on macOS and Windows.
test-portable:
	$(CARGO) test --locked -p arqonhpo-core --lib --tests
	$(CARGO) test --locked -p arqonhpo-cli --lib
	$(CARGO) test --locked -p arqonhpo-ffi --test abi

## The Python tests against an installed wheel (WHEEL_DIR), in a fresh venv (CI, every OS).
WHEEL_DIR ?= target/wheel-check/dist
test-wheel:
	$(PYTHON) tools/release/test_wheel.py $(WHEEL_DIR)

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
	ARQONHPO_CLI=$(abspath target/debug/arqonhpo-cli) $(VPY) -m pytest -q docs/tests

## Re-runs the recipes and rewrites the outputs and figures their pages include.
docs-outputs: python-dev $(VENV)/.cookbook-stamp
	$(CARGO) build -q -p arqonhpo-cli -p arqonhpo-ffi
	$(VPY) docs/tests/recipes.py $(RECIPES)

## Regenerates docs/reference/schemas.md from contracts/*.schema.json (a docs test checks it).
docs-schemas:
	$(PYTHON) docs/gen_schemas.py
