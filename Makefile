SHELL := /bin/bash

DATA_DIR ?= ./cloop-data

.PHONY: run web test fmt lint bench-intake

## Build everything and run the server with demo data (prints URL and demo logins).
run:
	bash scripts/ensure-deps.sh
	$(MAKE) --no-print-directory web
	cargo build --release -p cloop-cli
	./target/release/cloop demo --data-dir $(DATA_DIR) --if-empty
	./target/release/cloop serve --data-dir $(DATA_DIR) --print-logins

## Build the web front end, if there is one yet (the binary ships a placeholder page otherwise).
web:
	@if [[ -f web/package.json ]]; then \
	  cd web && (npm ci || npm install) && npm run build; \
	else \
	  echo "web: no web/package.json yet; skipping"; \
	fi

## fmt check, clippy, all tests (SQLite and a throwaway PostgreSQL), web tests.
## The PostgreSQL server is always stopped afterwards; the exit code is that of the tests.
test:
	bash scripts/ensure-deps.sh --pg
	set -e; \
	trap 'bash scripts/pg-test.sh stop || true' EXIT; \
	bash scripts/pg-test.sh start; \
	export CLOOP_TEST_DATABASE_URL="$$(bash scripts/pg-test.sh url)"; \
	bash scripts/test.sh

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets -- -D warnings

bench-intake:
	bash bench/intake.sh
