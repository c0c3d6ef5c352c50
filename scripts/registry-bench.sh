#!/usr/bin/env bash
# The TQRIF register over N stored requests (default 1,000,000): time and server memory of
# GET /registry and of the streamed GET /registry/entries.csv, on a release build.
#   scripts/registry-bench.sh [sqlite|postgres] [rows]
# REPEAT=n calls /registry n times (warm figures after the first); BENCH_BIN=path measures
# that server binary instead of building this checkout (to compare two versions on one
# machine).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

BACKEND="${1:-sqlite}"
ROWS="${2:-1000000}"
apt_install curl
REPEAT="${REPEAT:-1}"
if [ -n "${BENCH_BIN:-}" ]; then
  BIN="$BENCH_BIN"
else
  # Same features as scripts/load.sh: one release build serves both benchmarks.
  cargo build --locked --release -p api --features bench-ceiling
  BIN="$ROOT/target/release/sportello"
fi
WORK="$(mktemp -d /tmp/sportello-registry.XXXXXX)"
PORT=$((20000 + RANDOM % 20000))
BASE="http://127.0.0.1:$PORT"
cleanup() {
  [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  [ -n "${PGDIR:-}" ] && pg_stop "$PGDIR"
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
export SPORTELLO_FILES_DIR="$WORK/files" SPORTELLO_LOG=warn SPORTELLO_BACKGROUND_WORKERS=false
"$BIN" seed-demo >/dev/null

# Requests received over 2025 (one every 31 s), four kinds, 80% answered, some late.
log "inserting $ROWS requests"
START=$(date +%s)
if [ "$BACKEND" = postgres ]; then
  psql -q "$DATABASE_URL" <<SQL
INSERT INTO requests (id, tenant_id, protocol_number, type_code, kind, channel, citizen_id, subject,
  description, fields, status, received_at, standard_days, due_date, has_public_reply,
  suspended_working_days, resolved_at, lateness_cause, created_at, updated_at)
SELECT '00000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'), t.id, '2025/' || lpad(n::text, 7, '0'),
  k.code, k.kind, 'portal', u.id, 'Richiesta ' || n, 'Testo', '{"codice_utenza":"UT-' || (n % 40000) || '"}',
  CASE WHEN n % 5 = 0 THEN 'in_progress' ELSE 'resolved' END,
  TIMESTAMP '2025-01-01' + n * INTERVAL '31 seconds', k.days,
  (TIMESTAMP '2025-01-01' + n * INTERVAL '31 seconds' + (k.days * 7 / 5 + 2) * INTERVAL '1 day')::date,
  n % 5 <> 0, n % 3,
  CASE WHEN n % 5 = 0 THEN NULL ELSE TIMESTAMP '2025-01-01' + n * INTERVAL '31 seconds' + (n % 60) * INTERVAL '1 day' END,
  CASE WHEN n % 60 > 45 AND n % 5 <> 0 THEN 'gestore' END, now(), now()
FROM generate_series(1, $ROWS) AS n
CROSS JOIN (SELECT id FROM tenants WHERE is_default) t
CROSS JOIN (SELECT id FROM users WHERE email = 'mario.rossi@example.it') u
JOIN (VALUES (0, 'tari_reclamo', 'reclamo', 30), (1, 'tari_informazioni', 'informazioni', 30),
             (2, 'tari_rettifica', 'rettifica_importi', 60), (3, 'segnalazione_disservizio', 'disservizio', 5))
  AS k(m, code, kind, days) ON k.m = n % 4;
-- A year of requests in steady state: autovacuum has marked their pages all-visible,
-- which lets PostgreSQL read the register from the index alone.
VACUUM ANALYZE requests;
SQL
else
  python3 - "$WORK/sportello.db" "$ROWS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL")
