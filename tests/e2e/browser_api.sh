#!/usr/bin/env bash
# createApiHandler in a real browser: stacksim and its REST handler bundled for the browser
# (esbuild), loaded in headless Chromium from a static file server, answering Keystone, Glance
# and Swift requests with no stacksim server behind it. Run by tests/e2e/run.sh; needs Debian's
# chromium-headless-shell (.ci/run installs it).
set -uo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*" >&2; exit 1; }
CHROME="$(command -v chromium-headless-shell || command -v chromium || true)"
[ -n "$CHROME" ] || fail "no headless Chromium: apt-get install chromium-headless-shell"
DIR="${STACKSIM_E2E_TMP:-$(mktemp -d)}/browser"
mkdir -p "$DIR"
node_modules/.bin/esbuild tests/e2e/browser/entry.ts --bundle --format=esm --platform=browser --outfile="$DIR/bundle.js" --log-level=error || fail "bundle"
echo "bundle: $(wc -c <"$DIR/bundle.js") bytes (no node: module may be in it)"
grep -q 'from "node:' "$DIR/bundle.js" && fail "the browser bundle imports node: modules"
echo '<!doctype html><html><body>pending<script type="module" src="bundle.js"></script></body></html>' >"$DIR/index.html"
PORT="${STACKSIM_BROWSER_PORT:-5195}"
/usr/bin/python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$DIR" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 50); do /usr/bin/python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1])" "http://127.0.0.1:$PORT/index.html" 2>/dev/null && break; sleep 0.1; done
dom="$(timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$DIR/profile" --virtual-time-budget=20000 --dump-dom "http://127.0.0.1:$PORT/index.html" 2>/dev/null)"
result="$(grep -o 'data-result="[^"]*"' <<<"$dom")"
echo "$result"
grep -q 'token 201' <<<"$result" || fail "POST /identity/v3/auth/tokens in the browser"
grep -q 'images 200 cirros-0.5.2-x86_64-disk' <<<"$result" || fail "GET /image/v2/images in the browser"
grep -q 'swift 201 201 206 i' <<<"$result" || fail "Swift PUT and a Range GET in the browser"
echo "browser_api: all checks passed"
