#!/usr/bin/env bash
# Runs every test of Sportello on a fresh or reused machine, installing what is missing:
# formatting and lints, domain unit/property tests, the WebAssembly build of the domain,
# API integration tests on SQLite and on a throwaway PostgreSQL, and the OpenAPI check.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_wasm_target
apt_install postgresql libpq-dev

log "format and lints"
cargo fmt --all --check
cargo clippy --locked -p domain -p api --all-targets -- -D warnings

log "domain for WebAssembly"
cargo build --locked -p domain --target wasm32-unknown-unknown

PGDIR="$(mktemp -d /tmp/sportello-pg.XXXXXX)"
MAILDIR="$(mktemp -d /tmp/sportello-mail.XXXXXX)"
trap 'pg_stop "$PGDIR"; mail_servers_stop "$MAILDIR"' EXIT
PORT=$((20000 + RANDOM % 20000))
export TEST_DATABASE_URL="$(pg_start "$PGDIR" "$PORT")"
log "PostgreSQL test cluster on port $PORT"
mail_servers_start "$MAILDIR"
log "Dovecot IMAP on $SPORTELLO_TEST_IMAP, SMTP sink on $SPORTELLO_TEST_SMTP (Maildir $SPORTELLO_TEST_SMTP_MAILDIR)"

log "unit, property and integration tests (SQLite and PostgreSQL)"
cargo test --locked -p domain -p api

log "API fuzzing against the OpenAPI document (schemathesis)"
"$ROOT/scripts/fuzz.sh" 10

log "all tests passed"
