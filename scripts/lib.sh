# Shared helpers for the project scripts: idempotent installs that skip what is present.
# Sourced, not executed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# The server's allocator (mimalloc) commits its first arena eagerly by default: 15 MB of
# idle RSS for nothing. It reads this once at start-up (see README, Configuration).
export MIMALLOC_ARENA_EAGER_COMMIT="${MIMALLOC_ARENA_EAGER_COMMIT:-0}"

log() { printf '\n==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_install PKG... : installs the Debian packages that are missing.
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]} (apt)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
}

# Directory of the PostgreSQL server binaries (Debian layout).
pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$d" ] && echo "$d"
}

# pg_start DIR PORT : a throwaway cluster on loopback, owned by the postgres user when run
# as root (initdb refuses root). Prints the URL of the `postgres` database.
# The throwaway cluster runs with fsync off (tests need no durability); PG_DURABLE=1 keeps
# PostgreSQL's defaults (fsync, synchronous_commit and full_page_writes on), for benchmarks
# of what a production server pays per commit.
pg_start() {
  local dir="$1" port="$2" bin opts
  apt_install postgresql
  bin=$(pg_bindir)
  mkdir -p "$dir"
  opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300"
  if [ "${PG_DURABLE:-0}" = 1 ]; then
    opts="$opts -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  else
    opts="$opts -c fsync=off"
  fi
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    su postgres -c "$bin/initdb -D $dir/data -A trust -U postgres >/dev/null"
    su postgres -c "$bin/pg_ctl -D $dir/data -o '$opts' -l $dir/log -w start >/dev/null"
  else
    "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    "$bin/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/log" -w start >/dev/null
  fi
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

pg_stop() {
  local dir="$1" bin
  bin=$(pg_bindir)
  [ -d "$dir/data" ] || return 0
  if [ "$(id -u)" = 0 ]; then
    su postgres -c "$bin/pg_ctl -D $dir/data -m fast stop >/dev/null" || true
  else
    "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
  fi
  rm -rf "$dir"
}

# A free TCP port on loopback.
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT : waits up to 10 s for a listener on 127.0.0.1:PORT.
wait_port() {
  local i
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}

# mail_servers_start DIR : real mail servers for the tests, on loopback, with throwaway
# configuration and folders under DIR:
#  - Dovecot IMAP (Debian dovecot-imapd): any user name, password "sportello", one Maildir
#    per user (so each test has its own mailbox);
#  - an SMTP sink (aiosmtpd, Debian python3-aiosmtpd) storing every mail it receives in the
#    Maildir DIR/sink.
# Exports SPORTELLO_TEST_IMAP, SPORTELLO_TEST_IMAP_PASSWORD, SPORTELLO_TEST_SMTP and
# SPORTELLO_TEST_SMTP_MAILDIR for the integration tests.
mail_servers_start() {
  local dir="$1" imap_port smtp_port user group
  apt_install dovecot-imapd python3-aiosmtpd
  mkdir -p "$dir/run" "$dir/state" "$dir/home" "$dir/sink/tmp" "$dir/sink/new" "$dir/sink/cur"
  chmod 755 "$dir"
  chmod 1777 "$dir/home"
  if [ "$(id -u)" = 0 ]; then
    user=nobody; group=nogroup
  else
    user=$(id -un); group=$(id -gn)
  fi
  imap_port=$(free_port)
  smtp_port=$(free_port)
  cat > "$dir/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $( [ "$(id -u)" = 0 ] && echo dovecot || echo "$user" )
default_login_user = $( [ "$(id -u)" = 0 ] && echo dovenull || echo "$user" )
first_valid_uid = 1
passdb {
  driver = static
  args = password=sportello
}
userdb {
  driver = static
  args = uid=$user gid=$group home=$dir/home/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
CONF
  /usr/sbin/dovecot -c "$dir/dovecot.conf"
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" \
    -c aiosmtpd.handlers.Mailbox "$dir/sink" >"$dir/smtp.log" 2>&1 &
  echo $! > "$dir/smtp.pid"
  wait_port "$imap_port"
  wait_port "$smtp_port"
  export SPORTELLO_TEST_IMAP="127.0.0.1:$imap_port"
  export SPORTELLO_TEST_IMAP_PASSWORD="sportello"
  export SPORTELLO_TEST_SMTP="127.0.0.1:$smtp_port"
  export SPORTELLO_TEST_SMTP_MAILDIR="$dir/sink"
}

mail_servers_stop() {
  local dir="$1"
  [ -f "$dir/dovecot.conf" ] && /usr/sbin/dovecot -c "$dir/dovecot.conf" stop 2>/dev/null || true
  [ -f "$dir/smtp.pid" ] && kill "$(cat "$dir/smtp.pid")" 2>/dev/null || true
  sleep 0.2
  rm -rf "$dir"
}

# pagopa_fake_start DIR [PORT] : the local pagoPA (GPD and Checkout, scripts/fakes/pagopa.py,
# Python standard library only) on loopback, its log and pid under DIR. Exports
# SPORTELLO_TEST_PAGOPA (its base URL) and SPORTELLO_TEST_PAGOPA_KEY (the subscription key it
# requires) for the integration tests.
pagopa_fake_start() {
  local dir="$1" port="${2:-$(free_port)}" key
  mkdir -p "$dir"
  key="fake-gpd-key-$RANDOM$RANDOM"
  /usr/bin/python3 "$ROOT/scripts/fakes/pagopa.py" "$port" "$key" >"$dir/pagopa.log" 2>&1 &
  echo $! > "$dir/pagopa.pid"
  wait_port "$port"
  export SPORTELLO_TEST_PAGOPA="http://127.0.0.1:$port"
  export SPORTELLO_TEST_PAGOPA_KEY="$key"
}

pagopa_fake_stop() {
  local dir="$1"
  [ -f "$dir/pagopa.pid" ] && kill "$(cat "$dir/pagopa.pid")" 2>/dev/null || true
  rm -rf "$dir"
}

# turn_start DIR PORT : a TURN server (Debian coturn) on 127.0.0.1:PORT for the video calls'
# relayed media, with the TURN REST API's shared secret (`use-auth-secret`, what Sportello's
# settings hold), realm sportello.test, no TLS, no CLI, a small relay port range on
# loopback and its log and pid under DIR. Exports SPORTELLO_TEST_TURN (turn:127.0.0.1:PORT)
# SPORTELLO_TEST_TURN_SECRET and SPORTELLO_TEST_TURN_LOG (what a failing test prints).
turn_start() {
  local dir="$1" port="$2" secret low
  apt_install coturn
  mkdir -p "$dir"
  secret="turn-secret-$RANDOM$RANDOM$RANDOM"
  # 40 relay ports above the listening one, wrapped into the unprivileged range.
  low=$(( (port + 100) % 50000 + 10000 ))
  /usr/bin/turnserver -n \
    --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="$port" \
    --use-auth-secret --static-auth-secret="$secret" --realm=sportello.test \
    --allow-loopback-peers --no-tls --no-dtls --no-cli \
    --min-port="$low" --max-port=$((low + 40)) \
    --verbose --log-file="$dir/turn.log" --simple-log --no-stdout-log \
    --userdb="$dir/turndb" --pidfile="$dir/turn.pid" >"$dir/turnserver.out" 2>&1 &
  echo $! > "$dir/turnserver.pid"
  wait_port "$port"
  export SPORTELLO_TEST_TURN="turn:127.0.0.1:$port"
  export SPORTELLO_TEST_TURN_SECRET="$secret"
  export SPORTELLO_TEST_TURN_LOG="$dir/turn.log"
}

turn_stop() {
  local dir="$1"
  [ -f "$dir/turnserver.pid" ] && kill "$(cat "$dir/turnserver.pid")" 2>/dev/null || true
  rm -rf "$dir"
}

# Garage, the S3-compatible object store (Rust, AGPL) the file-store tests run against.
GARAGE_VERSION="${GARAGE_VERSION:-2.5.0}"

# garage_install : builds and installs Garage once with `cargo install` (into
# ~/.cargo/bin, which persists across runs); a no-op when `garage` is already on the PATH.
# The first build takes about 9 minutes on 2 cores: scripts/test.sh starts it in the
# background at the top.
garage_install() {
  command -v garage >/dev/null 2>&1 && return 0
  log "installing Garage $GARAGE_VERSION (cargo install, about 9 minutes the first time)"
  cargo install --locked garage --version "$GARAGE_VERSION" >&2
}

# garage_start DIR : a single Garage node on loopback (free ports for S3, RPC and admin),
# SQLite metadata and data under DIR, with one bucket and one key allowed on it. Exports
# SPORTELLO_TEST_S3_URL (s3://bucket/prefix) and the standard AWS_* variables the file
# store reads (endpoint, region "garage", the key, plain HTTP allowed).
garage_start() {
  local dir="$1" s3_port rpc_port admin_port node key_id key_secret i
  garage_install
  mkdir -p "$dir/meta" "$dir/data"
  s3_port=$(free_port); rpc_port=$(free_port); admin_port=$(free_port)
  cat > "$dir/garage.toml" <<CONF
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$rpc_port"
rpc_public_addr = "127.0.0.1:$rpc_port"
rpc_secret = "$(hex_token 32)"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$s3_port"

[admin]
api_bind_addr = "127.0.0.1:$admin_port"
admin_token = "$(hex_token 32)"
CONF
  garage -c "$dir/garage.toml" server >"$dir/garage.log" 2>&1 &
  echo $! > "$dir/garage.pid"
  wait_port "$s3_port"
  for i in $(seq 1 100); do
    node=$(garage -c "$dir/garage.toml" node id -q 2>/dev/null) && break
    sleep 0.1
  done
  [ -n "$node" ] || { echo "Garage did not start; the end of $dir/garage.log:" >&2; tail -n 40 "$dir/garage.log" >&2; return 1; }
  garage -c "$dir/garage.toml" layout assign -z dc1 -c 1G "${node%%@*}" >/dev/null
  garage -c "$dir/garage.toml" layout apply --version 1 >/dev/null
  garage -c "$dir/garage.toml" bucket create sportello-test >/dev/null
  key_id="GK$(hex_token 12)"
  key_secret="$(hex_token 32)"
  garage -c "$dir/garage.toml" key import --yes -n sportello-test "$key_id" "$key_secret" >/dev/null
  garage -c "$dir/garage.toml" bucket allow --read --write --owner sportello-test --key "$key_id" >/dev/null
  export SPORTELLO_TEST_S3_URL="s3://sportello-test/tests"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$s3_port"
  export AWS_REGION="garage"
  export AWS_ACCESS_KEY_ID="$key_id"
  export AWS_SECRET_ACCESS_KEY="$key_secret"
  export AWS_ALLOW_HTTP="true"
}

garage_stop() {
  local dir="$1"
  [ -f "$dir/garage.pid" ] && kill "$(cat "$dir/garage.pid")" 2>/dev/null || true
  sleep 0.2
  rm -rf "$dir"
}

# hex_token N : N random bytes as hex.
hex_token() {
  /usr/bin/python3 -c "import secrets; print(secrets.token_hex($1))"
}

# A Python virtualenv under target/ with the pinned test tools (PyPI): schemathesis, and the
# OpenAPI validator and client generator of the contract check.
tools_venv() {
  local venv="$ROOT/target/venv-tools"
  if [ ! -x "$venv/bin/schemathesis" ]; then
    log "installing schemathesis (PyPI) into target/venv-tools"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check 'schemathesis==4.32.5' >&2
  fi
  # The contract check (scripts/contract.sh): validator and client generator.
  if [ ! -x "$venv/bin/openapi-spec-validator" ] || [ ! -x "$venv/bin/openapi-python-client" ]; then
    log "installing openapi-spec-validator and openapi-python-client (PyPI) into target/venv-tools"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check \
      'openapi-spec-validator==0.9.0' 'openapi-python-client==0.29.1' >&2
  fi
  echo "$venv"
}

# oidc_venv : a Python virtualenv under target/ with the test OpenID provider's pinned
# libraries (scripts/oidc/requirements.txt, PyPI: idpyoidc and its dependencies). Installed
# once, and again when requirements.txt changes (its sha256 is kept in the venv). Prints the
# venv's path.
oidc_venv() {
  local venv="$ROOT/target/venv-oidc" req="$ROOT/scripts/oidc/requirements.txt" sum
  sum=$(sha256sum "$req" | cut -d' ' -f1)
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$sum" ]; then
    log "installing the test OpenID provider's libraries (PyPI) into target/venv-oidc"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" >&2
    echo "$sum" > "$venv/.requirements.sha256"
  fi
  echo "$venv"
}

# oidc_op_start DIR [PORT] : the test OpenID provider (scripts/oidc/op.py, idpyoidc) on
# loopback, its log (DIR/oidc-op.log), pid (DIR/oidc-op.pid) and keys (DIR/state) under DIR.
# Waits for /_test/health (30 s at most) and prints its issuer, http://127.0.0.1:PORT.
oidc_op_start() {
  local dir="$1" port="${2:-$(free_port)}" venv issuer i
  venv=$(oidc_venv)
  mkdir -p "$dir/state"
  issuer="http://127.0.0.1:$port"
  "$venv/bin/python" "$ROOT/scripts/oidc/op.py" --port "$port" --issuer "$issuer" \
    --state-dir "$dir/state" >"$dir/oidc-op.log" 2>&1 &
  echo $! > "$dir/oidc-op.pid"
  for i in $(seq 1 300); do
    # Its own answer (the pid), not that of another provider already on the port.
    if curl -fsS "$issuer/_test/health" 2>/dev/null | grep -q "\"pid\": $(cat "$dir/oidc-op.pid")[,}]"; then
      echo "$issuer"
      return 0
    fi
    if ! kill -0 "$(cat "$dir/oidc-op.pid")" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "the test OpenID provider did not start on $issuer; the end of $dir/oidc-op.log:" >&2
  tail -n 40 "$dir/oidc-op.log" >&2
  return 1
}

oidc_op_stop() {
  local dir="$1"
  [ -f "$dir/oidc-op.pid" ] && kill "$(cat "$dir/oidc-op.pid")" 2>/dev/null || true
  rm -f "$dir/oidc-op.pid"
}
