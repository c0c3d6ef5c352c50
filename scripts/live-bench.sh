#!/usr/bin/env bash
# The real-time benchmarks on real server processes (release build): idle WebSocket
# connections one process holds (10,000 by default) and its memory, and chat latency from
# a citizen on one process to an operator on another on one throwaway PostgreSQL cluster
# (500 messages a second for 10 s). Prints BENCH lines.
#   scripts/live-bench.sh [release|dev]     (default release)
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
# Two sockets per connection on this machine (client and server): raise the soft limit.
ulimit -n "$(ulimit -Hn)"
cargo test --locked "${FLAG[@]}" -p api --test api live_bench -- --ignored --nocapture --test-threads=1 2>&1 \
  | grep -oE 'BENCH .*|test result.*|panicked.*'
