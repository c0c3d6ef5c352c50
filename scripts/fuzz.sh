#!/usr/bin/env bash
# Fuzzes the REST API with schemathesis against its own OpenAPI document, as a citizen and
# as an operator, on a throwaway SQLite database with the demo seed. Fails on any 5xx and
# any response that does not match the document.
#   scripts/fuzz.sh            quick run (10 examples per operation; part of scripts/test.sh)
#   scripts/fuzz.sh 300        longer run
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

EXAMPLES="${1:-10}"
VENV="$(tools_venv)"
cargo build --locked -p api
BIN="$ROOT/target/debug/sportello"

WORK="$(mktemp -d /tmp/sportello-fuzz.XXXXXX)"
PORT=$((20000 + RANDOM % 20000))
BASE="http://127.0.0.1:$PORT"
trap '[ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
export DATABASE_URL="sqlite://$WORK/db" SPORTELLO_FILES_DIR="$WORK/files" SPORTELLO_WEB_DIR="$WORK/web" \
  SPORTELLO_RATE_LIMIT_PER_MINUTE=100000 SPORTELLO_LOG=error
"$BIN" seed-demo >/dev/null
"$BIN" serve --bind "127.0.0.1:$PORT" &
PID=$!
for _ in $(seq 100); do curl -fs "$BASE/health/ready" >/dev/null && break; sleep 0.1; done

token() {
  curl -fs "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"Demo2026!sportello\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
status=0
for who in mario.rossi@example.it operatore.tributi@comune.esempio.it; do
  log "schemathesis as $who ($EXAMPLES examples per operation)"
  "$VENV/bin/schemathesis" run "$BASE/api/v1/openapi.json" --url "$BASE" \
    -H "Authorization: Bearer $(token "$who")" \
    --checks "$CHECKS" --max-examples "$EXAMPLES" --workers 2 \
    --phases examples,coverage,fuzzing,stateful --suppress-health-check all \
    --exclude-path /api/v1/auth/logout --no-color || status=1
done
exit $status
