#!/usr/bin/env bash
# Runs every test of Sportello on a fresh or reused machine, installing what is missing:
# formatting and lints, domain unit/property tests, the WebAssembly build of the domain,
# API integration tests on SQLite and on a throwaway PostgreSQL (the file-store tests also on
# a Garage node, S3), and the OpenAPI check;
# then the web app: built into dist/ and driven in Debian's Chromium against the real
# server (e2e/: the citizen and operator journeys, axe on every page, screenshots).
set -euo pipefail
# The tests fail, instead of skipping, when a server they need is missing.
export CI="${CI:-true}"
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# Garage, the S3-compatible store the file-store tests run against, is built once by
# `cargo install` (about 9 minutes): in the background while the lints and the WebAssembly
# build run, waited for before the tests. Nothing to do when `garage` is installed.
GARAGE_INSTALL_LOG="$(mktemp /tmp/sportello-garage-install.XXXXXX)"
garage_install >"$GARAGE_INSTALL_LOG" 2>&1 &
GARAGE_INSTALL_PID=$!

ensure_wasm_target
apt_install postgresql libpq-dev
# pdftotext reads back the statement PDFs in the API tests; pdftoppm renders the payment
# notices, whose QR codes zbarimg and Poste DataMatrix dmtxread decode back.
apt_install poppler-utils zbar-tools dmtx-utils
# openssl makes the relying party's keys in the SPID/CIE tests, as an administrator would;
# curl waits for the test OpenID provider.
apt_install openssl curl
# HAProxy fronts the two server processes of the several-processes test (tests/api/cluster.rs).
apt_install haproxy

log "format and lints"
cargo fmt --all --check
cargo clippy --locked -p domain -p api --all-targets -- -D warnings

log "domain for WebAssembly"
cargo build --locked -p domain --target wasm32-unknown-unknown

PGDIR="$(mktemp -d /tmp/sportello-pg.XXXXXX)"
MAILDIR="$(mktemp -d /tmp/sportello-mail.XXXXXX)"
PAGOPADIR="$(mktemp -d /tmp/sportello-pagopa.XXXXXX)"
OIDCDIR="$(mktemp -d /tmp/sportello-oidc.XXXXXX)"
TURNDIR="$(mktemp -d /tmp/sportello-turn.XXXXXX)"
GARAGEDIR="$(mktemp -d /tmp/sportello-garage.XXXXXX)"
trap 'pg_stop "$PGDIR"; mail_servers_stop "$MAILDIR"; pagopa_fake_stop "$PAGOPADIR"; oidc_op_stop "$OIDCDIR"; turn_stop "$TURNDIR"; garage_stop "$GARAGEDIR"' EXIT
PORT=$((20000 + RANDOM % 20000))
export TEST_DATABASE_URL="$(pg_start "$PGDIR" "$PORT")"
log "PostgreSQL test cluster on port $PORT"
mail_servers_start "$MAILDIR"
log "Dovecot IMAP on $SPORTELLO_TEST_IMAP, SMTP sink on $SPORTELLO_TEST_SMTP (Maildir $SPORTELLO_TEST_SMTP_MAILDIR)"
pagopa_fake_start "$PAGOPADIR"
log "local pagoPA (GPD and Checkout) on $SPORTELLO_TEST_PAGOPA"
# The SPID/CIE tests sign in at a real OpenID provider (idpyoidc, from PyPI) on loopback.
SPORTELLO_TEST_OIDC="$(oidc_op_start "$OIDCDIR" "$(free_port)")"
export SPORTELLO_TEST_OIDC
log "test OpenID provider (SPID/CIE) on $SPORTELLO_TEST_OIDC"
# The provider itself first: its protocol checks (PKCE, private_key_jwt, signatures, faults).
"$(oidc_venv)/bin/python" "$ROOT/scripts/oidc/selftest.py" "$SPORTELLO_TEST_OIDC" | tail -n 1

# Uploaded files on an S3-compatible store: a single Garage node on loopback.
if ! wait "$GARAGE_INSTALL_PID"; then
  echo "installing Garage failed; the end of $GARAGE_INSTALL_LOG:" >&2
  tail -n 40 "$GARAGE_INSTALL_LOG" >&2
  exit 1
fi
rm -f "$GARAGE_INSTALL_LOG"
garage_start "$GARAGEDIR"
log "Garage (S3) on $AWS_ENDPOINT_URL, tests under $SPORTELLO_TEST_S3_URL"

log "unit, property and integration tests (SQLite and PostgreSQL)"
cargo test --locked -p domain -p api

log "API fuzzing against the OpenAPI document (schemathesis)"
"$ROOT/scripts/fuzz.sh" 10
"$ROOT/scripts/contract.sh"

log "web app: lints, browser and npm packages, build (scripts/build-web.sh)"
cargo clippy --locked -p web-ui --target wasm32-unknown-unknown -- -D warnings
apt_install chromium
command -v npm >/dev/null || apt_install nodejs npm
"$ROOT/scripts/build-web.sh"
# npm records each install in node_modules/.package-lock.json: reinstall only when the
# lockfile changed. playwright-core never downloads a browser: Debian's Chromium is used.
if ! [ "$ROOT/e2e/node_modules/.package-lock.json" -nt "$ROOT/e2e/package-lock.json" ]; then
  (cd "$ROOT/e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
cargo build --locked -p api

# The video calls' relayed media go through a real TURN server (coturn) on loopback.
turn_start "$TURNDIR" "$(free_port)"
log "TURN server (coturn) on $SPORTELLO_TEST_TURN"
log "browser tests: journeys and pages in Chromium against the real server (e2e/run.mjs)"
SPORTELLO_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/sportello" SPORTELLO_WEB_DIR="$ROOT/dist" \
  node "$ROOT/e2e/run.mjs"

log "all tests passed"
