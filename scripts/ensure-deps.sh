#!/usr/bin/env bash
# Idempotent set-up of the system packages Complaint Loop needs (Debian 12).
#
#   scripts/ensure-deps.sh           # build/run deps
#   scripts/ensure-deps.sh --pg      # + PostgreSQL server (for `make test`)
#   scripts/ensure-deps.sh --bench   # + wrk (for the benchmarks)
#   scripts/ensure-deps.sh --browser # + chromium and CJK fonts (for the web end-to-end tests)
#
# Only installs what is missing; runs `apt-get update` once, and only when
# something has to be installed. Needs root only in that case.
set -euo pipefail

want_pg=0
want_bench=0
want_browser=0
for arg in "$@"; do
  case "$arg" in
    --pg) want_pg=1 ;;
    --bench) want_bench=1 ;;
    --browser) want_browser=1 ;;
    -h|--help)
      sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
      exit 0 ;;
    *) echo "ensure-deps: unknown argument: $arg (expected --pg, --bench, --browser)" >&2; exit 2 ;;
  esac
done

log() { echo "ensure-deps: $*"; }

have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
have_glob() { compgen -G "$1" >/dev/null; }

missing=()

# package name -> presence check
have_cmd pkg-config || missing+=(pkg-config)
if ! have_pkg build-essential && ! { have_cmd gcc && have_cmd g++ && have_cmd make; }; then
  missing+=(build-essential)
fi
{ [[ -s /etc/ssl/certs/ca-certificates.crt ]] || have_pkg ca-certificates; } || missing+=(ca-certificates)
have_cmd curl || missing+=(curl)
have_cmd sqlite3 || missing+=(sqlite3)
if (( want_pg )); then
  { have_glob '/usr/lib/postgresql/*/bin/initdb' && have_glob '/usr/lib/postgresql/*/bin/pg_ctl' \
      && have_glob '/usr/lib/postgresql/*/bin/psql'; } || missing+=(postgresql)
fi
if (( want_bench )); then
  have_cmd wrk || missing+=(wrk)
fi
if (( want_browser )); then
  # Debian's chromium, driven by playwright-core (never `npx playwright install`); without the
  # CJK fonts Chinese renders as boxes in the screenshots.
  { [[ -x /usr/bin/chromium ]] || have_pkg chromium; } || missing+=(chromium)
  { have_pkg fonts-noto-cjk || have_glob '/usr/share/fonts/opentype/noto/NotoSansCJK*'; } || missing+=(fonts-noto-cjk)
fi

if (( ${#missing[@]} == 0 )); then
  log "all required packages present"
else
  if (( EUID != 0 )); then
    echo "ensure-deps: missing packages: ${missing[*]}" >&2
    echo "ensure-deps: not root; install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  if ! have_cmd apt-get; then
    echo "ensure-deps: missing packages: ${missing[*]}, and apt-get is not available" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  aptlog="$(mktemp /tmp/ensure-deps.XXXXXX.log)"
  trap 'rm -f "$aptlog"' EXIT
  log "apt-get update"
  if ! apt-get update -q >"$aptlog" 2>&1; then
    tail -n 30 "$aptlog" >&2
    echo "ensure-deps: apt-get update failed" >&2
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >"$aptlog" 2>&1; then
    tail -n 30 "$aptlog" >&2
    echo "ensure-deps: apt-get install failed" >&2
    exit 1
  fi
  log "installed ${missing[*]}"
fi

# Not installed by this script, but needed by `make run` / `make test`.
if ! have_cmd cargo; then
  log "warning: cargo not found on PATH (install Rust via https://rustup.rs)"
fi
