#!/usr/bin/env bash
# Builds the SPA (crates/web-ui) into dist/: six WebAssembly apps (portal, console,
# password recovery, booking, the citizen's taxpayer account, the public waste pages) with
# their JS glue, Bootstrap Italia CSS (purged of unused rules), fonts and icons, and
# index.html. Idempotent: installs only what is missing (the wasm32 target,
# wasm-bindgen-cli at the version in Cargo.lock, the npm packages), then builds.
# No Trunk (see docs/toolchain.md). Respects CARGO_TARGET_DIR. Every compressible file
# gets a brotli (.br, quality 11) and a gzip -9 (.gz) sibling, which the server sends
# instead of compressing on the fly.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
UI="$ROOT/crates/web-ui"
DIST="${DIST_DIR:-$ROOT/dist}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PROFILE=wasm-release
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CARGO_TERM_COLOR=never
start=$(date +%s)
step() { printf '\n== %s\n' "$*"; }

step "toolchain"
rustup target list --installed | grep -qx wasm32-unknown-unknown ||
  rustup target add wasm32-unknown-unknown
# The CLI must equal the wasm-bindgen crate version in Cargo.lock.
WB=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock")
if [ -z "$WB" ]; then
  echo "wasm-bindgen not found in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WB" ]; then
  # Without --locked: the registry mirror lacks some of the CLI's locked versions.
  cargo install wasm-bindgen-cli --version "$WB"
fi
echo "wasm-bindgen $WB"

step "npm (bootstrap-italia, binaryen, purgecss, terser)"
BI="$UI/node_modules/bootstrap-italia/dist"
WASM_OPT="$UI/node_modules/.bin/wasm-opt"
TERSER="$UI/node_modules/.bin/terser"
# npm records each install in node_modules/.package-lock.json: reinstall only when the
# lockfile is newer than that record.
if [ "$UI/node_modules/.package-lock.json" -nt "$UI/package-lock.json" ] && [ -x "$WASM_OPT" ] && [ -x "$TERSER" ]; then
  echo "node_modules up to date"
else
  (cd "$UI" && npm ci --no-audit --no-fund --loglevel=error)
fi

step "cargo build ($PROFILE, wasm32)"
# erase_components: Leptos type-erases components and reactive closures, so the view code
# is generated once per output type instead of once per call site (about 7% less wasm).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components"
cargo build --locked --profile "$PROFILE" --target wasm32-unknown-unknown -p web-ui
OUT="$TARGET_DIR/wasm32-unknown-unknown/$PROFILE"

step "wasm-bindgen + wasm-opt"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
# Seven apps from one crate: the portal (bin web-ui -> sportello.*), the console
# (bin console -> console.*), so citizens never download the console, the password
# recovery (bin recovery -> recovery.*), kept out of the portal's first load, the
# booking of appointments and pickups (bin booking -> booking.*), which a Comune's site
# links to directly, the citizen's taxpayer account (bin account -> account.*) and the
# public waste pages, Trasparenza rifiuti and the Riciclabolario (bin waste -> waste.*),
# and live chat with the video desk (bin live -> live.*).
for app in sportello:web-ui console:console recovery:recovery booking:booking account:account waste:waste live:live; do
  name=${app%%:*}
  wasm-bindgen --target web --no-typescript --out-dir "$STAGE" --out-name "$name" "$OUT/${app#*:}.wasm"
  # npm binaryen: Debian's wasm-opt 108 produces a module that fails at runtime.
  "$WASM_OPT" -Oz "$STAGE/${name}_bg.wasm" -o "$STAGE/${name}_bg.wasm"
  # The JS glue is 60 KB of readable code: minified, 2 KB less on the first load (gzip).
  "$TERSER" "$STAGE/$name.js" --module --compress --mangle -o "$STAGE/$name.js"
done

step "assemble $DIST"
rm -rf "$DIST"
mkdir -p "$DIST/bootstrap-italia/css" "$DIST/bootstrap-italia/svg"
cp "$STAGE"/sportello.js "$STAGE"/sportello_bg.wasm "$STAGE"/console.js "$STAGE"/console_bg.wasm \
  "$STAGE"/recovery.js "$STAGE"/recovery_bg.wasm "$STAGE"/booking.js "$STAGE"/booking_bg.wasm "$DIST/"
