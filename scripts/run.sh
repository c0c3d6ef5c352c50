#!/usr/bin/env bash
# Builds and runs the whole product on the embedded defaults: SQLite in ./data, uploaded
# files in ./data/files, the web app from ./dist, on http://127.0.0.1:8080.
#   ./scripts/run.sh          run
#   ./scripts/run.sh --demo   seed the demo Comune first (idempotent) and print its accounts
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_wasm_target
"$ROOT/scripts/build-web.sh"

log "building the server (release)"
cargo build --locked --release -p api
BIN="$ROOT/target/release/sportello"

"$BIN" migrate
if [ "${1:-}" = "--demo" ]; then
  "$BIN" seed-demo
fi
log "Sportello on http://${SPORTELLO_BIND:-127.0.0.1:8080} (Ctrl-C to stop)"
exec "$BIN" serve
