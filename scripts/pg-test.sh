#!/usr/bin/env bash
# Throwaway PostgreSQL server for the test suite.
#
#   scripts/pg-test.sh start   # init (if needed) + start + create database cloop_test
#   scripts/pg-test.sh url     # print the connection URL of cloop_test
#   scripts/pg-test.sh stop    # stop the server (no error if it is not running)
#   scripts/pg-test.sh status  # exit 0 if the server is running
#
# Environment: CLOOP_PG_DIR (default /tmp/cloop-pg-test), CLOOP_PG_PORT (default 55432).
# The server listens on 127.0.0.1 only, with trust auth for the superuser
# `postgres` (tests create one database each through it). PostgreSQL refuses to
# run as root, so as root the server runs as the `postgres` OS user.
set -euo pipefail

DIR="${CLOOP_PG_DIR:-/tmp/cloop-pg-test}"
PORT="${CLOOP_PG_PORT:-55432}"
DB=cloop_test
PG_OS_USER=postgres

log() { echo "pg-test: $*"; }
die() { echo "pg-test: $*" >&2; exit 1; }

url() { echo "postgres://postgres@127.0.0.1:${PORT}/${DB}"; }

find_bin() {
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [[ -z "$PGBIN" || ! -x "$PGBIN/pg_ctl" ]]; then
    die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (run: bash scripts/ensure-deps.sh --pg)"
  fi
}

# Run a server-side command as the postgres OS user when we are root.
# fd 9 (our lock) is closed so the daemonised postmaster does not inherit it.
as_pg() {
  if (( EUID == 0 )); then
    id -u "$PG_OS_USER" >/dev/null 2>&1 || die "OS user '$PG_OS_USER' does not exist (is the postgresql package installed?)"
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u "$PG_OS_USER" -- "$@" 9>&-)
    else
      (cd / && su "$PG_OS_USER" -s /bin/bash -c "$(printf '%q ' "$@")" 9>&-)
    fi
  else
    (cd / && "$@" 9>&-)
  fi
}

psql_admin() {
  PGCONNECT_TIMEOUT=10 "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PORT" -U postgres -d postgres "$@"
}

dir_running() {
  [[ -f "$DIR/PG_VERSION" ]] && as_pg "$PGBIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1
}

port_ready() {
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2 >/dev/null 2>&1
}

prepare_dir() {
  mkdir -p "$DIR"
  if (( EUID == 0 )); then
    chown "$PG_OS_USER:$PG_OS_USER" "$DIR"
  fi
  chmod 700 "$DIR"
}

run_initdb() { # $1 = locale
  local out
  out="$(mktemp /tmp/cloop-pg-initdb.XXXXXX.log)"
  if as_pg "$PGBIN/initdb" -D "$DIR" -A trust -U postgres --encoding=UTF8 --locale="$1" >"$out" 2>&1; then
    rm -f "$out"
    return 0
  fi
  INITDB_LOG="$out"
  return 1
}

start() {
  find_bin
  # A server that is starting up or dying (e.g. just killed) may be "running"
  # without answering yet: give it a few seconds to settle either way.
  local i
  for (( i = 0; i < 20; i++ )); do
    if ! dir_running || port_ready; then break; fi
    sleep 0.5
  done
  if dir_running; then
    port_ready || die "server in $DIR is running but not answering on 127.0.0.1:$PORT (started with another CLOOP_PG_PORT?)"
    log "reusing server already running in $DIR on 127.0.0.1:$PORT"
  elif port_ready; then
    log "reusing server already listening on 127.0.0.1:$PORT"
  else
    if [[ -e "$DIR" ]]; then
      # Only delete what looks like a (dead) cluster of ours or an empty dir.
      if [[ -f "$DIR/PG_VERSION" || -z "$(ls -A "$DIR" 2>/dev/null)" ]]; then
        log "removing old data directory $DIR (no server running)"
        rm -rf "$DIR"
      else
        die "$DIR exists and is not a PostgreSQL data directory; refusing to delete it (set CLOOP_PG_DIR)"
      fi
    fi
    local locale=C.UTF-8 locales
    locales="$(locale -a 2>/dev/null || true)"
    if ! grep -qiE '^c\.utf-?8$' <<<"$locales"; then
      locale=C
    fi
    prepare_dir
    log "initdb $DIR (PostgreSQL $(basename "$(dirname "$PGBIN")"), locale $locale)"
    INITDB_LOG=
    if ! run_initdb "$locale"; then
      if [[ "$locale" != C ]]; then
        log "initdb with locale $locale failed; retrying with locale C"
        rm -f "$INITDB_LOG"
        rm -rf "$DIR"
        prepare_dir
        run_initdb C || { cat "$INITDB_LOG" >&2; die "initdb failed"; }
      else
        cat "$INITDB_LOG" >&2
        die "initdb failed"
      fi
    fi
    log "starting server on 127.0.0.1:$PORT"
    if ! as_pg "$PGBIN/pg_ctl" -D "$DIR" -w -t 60 -l "$DIR/log" \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -k /tmp -c fsync=on -c max_connections=200" \
        start >/dev/null 2>&1; then
      tail -n 30 "$DIR/log" >&2 2>/dev/null || true
      die "pg_ctl start failed (log: $DIR/log)"
    fi
  fi

  local exists
  exists="$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" \
    || die "cannot connect to 127.0.0.1:$PORT as postgres"
  if [[ "$exists" != 1 ]]; then
    log "creating database $DB"
    psql_admin -c "CREATE DATABASE $DB" >/dev/null
  fi
  log "ready: $(url)"
}

stop() {
  find_bin
  if dir_running; then
    log "stopping server in $DIR"
    as_pg "$PGBIN/pg_ctl" -D "$DIR" -m fast -w -t 60 stop >/dev/null 2>&1 \
      || die "pg_ctl stop failed (log: $DIR/log)"
  else
    log "server in $DIR is not running"
  fi
}

status() {
  find_bin
  if dir_running; then
    log "running in $DIR: $(url)"
  else
    log "not running ($DIR)"
    return 1
  fi
}

# Serialise concurrent start/stop calls on the same data directory.
lock() {
  local lockfile="${DIR%/}.lock"
  command -v flock >/dev/null 2>&1 || return 0
  { exec 9>>"$lockfile"; } 2>/dev/null || return 0  # e.g. owned by another user: skip locking
  flock -w 120 9 || die "timed out waiting for lock $lockfile"
}

case "${1:-}" in
  start) lock; start ;;
  stop) lock; stop ;;
  status) status ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
