#!/usr/bin/env bash
# The scaled-out shape on loopback, on its own: PostgreSQL, a Garage node (S3), the mail
# servers, then two `sportello serve` processes behind HAProxy (Debian), driven by
# tests/api/cluster.rs — a session across processes, notices and inbound mail handled once,
# a settings change seen at once, live events across, SIGKILL of one process under filing
# load. scripts/test.sh runs the same test among the others.
#   scripts/cluster.sh
set -euo pipefail
export CI="${CI:-true}"
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
apt_install postgresql libpq-dev haproxy curl

PGDIR="$(mktemp -d /tmp/sportello-pg.XXXXXX)"
MAILDIR="$(mktemp -d /tmp/sportello-mail.XXXXXX)"
GARAGEDIR="$(mktemp -d /tmp/sportello-garage.XXXXXX)"
trap 'pg_stop "$PGDIR"; mail_servers_stop "$MAILDIR"; garage_stop "$GARAGEDIR"' EXIT
export TEST_DATABASE_URL="$(pg_start "$PGDIR" "$(free_port)")"
mail_servers_start "$MAILDIR"
garage_start "$GARAGEDIR"
log "PostgreSQL, Dovecot and the SMTP sink, Garage on $AWS_ENDPOINT_URL: two processes behind HAProxy"
cargo test --locked -p api --test api -- cluster --nocapture
