#!/usr/bin/env bash
# Intake benchmark: N clients register complaints through the HTTP API of a release `cloop serve`,
# then the database is checked against what was acknowledged, and the time is broken down by layer.
#
#   bench/intake.sh [sqlite|postgres]
#
# Environment (all optional):
#   CLIENTS=64 DURATION=20s WARMUP=3s   the main run
#   PORT=18080                          where the server listens (127.0.0.1 only)
#   LAYERS=1                            also run the per-layer breakdown (0 to skip)
#   SKIP_BUILD=1                        use the binaries already in target/release
#   OUT=DIR                             where logs and results go (default /tmp/cloop-bench-BACKEND-TIME)
#   CLOOP_ROUTING=false                 intake routing off (default on)
#   TRAIN_DATA=FILE                     train the routing models from this JSONL first
#   KEEP_DATA=1                         keep the data dir afterwards (removed by default: GBs a run)
#
# Steps: build release; fresh data dir (and, for postgres, a fresh database cloop_bench on the
# throwaway cluster of scripts/pg-test.sh); a user + API token made with the CLI; `cloop serve` in the
# background; `intake-load` for WARMUP + DURATION; server stopped; complaints in the database ==
# acknowledged case numbers, each acknowledged case number present; `cloop verify`. Then the layer
# runs: the same requests refused at validation (HTTP + auth + JSON + validation, no store), a
# profiled run (perf sampling on cpu-clock, if perf works), and `store-intake` straight into the
# store without HTTP (handler path, then the writer alone). Exit status is non-zero if the load
# generator saw a failure, the counts differ, or verify fails.
set -euo pipefail

BACKEND="${1:-sqlite}"
case "$BACKEND" in sqlite|postgres) ;; *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;; esac
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENTS="${CLIENTS:-64}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-3s}"
PORT="${PORT:-18080}"
LAYERS="${LAYERS:-1}"
OUT="${OUT:-/tmp/cloop-bench-$BACKEND-$(date +%Y%m%d-%H%M%S)}"
DATA="$OUT/data"
BASE="http://127.0.0.1:$PORT"
PG_PORT="${CLOOP_PG_PORT:-55432}"
PG_DB=cloop_bench
CLOOP="$ROOT/target/release/cloop"
LOAD="$ROOT/target/release/intake-load"
STORE_BENCH="$ROOT/target/release/store-intake"
SUMMARIZE="python3 $ROOT/bench/summarize.py"

log() { echo "== $*"; }
die() { echo "bench: $*" >&2; exit 1; }

mkdir -p "$OUT" "$DATA"
cd "$ROOT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building release (cloop-cli, cloop-bench)"
  cargo build --release -p cloop-cli -p cloop-bench
fi
[[ -x "$CLOOP" && -x "$LOAD" && -x "$STORE_BENCH" ]] || die "release binaries missing (run without SKIP_BUILD=1)"

# ---------------------------------------------------------------------------------------------
# The machine

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "rustc: $(rustc --version)"
  echo "sqlite3 cli: $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo none)"
  echo "filesystem of $OUT: $(df -T "$OUT" | awk 'NR==2 {print $2" on "$1}')"
  echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') $(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo '(work tree has changes)')"
} | tee "$OUT/machine.txt"

# ---------------------------------------------------------------------------------------------
# Database, user, token

DB_ARGS=()
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
if [[ "$BACKEND" == postgres ]]; then
  log "starting the throwaway PostgreSQL (scripts/pg-test.sh) and a fresh database $PG_DB"
  bash "$ROOT/scripts/pg-test.sh" start
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE $PG_DB" >/dev/null
  DB_ARGS=(--database-url "postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB")
  echo "postgres: $("${PSQL[@]}" -d "$PG_DB" -tAc 'show server_version') (fsync=$("${PSQL[@]}" -d "$PG_DB" -tAc 'show fsync'), synchronous_commit=$("${PSQL[@]}" -d "$PG_DB" -tAc 'show synchronous_commit'))" | tee -a "$OUT/machine.txt"
fi
cloop() { "$CLOOP" --data-dir "$DATA" "${DB_ARGS[@]}" "$@"; }

db_query() { # one SQL statement, unaligned output
  if [[ "$BACKEND" == postgres ]]; then
    "${PSQL[@]}" -d "$PG_DB" -tA -c "$1"
  else
    sqlite3 "$DATA/cloop.db" "$1"
  fi
}

