# ArqonHPO developer entry points. `make test` is what CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo

.PHONY: test test-rust nostd
test: test-rust nostd

test-rust:
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc

nostd:
	$(CARGO) build -p arqonhpo-core --no-default-features
