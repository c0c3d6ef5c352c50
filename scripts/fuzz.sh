#!/usr/bin/env bash
# Fuzzes the REST API with schemathesis against its own OpenAPI document, as a citizen, an
# operator, a supervisor and an administrator, on a throwaway SQLite database with the demo
# seed plus a request, an attachment and a pending registration whose real ids are given to
# the operations that name them (so they are tried past "not found"). Fails on any 5xx and
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
field() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }

# Real ids for the path parameters, so that operations are exercised past "not found": a
# request of the demo citizen with an attachment, and a pending registration.
CITIZEN=mario.rossi@example.it
CIT_TOKEN=$(token "$CITIZEN")
OP_TOKEN=$(token operatore.tributi@comune.esempio.it)
REQUEST_ID=$(curl -fs "$BASE/api/v1/requests" -H "authorization: Bearer $CIT_TOKEN" -H 'content-type: application/json' \
  -d '{"type":"tari_reclamo","subject":"Mancata raccolta","description":"Da una settimana non passano.","fields":{"servizio":"raccolta"}}' | field "['id']")
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' > "$WORK/doc.pdf"
ATTACHMENT_ID=$(curl -fs "$BASE/api/v1/requests/$REQUEST_ID/messages" -H "authorization: Bearer $OP_TOKEN" \
  -F 'data={"body":"In allegato la risposta"};type=application/json' -F "files=@$WORK/doc.pdf;type=application/pdf" \
  | field "['attachments'][0]['id']")
REGISTRATION_ID=$(curl -fs "$BASE/api/v1/auth/register" \
  -F 'data={"fiscal_code":"BNCLRA90D45L219Q","first_name":"Laura","last_name":"Bianchi","email":"laura.fuzz@example.it","password":"Sportello2026!","privacy_accepted":true};type=application/json' \
  -F "identity_document=@$WORK/doc.pdf;type=application/pdf" | field "['id']")
cat > "$WORK/schemathesis.toml" <<TOML
[[operations]]
include-path-regex = '^/api/v1/requests/\{id\}(?!/attachments)'
parameters = { "path.id" = "$REQUEST_ID" }

[[operations]]
include-path = "/api/v1/requests/{id}/attachments/{attachment_id}"
parameters = { "path.id" = "$REQUEST_ID", "path.attachment_id" = "$ATTACHMENT_ID" }

[[operations]]
include-path-regex = '^/api/v1/registrations/\{id\}'
parameters = { "path.id" = "$REGISTRATION_ID" }
TOML

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
# One schemathesis process per caller, side by side (one worker each: its threads have hit
# interpreter errors unrelated to the API).
pids=()
for who in "$CITIZEN" operatore.tributi@comune.esempio.it supervisore@comune.esempio.it admin@comune.esempio.it; do
  "$VENV/bin/schemathesis" --config-file "$WORK/schemathesis.toml" run "$BASE/api/v1/openapi.json" --url "$BASE" \
    -H "Authorization: Bearer $(token "$who")" \
    --checks "$CHECKS" --max-examples "$EXAMPLES" --workers 1 \
    --phases examples,coverage,fuzzing,stateful --suppress-health-check all \
    --exclude-path /api/v1/auth/logout --no-color >"$WORK/$who.log" 2>&1 &
  pids+=("$!:$who")
done
status=0
for entry in "${pids[@]}"; do
  pid=${entry%%:*} who=${entry#*:}
  if wait "$pid"; then result=passed; else result=FAILED; status=1; fi
  log "schemathesis as $who ($EXAMPLES examples per operation): $result"
  if [ "$result" = FAILED ] || [ -n "${FUZZ_VERBOSE:-}" ]; then cat "$WORK/$who.log"; else tail -n 12 "$WORK/$who.log"; fi
done
exit $status