log "user and API token"
cloop user add --username bench --password bench-password-1 --role agent --org group
cloop token create --username bench --name intake-bench >"$OUT/token.txt"
TOKEN="$(grep -E '^[[:space:]]*[A-Za-z0-9_.~+/=-]{20,}[[:space:]]*$' "$OUT/token.txt" | tail -1 | tr -d '[:space:]' || true)"
[[ -n "$TOKEN" ]] || TOKEN="$(tr -s '[:space:]' '\n' <"$OUT/token.txt" | awk 'length($0) >= 20' | tail -1)"
[[ -n "$TOKEN" ]] || die "no token in the output of 'cloop token create': $(cat "$OUT/token.txt")"
export CLOOP_BENCH_TOKEN="$TOKEN"

# Routing (issue 5): with TRAIN_DATA=FILE (JSONL text/label) a category and a department model are
# trained from it first, so every intake runs rules, both classifiers and repeat detection.
# CLOOP_ROUTING=false turns routing off for the comparison run.
if [[ -n "${TRAIN_DATA:-}" ]]; then
  log "training routing models from $TRAIN_DATA"
  cloop train --data "$TRAIN_DATA" --target category | tee -a "$OUT/train.txt"
  cloop train --data "$TRAIN_DATA" --target department | tee -a "$OUT/train.txt"
fi
echo "routing: ${CLOOP_ROUTING:-true}${TRAIN_DATA:+, models from $TRAIN_DATA}" | tee -a "$OUT/machine.txt"

# ---------------------------------------------------------------------------------------------
# Server

SERVER_PID=
WATCH_PID=
start_server() {
  if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then die "something already listens on $BASE"; fi
  # The binary itself, not the shell function, so $! is the server (signals, perf -p).
  "$CLOOP" --data-dir "$DATA" "${DB_ARGS[@]}" serve --listen "127.0.0.1:$PORT" >>"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  local i
  for (( i = 0; i < 300; i++ )); do
    if curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$OUT/server.log" >&2; die "the server exited"; }
    sleep 0.1
  done
  die "the server did not get ready in 30 s (log: $OUT/server.log)"
}
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || true
  fi
  SERVER_PID=
}
trap 'stop_server; [[ -z "$WATCH_PID" ]] || kill "$WATCH_PID" 2>/dev/null || true' EXIT

# "name pid utime stime" for the server and the database processes (CPU accounting).
cpu_snapshot() {
  {
    if [[ -n "$SERVER_PID" && -r /proc/$SERVER_PID/stat ]]; then
      awk -v p="$SERVER_PID" '{sub(/^.*\) /, ""); print "cloop-serve", p, $12, $13}' "/proc/$SERVER_PID/stat"
    fi
    if [[ "$BACKEND" == postgres ]]; then
      local pid name
      for pid in $(pgrep -x postgres || true); do
        [[ -r /proc/$pid/stat ]] || continue
        if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q " $PG_DB "; then
          name="postgres-backends($PG_DB)"
        else
          name="postgres-other(wal-writer,checkpointer,other-dbs)"
        fi
        awk -v p="$pid" -v n="$name" '{sub(/^.*\) /, ""); print n, p, $12, $13}' "/proc/$pid/stat" 2>/dev/null || true
      done
    fi
    awk '/^cpu / {print "machine-busy 0", $2+$3+$4+$7+$8+$9, 0; print "machine-idle 0", $5+$6, 0}' /proc/stat
  } >"$1"
}

# PostgreSQL's own counters for the bench database: "name value" lines.
pg_stats() {
  db_query "select 'xact_commit', xact_commit from pg_stat_database where datname = '$PG_DB'
    union all select 'tup_inserted', tup_inserted from pg_stat_database where datname = '$PG_DB'
    union all select 'blks_read', blks_read from pg_stat_database where datname = '$PG_DB'
    union all select 'blks_hit', blks_hit from pg_stat_database where datname = '$PG_DB'
    union all select 'wal_records', wal_records from pg_stat_wal
    union all select 'wal_bytes', wal_bytes::bigint from pg_stat_wal
    union all select 'wal_write', wal_write from pg_stat_wal
    union all select 'wal_sync', wal_sync from pg_stat_wal" | tr '|' ' ' >"$1"
}
pg_stats_delta() { # before after N
  awk -v n="$3" 'NR == FNR {a[$1] = $2; next} {d = $2 - a[$1]; printf "  %s: %.0f (%.2f per complaint)\n", $1, d, (n > 0 ? d / n : 0)}' "$1" "$2"
  echo "  (cluster-wide WAL figures include any other database on this throwaway server)"
}

