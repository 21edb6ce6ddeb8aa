//! Black-box tests of the HTTP API: each test starts the real server on a random port over a
//! fresh database and talks to it with reqwest, once on SQLite and once on PostgreSQL.
//!
//! PostgreSQL variants need `CLOOP_TEST_DATABASE_URL` (e.g. from `bash scripts/pg-test.sh url`);
//! without it they are skipped with a note, except when `CI=true`, where they fail.

mod helpers;

mod admin;
mod auth;
mod bad_input;
mod intake;
mod lifecycle;
mod ops;
mod portal;
mod routing;
mod scope;
mod search;
mod sla;
mod workbench;
