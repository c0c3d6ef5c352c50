#!/usr/bin/env bash
# Many Comuni in one process: N tenants (default 1,000) created through the service code of
# `sportello tenant create` (the hidden bulk command `sportello tenant bench-create`, one
# transaction per tenant, standard catalogue included), then one `sportello serve`: its idle
# RSS, the latency of the first request of each tenant (GET /api/v1/public/tenant with the
# tenant's Host, a new connection each), the RSS after every tenant was touched, and a
# second round (tenants cached) for comparison. Release build, SQLite.
#   scripts/tenants-bench.sh [tenants]
# SPORTELLO_BIN=path skips the build and runs that binary.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

COUNT="${1:-1000}"
apt_install curl
if [ -n "${SPORTELLO_BIN:-}" ]; then
  BIN="$SPORTELLO_BIN"
else
  # Same features as scripts/load.sh: one release build serves every benchmark.
  cargo build --locked --release -p api --features bench-ceiling
  BIN="$ROOT/target/release/sportello"
fi
WORK="$(mktemp -d /tmp/sportello-tenants.XXXXXX)"
PORT=$((20000 + RANDOM % 20000))
BASE="http://127.0.0.1:$PORT"
cleanup() {
  [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export DATABASE_URL="sqlite://$WORK/sportello.db"
export SPORTELLO_FILES_DIR="$WORK/files" SPORTELLO_LOG=warn

log "creating $COUNT tenants"
"$BIN" migrate >/dev/null
"$BIN" tenant bench-create --count "$COUNT" --prefix bench --domain bench.test

rss() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

"$BIN" serve --bind "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -fsS "$BASE/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
# Settle: start-up work (migrations check, workers' first pass) is over.
sleep 10
IDLE=$(rss "$PID")
log "idle RSS: $IDLE MB"

python3 - "$PORT" "$COUNT" "$PID" "$IDLE" <<'PY'
import http.client, json, statistics, sys, time

port, count, pid, idle = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]

def rss():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024

def get(n):
    host = f"bench-{n}.bench.test"
    start = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/api/v1/public/tenant", headers={"Host": host})
    r = c.getresponse()
    body = r.read()
    took = (time.perf_counter() - start) * 1000
    c.close()
    assert r.status == 200, (host, r.status, body)
    name = json.loads(body)["name"]
    assert name == f"Comune bench-{n}", (host, name)
    return took

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

first = [get(n) for n in range(1, count + 1)]
touched = rss()
again = [get(n) for n in range(1, count + 1)]
print()
print(f"| {count} tenants, one process (release, SQLite) | p50 | p99 | max |")
print("|---|---:|---:|---:|")
print(f"| first request of each tenant (cold: tenant loaded) | {statistics.median(first):.2f} ms | {pct(first, 99):.2f} ms | {max(first):.2f} ms |")
print(f"| second request (tenant cached) | {statistics.median(again):.2f} ms | {pct(again, 99):.2f} ms | {max(again):.2f} ms |")
print()
print(f"idle RSS {idle} MB; after touching all {count} tenants {touched:.1f} MB; after the second round {rss():.1f} MB")
print(f"the very first request (host map of every tenant loaded): {first[0]:.2f} ms")
PY