# Appends a snapshot every 0.5 s until killed, so processes that start and end within a run
# (the database connections of store-intake) are counted too.
cpu_watch() {
  while true; do cpu_snapshot "$1.tmp"; cat "$1.tmp" >>"$1"; sleep 0.5; done
}
WATCH_PID=
start_watch() { cpu_snapshot "$1-before.txt"; : >"$1-after.txt"; cpu_watch "$1-after.txt" & WATCH_PID=$!; }
stop_watch() { kill "$WATCH_PID" 2>/dev/null || true; wait "$WATCH_PID" 2>/dev/null || true; WATCH_PID=; cpu_snapshot "$1-after.txt.tmp"; cat "$1-after.txt.tmp" >>"$1-after.txt"; rm -f "$1-after.txt.tmp"; }

# ---------------------------------------------------------------------------------------------
# The main run

log "starting cloop serve ($BACKEND) on $BASE"
start_server
log "intake-load: $CLIENTS clients, $WARMUP warm-up + $DURATION"
cpu_snapshot "$OUT/cpu-before.txt"
[[ "$BACKEND" != postgres ]] || pg_stats "$OUT/pg-before.txt"
set +e
"$LOAD" --url "$BASE" --clients "$CLIENTS" --duration "$DURATION" --warmup "$WARMUP" \
  --acked-out "$OUT/acked.txt" --json-out "$OUT/load.json" 2>&1 | tee "$OUT/load.txt"
LOAD_RC=${PIPESTATUS[0]}
set -e
cpu_snapshot "$OUT/cpu-after.txt"
[[ "$BACKEND" != postgres ]] || pg_stats "$OUT/pg-after.txt"
curl -fsS "$BASE/metrics" >"$OUT/metrics.txt" || true
log "stopping the server"
stop_server

log "checking the database against the acknowledgements"
ACKED=$(wc -l <"$OUT/acked.txt")
IN_DB=$(db_query "select count(*) from complaints")
db_query "select case_no from complaints" | LC_ALL=C sort >"$OUT/db-cases.txt"
LC_ALL=C sort "$OUT/acked.txt" >"$OUT/acked-sorted.txt"
DUP_ACKED=$(uniq -d "$OUT/acked-sorted.txt" | wc -l)
MISSING=$(LC_ALL=C comm -23 "$OUT/acked-sorted.txt" "$OUT/db-cases.txt" | wc -l)
UNACKED=$(LC_ALL=C comm -13 "$OUT/acked-sorted.txt" "$OUT/db-cases.txt" | wc -l)
set +e
cloop verify >"$OUT/verify.txt" 2>"$OUT/verify.err"
VERIFY_RC=$?
set -e
{
  echo "acknowledged: $ACKED, in database: $IN_DB, acknowledged but missing: $MISSING, in database but not acknowledged: $UNACKED, duplicate acknowledgements: $DUP_ACKED"
  echo "verify (exit $VERIFY_RC): $(tr '\n' ' ' <"$OUT/verify.txt")"
  echo "CPU during the main run (from /proc, includes warm-up and drain):"
  $SUMMARIZE cpu "$OUT/cpu-before.txt" "$OUT/cpu-after.txt" "$ACKED"
  if [[ "$BACKEND" == postgres ]]; then
    echo "PostgreSQL activity during the main run (pg_stat_database, pg_stat_wal):"
    pg_stats_delta "$OUT/pg-before.txt" "$OUT/pg-after.txt" "$ACKED"
  fi
  $SUMMARIZE metrics "$OUT/metrics.txt"
} | tee "$OUT/checks.txt"

STATUS=0
[[ "$LOAD_RC" == 0 ]] || { echo "FAIL: intake-load exited $LOAD_RC"; STATUS=1; }
[[ "$ACKED" == "$IN_DB" && "$MISSING" == 0 && "$DUP_ACKED" == 0 ]] || { echo "FAIL: the database does not match the acknowledgements"; STATUS=1; }
[[ "$VERIFY_RC" == 0 ]] || { echo "FAIL: cloop verify exited $VERIFY_RC"; STATUS=1; }

