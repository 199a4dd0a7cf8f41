#!/usr/bin/env bash
# createApiHandler in a real browser: stacksim and its REST handler bundled for the browser
# (esbuild), served from a loopback static server and loaded in headless Chromium
# (tests/e2e/browser/check.mjs), answering Keystone, Glance and Swift requests with no stacksim
# server behind it; no console error, no request but to the loopback server. Run by
# tests/e2e/run.sh; needs Debian's chromium-headless-shell (.ci/run installs it) or chromium.
set -uo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*" >&2; exit 1; }
DIR="$(mktemp -d)"  # the bundle and its page, removed on exit
trap 'rm -rf "$DIR"' EXIT
# The bare `import './state.js'` lines esbuild drops under "sideEffects": false are type-only
# `declare module` augmentations.
node_modules/.bin/esbuild tests/e2e/browser/entry.ts --bundle --format=esm --platform=browser --keep-names \
  --log-level=warning --outfile="$DIR/bundle.js" || fail "bundle"
echo "bundle: $(wc -c <"$DIR/bundle.js") bytes (no node: module may be in it)"
grep -Eq '(require\(|import\(|from ?)"node:' "$DIR/bundle.js" && fail "the browser bundle imports node: modules"
echo '<!doctype html><html><head><link rel="icon" href="data:,"></head><body>pending<script type="module" src="bundle.js"></script></body></html>' >"$DIR/index.html"
node tests/e2e/browser/check.mjs --serve "$DIR" --page index.html --wait 'body[data-result]' \
  --expect-text 'body=token 201' \
  --expect-text 'body=images 200 cirros-0.5.2-x86_64-disk' \
  --expect-text 'body=swift 201 201 206 i' || fail "createApiHandler in headless Chromium (token, images, Swift PUT and a Range GET)"
echo "browser_api: all checks passed"