cp "$UI/static/app.css" "$DIST/"
# La mia posizione, loaded only at /area-personale/posizione.
cp "$STAGE"/account.js "$STAGE"/account_bg.wasm "$DIST/"
# Trasparenza rifiuti and the Riciclabolario, loaded only there.
cp "$STAGE"/waste.js "$STAGE"/waste_bg.wasm "$DIST/"
# Live chat and the video desk, loaded only at /chat and /videochiamata/….
cp "$STAGE"/live.js "$STAGE"/live_bg.wasm "$DIST/"
# Bootstrap Italia is 600 KB of CSS; keep only the rules whose classes the app's sources
# name (every class is a literal in src/, so the scan is complete), then the custom
# properties, keyframes and font faces those rules still use: ~90 → ~14 KB gzipped.
"$UI/node_modules/.bin/purgecss" --css "$BI/css/bootstrap-italia.min.css" \
  --content "$UI/src/**/*.rs" "$UI/static/index.html" --variables --keyframes --font-face \
  --output "$DIST/bootstrap-italia/css/"
# The icon sprite, cut to the icons the sources name (`"it-…"` literals): 94 → ~3 KB.
node -e '
const fs = require("fs");
const [sprite, out, ...sources] = process.argv.slice(1);
const used = new Set(sources.flatMap((f) => fs.readFileSync(f, "utf8").match(/"it-[a-z0-9-]+"/g) || []).map((s) => s.slice(1, -1)));
const svg = fs.readFileSync(sprite, "utf8");
const symbols = svg.match(/<symbol id="[^"]+"[\s\S]*?<\/symbol>/g).filter((s) => used.has(/id="([^"]+)"/.exec(s)[1]));
fs.writeFileSync(out, `<svg xmlns="http://www.w3.org/2000/svg">${symbols.join("")}</svg>`);
console.log(`sprites.svg: ${symbols.length} icons`);
' "$BI/svg/sprites.svg" "$DIST/bootstrap-italia/svg/sprites.svg" $(find "$UI/src" -name '*.rs')
# Only the woff2 fonts (every current browser), with their licences.
for family in Titillium_Web Roboto_Mono Lora; do
  mkdir -p "$DIST/bootstrap-italia/fonts/$family"
  cp "$BI/fonts/$family"/*.woff2 "$BI/fonts/$family"/*.txt "$DIST/bootstrap-italia/fonts/$family/"
done
cp "$UI/node_modules/bootstrap-italia/LICENSE" "$DIST/bootstrap-italia/LICENSE"

# Cache busting: a content hash in the query string of every versioned asset.
hash() { sha256sum "$1" | cut -c1-12; }
WASM_V=$(hash "$DIST/sportello_bg.wasm")
cat >"$DIST/boot.js" <<EOF
// Generated by scripts/build-web.sh. Loads the app for this path: the console under
// /console, sign-in, registration and password recovery at /accedi, /registrazione and
// /recupero-password, the booking at /prenotazioni…
// and /ritiro-ingombranti, Trasparenza rifiuti and the Riciclabolario at /trasparenza…
// and /riciclabolario (with the site search at /cerca, the rating page /valuta, the
// services' schede at /servizi…, the site map, legal notes and media policy), the citizen
// portal elsewhere (the same split as AppKind::of_path). (An external file, so a strict CSP works.)
const path = location.pathname;
// The signed-in citizen's app (AppKind::Account): the Area personale under /area-personale
// (requests, messages, appointments, "La mia posizione", pagoPA notices…) and the
// new-request wizard at /nuova-richiesta.
const [js, wasm] = path === "/area-personale" || path.startsWith("/area-personale/") || path === "/nuova-richiesta"
  ? ["/account.js?v=$(hash "$DIST/account.js")", "/account_bg.wasm?v=$(hash "$DIST/account_bg.wasm")"]
  : path === "/console" || path.startsWith("/console/")
  ? ["/console.js?v=$(hash "$DIST/console.js")", "/console_bg.wasm?v=$(hash "$DIST/console_bg.wasm")"]
  : path === "/recupero-password" || path === "/accedi" || path === "/registrazione"
  ? ["/recovery.js?v=$(hash "$DIST/recovery.js")", "/recovery_bg.wasm?v=$(hash "$DIST/recovery_bg.wasm")"]
  : path === "/prenotazioni" || path.startsWith("/prenotazioni/") || path === "/ritiro-ingombranti"
  ? ["/booking.js?v=$(hash "$DIST/booking.js")", "/booking_bg.wasm?v=$(hash "$DIST/booking_bg.wasm")"]
  : path === "/trasparenza" || path.startsWith("/trasparenza/") || path === "/riciclabolario"
    || path === "/cerca" || path === "/valuta"
    || path === "/servizi" || path.startsWith("/servizi/")
    || path === "/mappa-del-sito" || path === "/note-legali" || path === "/media-policy"
  ? ["/waste.js?v=$(hash "$DIST/waste.js")", "/waste_bg.wasm?v=$(hash "$DIST/waste_bg.wasm")"]
  : path === "/chat" || path.startsWith("/videochiamata/")
  ? ["/live.js?v=$(hash "$DIST/live.js")", "/live_bg.wasm?v=$(hash "$DIST/live_bg.wasm")"]
  : ["/sportello.js?v=$(hash "$DIST/sportello.js")", "/sportello_bg.wasm?v=$WASM_V"];
const { default: init } = await import(js);
await init({ module_or_path: wasm });
EOF
sed -e "s/{{WASM_V}}/$WASM_V/g" \
  -e "s/{{BI_V}}/$(hash "$DIST/bootstrap-italia/css/bootstrap-italia.min.css")/g" \
  -e "s/{{APP_CSS_V}}/$(hash "$DIST/app.css")/g" \
  -e "s/{{BOOT_V}}/$(hash "$DIST/boot.js")/g" \
  "$UI/static/index.html" >"$DIST/index.html"

step "precompress (brotli -q 11, gzip -9)"
# The server picks file.br or file.gz by Accept-Encoding (crates/api/src/spa.rs); a
# sibling that is not smaller than its file is dropped.
apt_install brotli
precompress() {
  local f
  for f in "$@"; do
    brotli -q 11 -f -k -o "$f.br" "$f"
    gzip -9 -n -f -k "$f"
    for c in "$f.br" "$f.gz"; do
      [ "$(stat -c %s "$c")" -lt "$(stat -c %s "$f")" ] || rm "$c"
    done
  done
}
export -f precompress
find "$DIST" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.svg' -o -name '*.json' \) -print0 |
  xargs -0 -n 1 -P "$(nproc)" bash -c 'set -e; precompress "$@"' _
echo "$(find "$DIST" -name '*.br' | wc -l) files (.br and .gz)"

step "first-load size (gzip -9, brotli -q 11)"
report() {
  local label=$1 total=0 total_br=0 raw gz br f
  shift
  echo "$label"
  for f in "$@"; do
    raw=$(stat -c %s "$DIST/$f")
    gz=$(gzip -9c "$DIST/$f" | wc -c)
    br=$(stat -c %s "$DIST/$f.br" 2>/dev/null || echo "$raw")
    total=$((total + gz))
    total_br=$((total_br + br))
    printf '  %-46s %9d B  gz %8d B  br %8d B\n' "$f" "$raw" "$gz" "$br"
  done
  printf '  %-46s %21s %8d B (%d KB; budget 400 KB)  br %8d B (%d KB)\n' "total" "" \
    "$total" $((total / 1024)) "$total_br" $((total_br / 1024))
}
COMMON="boot.js bootstrap-italia/css/bootstrap-italia.min.css app.css index.html"
# shellcheck disable=SC2086
report "portal (/)" sportello_bg.wasm sportello.js $COMMON
# shellcheck disable=SC2086
report "console (/console)" console_bg.wasm console.js $COMMON
# shellcheck disable=SC2086
report "la mia posizione (/area-personale/posizione)" account_bg.wasm account.js $COMMON
# shellcheck disable=SC2086
report "sign-in, registration, recovery (/accedi, /registrazione, /recupero-password)" recovery_bg.wasm recovery.js $COMMON
# shellcheck disable=SC2086
report "booking (/prenotazioni, /ritiro-ingombranti)" booking_bg.wasm booking.js $COMMON
# shellcheck disable=SC2086
report "public pages (/trasparenza, /riciclabolario, /cerca, /valuta, /servizi…)" waste_bg.wasm waste.js $COMMON
# shellcheck disable=SC2086
report "live chat and video desk (/chat, /videochiamata/…)" live_bg.wasm live.js $COMMON
echo "built in $(($(date +%s) - start)) s"