# ---------------------------------------------------------------------------------------------
# Layers

# Complaints registered so far, from the server's counter.
registered() { curl -fsS "$BASE/metrics" | awk '/^cloop_complaints_registered_total/ {printf "%d", $2}'; }
PERF_OK=
PERF_STAT_EVENTS=context-switches,cpu-migrations
if command -v perf >/dev/null 2>&1 && perf record -e cpu-clock -o "$OUT/perf-probe.data" true >/dev/null 2>&1; then
  PERF_OK=1
  rm -f "$OUT/perf-probe.data"
  T=syscalls:sys_enter_pread64,syscalls:sys_enter_pwrite64,syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync,syscalls:sys_enter_futex,syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_epoll_wait
  if perf stat -e "$PERF_STAT_EVENTS,$T" true >/dev/null 2>&1; then PERF_STAT_EVENTS="$PERF_STAT_EVENTS,$T"; fi
fi

if [[ "$LAYERS" == 1 && "$STATUS" == 0 ]]; then
  start_server
  log "layer 1: HTTP + auth + JSON + validation (the same requests with an unknown channel: 422, no store)"
  cpu_snapshot "$OUT/cpu-http-before.txt"
  "$LOAD" --url "$BASE" --clients "$CLIENTS" --duration 10s --warmup 2s --invalid --json-out "$OUT/layer-http.json" 2>&1 | tee "$OUT/layer-http.txt" || true
  cpu_snapshot "$OUT/cpu-http-after.txt"
  N=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["answered_422"])' "$OUT/layer-http.json" 2>/dev/null || echo 0)
  $SUMMARIZE cpu "$OUT/cpu-http-before.txt" "$OUT/cpu-http-after.txt" "$N" | tee -a "$OUT/layer-http.txt"

  if [[ -n "$PERF_OK" ]]; then
    if perf stat -e instructions true 2>&1 | grep -q 'not supported'; then
      echo "perf: hardware counters not supported here (virtual machine); sampling the cpu-clock software event" | tee "$OUT/perf-note.txt"
    fi
    log "layer 2: profiled intake run (perf record -e cpu-clock -F 999 on the server, 8 s inside a 12 s run)"
    "$LOAD" --url "$BASE" --clients "$CLIENTS" --duration 10s --warmup 2s >"$OUT/perf-load.txt" 2>&1 &
    PERF_LOAD_PID=$!
    sleep 3
    REG0=$(registered)
    perf stat -e "$PERF_STAT_EVENTS" -p "$SERVER_PID" -o "$OUT/perf-stat-server.txt" -- sleep 8 >/dev/null 2>&1 &
    PERF_STAT_PID=$!
    PG_PERF_PID=
    if [[ "$BACKEND" == postgres ]]; then
      # The server's connections to the bench database (its pool), profiled alongside.
      PG_PIDS=$(for pid in $(pgrep -x postgres || true); do
        if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q " $PG_DB "; then echo "$pid"; fi; done | paste -sd, - || true)
      if [[ -n "$PG_PIDS" ]]; then
        perf record -e cpu-clock -F 999 -p "$PG_PIDS" -o "$OUT/perf-pg.data" -- sleep 8 >/dev/null 2>&1 &
        PG_PERF_PID=$!
      fi
    fi
    perf record -e cpu-clock -F 999 -p "$SERVER_PID" -o "$OUT/perf.data" -- sleep 8 >/dev/null 2>&1 || true
    wait "$PERF_STAT_PID" || true
    [[ -z "$PG_PERF_PID" ]] || wait "$PG_PERF_PID" || true
    REG1=$(registered)
    wait "$PERF_LOAD_PID" || echo "(the profiled load run reported failures, see $OUT/perf-load.txt)"
    cat "$OUT/perf-load.txt"
    echo "server counters over the same 8 s ($((REG1 - REG0)) complaints registered):" | tee "$OUT/perf-stat-layers.txt"
    $SUMMARIZE perfstat "$OUT/perf-stat-server.txt" "$((REG1 - REG0))" | tee -a "$OUT/perf-stat-layers.txt"
    if [[ "$BACKEND" == postgres ]]; then
      echo "(PostgreSQL does its reads, writes and fsyncs in its own processes, not counted here)" | tee -a "$OUT/perf-stat-layers.txt"
    fi
    perf report -i "$OUT/perf.data" --stdio --no-children --sort dso,sym --percent-limit 0.01 >"$OUT/perf-report.txt" 2>/dev/null || true
    $SUMMARIZE perf "$OUT/perf-report.txt" | tee "$OUT/perf-layers.txt"
    echo "top symbols:" | tee -a "$OUT/perf-layers.txt"
    grep -m 25 -E '^\s+[0-9.]+%' "$OUT/perf-report.txt" | tee -a "$OUT/perf-layers.txt" || true
    if [[ -f "$OUT/perf-pg.data" ]]; then
      perf report -i "$OUT/perf-pg.data" --stdio --no-children --sort dso,sym --percent-limit 0.01 >"$OUT/perf-pg-report.txt" 2>/dev/null || true
      echo "PostgreSQL backends serving the bench database, top symbols:" | tee "$OUT/perf-pg-layers.txt"
      grep -m 30 -E '^\s+[0-9.]+%' "$OUT/perf-pg-report.txt" | tee -a "$OUT/perf-pg-layers.txt" || true
    fi
  else
    echo "perf not usable here: no sampling profile (see the metrics and layer runs instead)" | tee "$OUT/perf-note.txt"
  fi
  stop_server

  log "layer 3: straight into the store, no HTTP (store-intake, handler path: org lookups + group-commit write)"
  start_watch "$OUT/cpu-handler"
  "$STORE_BENCH" --data-dir "$DATA" "${DB_ARGS[@]}" --clients "$CLIENTS" --duration 10s --warmup 2s --mode handler 2>&1 | tee "$OUT/layer-store-handler.txt" || true
  stop_watch "$OUT/cpu-handler"
  if [[ "$BACKEND" == postgres ]]; then
    N=$(awk '/^registered/ {print $2}' "$OUT/layer-store-handler.txt")
    $SUMMARIZE cpu "$OUT/cpu-handler-before.txt" "$OUT/cpu-handler-after.txt" "${N:-0}" | grep -E 'postgres|machine' | tee -a "$OUT/layer-store-handler.txt"
  fi
  log "layer 4: the writer alone (store-intake --mode write: org path read + group-commit write)"
  start_watch "$OUT/cpu-writer"
  if [[ -n "$PERF_OK" ]]; then
    perf stat -e "$PERF_STAT_EVENTS" -o "$OUT/perf-stat-writer.txt" -- \
      "$STORE_BENCH" --data-dir "$DATA" "${DB_ARGS[@]}" --clients "$CLIENTS" --duration 10s --warmup 2s --mode write 2>&1 | tee "$OUT/layer-store-write.txt" || true
    N=$(awk '/^registered/ {print $2}' "$OUT/layer-store-write.txt")
    echo "store-intake --mode write counters (whole process, $N complaints incl. warm-up):" | tee -a "$OUT/layer-store-write.txt"
    $SUMMARIZE perfstat "$OUT/perf-stat-writer.txt" "${N:-0}" | tee -a "$OUT/layer-store-write.txt"
  else
    "$STORE_BENCH" --data-dir "$DATA" "${DB_ARGS[@]}" --clients "$CLIENTS" --duration 10s --warmup 2s --mode write 2>&1 | tee "$OUT/layer-store-write.txt" || true
  fi
  stop_watch "$OUT/cpu-writer"
  if [[ "$BACKEND" == postgres ]]; then
    N=$(awk '/^registered/ {print $2}' "$OUT/layer-store-write.txt")
    $SUMMARIZE cpu "$OUT/cpu-writer-before.txt" "$OUT/cpu-writer-after.txt" "${N:-0}" | grep -E 'postgres|machine' | tee -a "$OUT/layer-store-write.txt"
  fi

  log "verify after the layer runs"
  cloop verify 2>&1 | tee "$OUT/verify-final.txt" || STATUS=1
fi

# A 60 s SQLite run leaves a 2 GB database, and a dozen runs filled this machine's disk; the checks
# above have read it, so it goes unless asked for (PostgreSQL's database stays on its cluster).
if [[ "${KEEP_DATA:-0}" != 1 ]]; then
  rm -rf "$DATA"
  log "data dir removed (KEEP_DATA=1 keeps it)"
fi
log "results in $OUT"
exit "$STATUS"
