#!/usr/bin/env bash
# Builds and runs the whole product on the embedded defaults: SQLite in ./data, uploaded
# files in ./data/files, the web app from ./dist, on http://127.0.0.1:8080.
#   ./scripts/run.sh          run
#   ./scripts/run.sh --demo   seed the demo Comune first (idempotent) and print its accounts;
#                             with pagoPA against the LOCAL TEST PLATFORM (no real money):
#                             scripts/fakes/pagopa.py on 127.0.0.1:8091
#                             (SPORTELLO_DEMO_PAGOPA_PORT), and SPID/CIE sign-in against
#                             the TEST identity provider scripts/oidc/op.py on 127.0.0.1:8092
#                             (SPORTELLO_DEMO_OIDC_PORT), both stopped with the server
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
  # The local pagoPA test platform (GPD and Checkout in memory, standard-library Python):
  # the demo taxpayer's notices are published there and paid on its Checkout page. Not
  # pagoPA: no money moves. The README says how to point the settings at the real one.
  PAGOPA_PORT="${SPORTELLO_DEMO_PAGOPA_PORT:-8091}"
  PAGOPA_KEY="demo-gpd-subscription-key"
  /usr/bin/python3 "$ROOT/scripts/fakes/pagopa.py" "$PAGOPA_PORT" "$PAGOPA_KEY" >"$ROOT/data/pagopa-test-platform.log" 2>&1 &
  PAGOPA_PID=$!
  OIDC_DIR="$ROOT/data/oidc-test-provider"
  mkdir -p "$OIDC_DIR"
  trap 'kill "$PAGOPA_PID" 2>/dev/null || true; oidc_op_stop "$OIDC_DIR"' EXIT
  wait_port "$PAGOPA_PORT"
  log "local pagoPA test platform on http://127.0.0.1:$PAGOPA_PORT (not the real pagoPA)"
  # The test identity provider (a real OpenID provider on idpyoidc, with test identities):
  # "Entra con SPID" and "Entra con CIE" lead there. Not SPID: see the README for the proxy.
  apt_install openssl curl
  OIDC_URL="$(oidc_op_start "$OIDC_DIR" "${SPORTELLO_DEMO_OIDC_PORT:-8092}")"
  log "test identity provider (SPID/CIE) on $OIDC_URL: users mario.rossi, laura.bianchi, giulia.verdi, password test"
  [ -f "$OIDC_DIR/rp-key.pem" ] ||
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OIDC_DIR/rp-key.pem" 2>/dev/null
  export SPORTELLO_ALLOW_LOOPBACK_INTEGRATIONS=true
  export SPORTELLO_PUBLIC_URL="${SPORTELLO_PUBLIC_URL:-http://${SPORTELLO_BIND:-127.0.0.1:8080}}"
  export SPORTELLO_PAGOPA_POLL_SECONDS="${SPORTELLO_PAGOPA_POLL_SECONDS:-5}"
  "$BIN" seed-demo --pagopa-url "http://127.0.0.1:$PAGOPA_PORT" --pagopa-key "$PAGOPA_KEY" \
    --oidc-url "$OIDC_URL" --oidc-key-file "$OIDC_DIR/rp-key.pem"
  log "Sportello on http://${SPORTELLO_BIND:-127.0.0.1:8080} (Ctrl-C to stop)"
  # Not exec: the trap stops the test platform when the server ends.
  "$BIN" serve
  exit
fi
log "Sportello on http://${SPORTELLO_BIND:-127.0.0.1:8080} (Ctrl-C to stop)"
exec "$BIN" serve
