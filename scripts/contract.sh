#!/usr/bin/env bash
# The public contract as a third-party developer meets it: validates openapi/openapi.json
# as OpenAPI 3.1 (openapi-spec-validator), generates a Python client from it
# (openapi-python-client, settings in scripts/contract/client.yml) and runs a citizen's
# journey through that client (scripts/contract/journey.py: log in, file a request, find it
# in the own list, read it back) against the debug server on a throwaway SQLite database
# with the demo seed. Fails on an invalid document, on a generator error or warning (other
# than a file type it cannot model), and on any failed step of the journey.
#   scripts/contract.sh                 (part of scripts/test.sh)
#   CONTRACT_PORT=55510 scripts/contract.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

VENV="$(tools_venv)"
# `python -m` rather than the venv's entry scripts: their first line names the path the
# venv was created at.
PY="$VENV/bin/python"
SPEC="$ROOT/openapi/openapi.json"

log "validating openapi/openapi.json (openapi-spec-validator)"
"$PY" -m openapi_spec_validator "$SPEC"

WORK="$(mktemp -d /tmp/sportello-contract.XXXXXX)"
trap '[ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT

log "generating a Python client (openapi-python-client)"
# The generator formats its output with ruff, installed beside it in the venv.
if ! (cd "$WORK" && PATH="$VENV/bin:$PATH" "$PY" -m openapi_python_client generate \
  --path "$SPEC" --meta none --config "$ROOT/scripts/contract/client.yml" \
  --output-path "$WORK/sportello_client" >"$WORK/generate.log" 2>&1); then
  cat "$WORK/generate.log"
  exit 1
fi
warnings=$(grep -c '^WARNING' "$WORK/generate.log" || true)
unsupported=$(grep -cE 'Unsupported content[ _]type' "$WORK/generate.log" || true)
if [ "$warnings" != "$unsupported" ]; then
  cat "$WORK/generate.log"
  echo "the generator could not model part of the contract (see above)" >&2
  exit 1
fi
[ "$warnings" = 0 ] || grep -A2 '^WARNING' "$WORK/generate.log" | grep -v '^--$' | grep -v '^$' >&2

cargo build --locked -p api
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/sportello"
PORT="${CONTRACT_PORT:-$(free_port)}"
BASE="http://127.0.0.1:$PORT"
export DATABASE_URL="sqlite://$WORK/db" SPORTELLO_FILES_DIR="$WORK/files" SPORTELLO_WEB_DIR="$WORK/web" \
  SPORTELLO_LOG=error
"$BIN" seed-demo >/dev/null
"$BIN" serve --bind "127.0.0.1:$PORT" &
PID=$!
for _ in $(seq 100); do curl -fs "$BASE/health/ready" >/dev/null && break; sleep 0.1; done

log "a citizen's journey through the generated client (scripts/contract/journey.py)"
PYTHONPATH="$WORK" "$PY" "$ROOT/scripts/contract/journey.py" "$BASE"
