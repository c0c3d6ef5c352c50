#!/usr/bin/env bash
# The agenda's benchmarks on SQLite and on a throwaway PostgreSQL cluster: the slots of one
# desk over 60 days (2,000 slots, 300 of them booked) and 200 parallel bookings of one slot
# with 3 seats (exactly 3 succeed, time until all have an answer). Prints BENCH lines.
#   scripts/agenda-bench.sh [release|dev]     (default release)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

PROFILE="${1:-release}"
FLAG=()
[ "$PROFILE" = release ] && FLAG=(--release)
PGDIR="$(mktemp -d /tmp/sportello-pg.XXXXXX)"
trap 'pg_stop "$PGDIR"' EXIT
export TEST_DATABASE_URL="$(pg_start "$PGDIR" $((20000 + RANDOM % 20000)))"
export CI=true
cargo test --locked "${FLAG[@]}" -p api --test api agenda_bench -- --ignored --nocapture --test-threads=1 2>&1 \
  | grep -oE 'BENCH .*|test result.*'
