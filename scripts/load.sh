#!/usr/bin/env bash
# Load benchmark of a release build on loopback, with wrk (Debian). Prints a Markdown table
# for BENCHMARKS.md.
#   scripts/load.sh [sqlite|postgres] [seconds per scenario] [connections]
# Environment:
#   PG_DURABLE=1     PostgreSQL with fsync and synchronous_commit on (the default cluster
#                    runs with fsync off, as the tests do)
#   LOAD_BIN=PATH    an already built server (with `--features bench-ceiling`) instead of
#                    building one
#   LOAD_PERF_DIR=D  `perf record -g` of the server during each scenario, into D/runN.data
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

BACKEND="${1:-sqlite}"
DURATION="${2:-15}"
CONNS="${3:-32}"
apt_install wrk curl

if [ -n "${LOAD_BIN:-}" ]; then
  BIN="$LOAD_BIN"
else
  log "building the server (release, with the ceiling endpoint)"
  cargo build --locked --release -p api --features bench-ceiling
  BIN="$ROOT/target/release/sportello"
fi

WORK="$(mktemp -d /tmp/sportello-load.XXXXXX)"
PORT=$((20000 + RANDOM % 20000))
BASE="http://127.0.0.1:$PORT"
cleanup() {
  [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  [ "$BACKEND" = postgres ] && pg_stop "$PGDIR"
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$BACKEND" = postgres ]; then
  PGDIR="$(mktemp -d /tmp/sportello-pg.XXXXXX)"
  export DATABASE_URL="$(pg_start "$PGDIR" $((PORT + 1)))"
  # PostgreSQL needs an explicit secret key (SQLite makes one next to its database).
  export SPORTELLO_SECRET_KEY="$(head -c 32 /dev/urandom | base64)"
else
  export DATABASE_URL="sqlite://$WORK/sportello.db"
fi
export SPORTELLO_FILES_DIR="$WORK/files" SPORTELLO_RATE_LIMIT_PER_MINUTE=100000000 SPORTELLO_LOG=warn
export SPORTELLO_DB_CONNECTIONS="${SPORTELLO_DB_CONNECTIONS:-8}"
"$BIN" seed-demo >/dev/null
"$BIN" serve --bind "127.0.0.1:$PORT" &
PID=$!
for _ in $(seq 100); do curl -fs "$BASE/health/ready" >/dev/null && break; sleep 0.1; done

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$PID/status"; }
sleep 1
IDLE_RSS=$(rss_kb)

login() {
  curl -fs "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"Demo2026!sportello\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}
CITIZEN=$(login mario.rossi@example.it)
OPERATOR=$(login operatore.tributi@comune.esempio.it)

RESULTS="$WORK/results.md"
echo "| scenario | req/s | p50 | p99 | max | errors | % of ceiling |" >"$RESULTS"
echo "|---|---|---|---|---|---|---|" >>"$RESULTS"
CEILING=""

# run NAME wrk-args… : one scenario, one table row.
run() {
  local name="$1"; shift
  RUNS=$((${RUNS:-0} + 1))
  local out="$WORK/run$RUNS.txt"
  local perf=""
  if [ -n "${LOAD_PERF_DIR:-}" ]; then
    mkdir -p "$LOAD_PERF_DIR"
    perf record -q -F 499 -g -p "$PID" -o "$LOAD_PERF_DIR/run$RUNS.data" -- sleep "$DURATION" 2>/dev/null &
    perf=$!
  fi
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" >"$out"
  [ -n "$perf" ] && wait "$perf" || true
  local rps p50 p99 max errors
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  max=$(awk '$1=="Latency" {print $4}' "$out")
  errors=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(/,/,""); n+=$4+$6+$8+$10} END {print n+0}' "$out")
  [ -z "$CEILING" ] && CEILING="$rps"
  local pct
  pct=$(awk -v a="$rps" -v c="$CEILING" 'BEGIN {printf "%.0f%%", 100*a/c}')
  printf '| %s | %.0f | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "$max" "$errors" "$pct" >>"$RESULTS"
  log "$name: $rps req/s, p50 $p50, p99 $p99"
}

run "ceiling (fixed JSON)" "$BASE/bench/ceiling"
TOKEN="$CITIZEN" RUN_ID="$$" run "citizens filing (POST /requests)" -s scripts/load/submit.lua "$BASE"
# The filing run grew the tables from nothing in seconds; autovacuum would analyze them
# within a minute, a live database has statistics: without them PostgreSQL plans for an
# empty table (a sort of every queued request instead of an index walk).
[ "$BACKEND" = postgres ] && psql -q "$DATABASE_URL" -c "ANALYZE"
ONE=$(curl -fs "$BASE/api/v1/requests?limit=1" -H "authorization: Bearer $CITIZEN" | sed -E 's/.*"items":\[\{"id":"([^"]+)".*/\1/')
TOKEN="$CITIZEN" PATHS="/api/v1/requests?limit=20" run "own list (GET /requests)" -s scripts/load/get.lua "$BASE"
TOKEN="$CITIZEN" PATHS="/api/v1/requests/$ONE" run "read one (GET /requests/{id})" -s scripts/load/get.lua "$BASE"
TOKEN="$OPERATOR" PATHS="/api/v1/requests?status=received,in_progress&sort=urgent&limit=50 /api/v1/requests?overdue=true&limit=50 /api/v1/requests?q=2026&limit=50" \
  run "operator queue with filters" -s scripts/load/get.lua "$BASE"

STORED=$(curl -fs "$BASE/api/v1/requests/counts" -H "authorization: Bearer $OPERATOR")
echo
DURABILITY=""
[ "$BACKEND" = postgres ] && DURABILITY=$(psql -qAt "$DATABASE_URL" -c "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')")
echo "Backend: $BACKEND${DURABILITY:+ ($DURABILITY)}; $CONNS connections, 2 wrk threads, ${DURATION}s per scenario; server and wrk share the 2 cores."
echo "Server RSS: idle $((IDLE_RSS / 1024)) MB, peak $(( $(hwm_kb) / 1024 )) MB. Queue after the run: $STORED"
echo
cat "$RESULTS"