db.execute("""
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?),
k(m, code, kind, days) AS (VALUES (0, 'tari_reclamo', 'reclamo', 30), (1, 'tari_informazioni', 'informazioni', 30),
  (2, 'tari_rettifica', 'rettifica_importi', 60), (3, 'segnalazione_disservizio', 'disservizio', 5))
INSERT INTO requests (id, tenant_id, protocol_number, type_code, kind, channel, citizen_id, subject,
  description, fields, status, received_at, standard_days, due_date, has_public_reply,
  suspended_working_days, resolved_at, lateness_cause, created_at, updated_at)
SELECT printf('00000000-0000-7000-8000-%012x', n), (SELECT id FROM tenants WHERE is_default),
  printf('2025/%07d', n), k.code, k.kind, 'portal', (SELECT id FROM users WHERE email = 'mario.rossi@example.it'),
  'Richiesta ' || n, 'Testo', '{"codice_utenza":"UT-' || (n % 40000) || '"}',
  CASE WHEN n % 5 = 0 THEN 'in_progress' ELSE 'resolved' END,
  datetime('2025-01-01', '+' || (n * 31) || ' seconds'), k.days,
  date('2025-01-01', '+' || (n * 31) || ' seconds', '+' || (k.days * 7 / 5 + 2) || ' days'),
  n % 5 <> 0, n % 3,
  CASE WHEN n % 5 = 0 THEN NULL ELSE datetime('2025-01-01', '+' || (n * 31) || ' seconds', '+' || (n % 60) || ' days') END,
  CASE WHEN n % 60 > 45 AND n % 5 <> 0 THEN 'gestore' END, datetime('now'), datetime('now')
FROM seq JOIN k ON k.m = n % 4
""", (int(sys.argv[2]),))
db.commit()
db.execute("ANALYZE")
db.close()
PY
fi
log "inserted in $(( $(date +%s) - START )) s"

"$BIN" serve --bind "127.0.0.1:$PORT" &
PID=$!
for _ in $(seq 200); do curl -fs "$BASE/health/ready" >/dev/null && break; sleep 0.1; done
sleep 1
rss() { awk "/^$1/ {print int(\$2 / 1024)}" "/proc/$PID/status"; }
IDLE=$(rss VmRSS)
TOKEN=$(curl -fs "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"operatore.tributi@comune.esempio.it","password":"Demo2026!sportello"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
Q="from=2025-01-01&to=2025-12-31"
REPORT_S=$(curl -fs -o "$WORK/report.json" -w '%{time_total}' "$BASE/api/v1/registry?$Q" -H "authorization: Bearer $TOKEN")
AFTER_REPORT=$(rss VmHWM)
REPEATED=""
for _ in $(seq 2 "$REPEAT"); do
  REPEATED="$REPEATED $(curl -fs -o /dev/null -w '%{time_total}' "$BASE/api/v1/registry?$Q" -H "authorization: Bearer $TOKEN") s"
done
CSV_S=$(curl -fs -o "$WORK/entries.csv" -w '%{time_total}' "$BASE/api/v1/registry/entries.csv?$Q" -H "authorization: Bearer $TOKEN")
AFTER_CSV=$(rss VmHWM)
LINES=$(($(wc -l <"$WORK/entries.csv") - 1))
MB=$(( $(stat -c %s "$WORK/entries.csv") / 1024 / 1024 ))
RECEIVED=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['total']['received'])" "$WORK/report.json")

echo
echo "Backend: $BACKEND, $ROWS requests in the period. Server RSS idle: $IDLE MB."
echo
echo "| call | time | server peak RSS (VmHWM) | output |"
echo "|---|---|---|---|"
echo "| GET /registry (whole year) | ${REPORT_S} s${REPEATED:+ (then$REPEATED)} | ${AFTER_REPORT} MB | total received: $RECEIVED |"
echo "| GET /registry/entries.csv (whole year) | ${CSV_S} s | ${AFTER_CSV} MB | $LINES rows, $MB MB |"
