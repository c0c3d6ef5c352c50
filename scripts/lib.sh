# Shared helpers for the project scripts: idempotent installs that skip what is present.
# Sourced, not executed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

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
pg_start() {
  local dir="$1" port="$2" bin
  apt_install postgresql
  bin=$(pg_bindir)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    su postgres -c "$bin/initdb -D $dir/data -A trust -U postgres >/dev/null"
    su postgres -c "$bin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300' -l $dir/log -w start >/dev/null"
  else
    "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" -l "$dir/log" -w start >/dev/null
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
