#!/usr/bin/env bash
# Full check: formatting, clippy, the Rust tests and (when present) the web tests.
# PostgreSQL-backed tests use CLOOP_TEST_DATABASE_URL (set by `make test`).
# Clippy and the tests both use the default target dir and the debug profile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${CI:-}" == "true" ]]; then
  export CARGO_TERM_COLOR=never
fi

echo "test: cargo fmt --check"
cargo fmt --all -- --check

echo "test: cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

if [[ -n "${CLOOP_TEST_DATABASE_URL:-}" ]]; then
  echo "test: PostgreSQL tests against ${CLOOP_TEST_DATABASE_URL}"
else
  echo "test: CLOOP_TEST_DATABASE_URL not set; PostgreSQL tests will be skipped or fail"
fi

if cargo nextest --version >/dev/null 2>&1; then
  echo "test: cargo nextest run"
  cargo nextest run --workspace --locked --no-fail-fast
else
  echo "test: cargo test (cargo-nextest not installed)"
  cargo test --workspace --locked --no-fail-fast
fi

if [[ -f web/package.json ]]; then
  echo "test: web (npm test)"
  (
    cd web
    if [[ ! -d node_modules ]]; then
      npm ci || npm install
    fi
    npm test
  )
fi
echo "test: all passed"
