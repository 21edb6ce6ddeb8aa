#!/usr/bin/env bash
# Full check: formatting, clippy, the Rust tests and (when present) the web tests: unit tests,
# build, and the end-to-end suite in a real browser.
# PostgreSQL-backed tests use CLOOP_TEST_DATABASE_URL (set by `make test`).
# Clippy and the tests both use the default target dir and the debug profile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${CI:-}" == "true" ]]; then
  export CARGO_TERM_COLOR=never
fi

# The web front end first: its unit tests, then the build the binary embeds (web/dist), so the
# Rust build below already sees the files the end-to-end tests need.
if [[ -f web/package.json ]]; then
  echo "test: web unit tests (npm test) and build (npm run build)"
  (
    cd web
    if [[ ! -d node_modules ]]; then
      npm ci || npm install
    fi
    npm test
    npm run build
  )
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

# End-to-end: the real binary (target/debug/cloop, built by the tests above) serving the built
# web front end, driven through Debian's chromium (web/e2e, its own package with playwright-core).
if [[ -f web/package.json ]]; then
  bash scripts/ensure-deps.sh --browser
  echo "test: end-to-end (web/e2e, npm test); screenshots in test-output/screens/"
  (cd web/e2e && (npm ci || npm install) && npm test)
fi
echo "test: all passed"
