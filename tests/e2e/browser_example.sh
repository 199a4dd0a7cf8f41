#!/usr/bin/env bash
# examples/browser in a real browser: the page bundled with esbuild (as its README says), served
# from a loopback static server and loaded in headless Chromium (tests/e2e/browser/check.mjs),
# which asserts that the demo user's server is ACTIVE, that the datacenter, the boot's sequence
# diagram and host utilisation were drawn as SVG, and that there was no console error and no
# request but to the loopback server. The bundle is built in a temporary folder (removed on exit);
# the screenshot is kept in $STACKSIM_E2E_ARTIFACTS/browser_example/example.png (default .tmp/e2e,
# under the repository root). Run by tests/e2e/run.sh; needs chromium-headless-shell or chromium.
set -uo pipefail
ARTIFACTS_IN="${STACKSIM_E2E_ARTIFACTS:+$(realpath -m -- "$STACKSIM_E2E_ARTIFACTS")}"
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
KEEP="${ARTIFACTS_IN:-$PWD/.tmp/e2e}/browser_example"
rm -rf "$KEEP" && mkdir -p "$KEEP" || fail "cannot make $KEEP"

started=$(date +%s%N)
# --keep-names: errors keep their class names (CloudError, not `m`). --log-level=warning: a warning
# (e.g. an import esbuild would drop under "sideEffects": false) shows in the test's output.
node_modules/.bin/esbuild examples/browser/main.ts --bundle --format=iife --platform=browser --minify --keep-names \
  --log-level=warning --outfile="$WORK/main.js" \
  || fail "esbuild could not bundle examples/browser/main.ts"
echo "bundle (minified): $(wc -c <"$WORK/main.js") bytes, $(gzip -9 -c "$WORK/main.js" | wc -c) bytes gzip, built in $(( ($(date +%s%N) - started) / 1000000 )) ms"
grep -Eq '(require\(|import\(|from ?)"node:' "$WORK/main.js" && fail "the browser bundle imports a node: module"
cp examples/browser/index.html "$WORK/index.html"

node tests/e2e/browser/check.mjs --serve "$WORK" --page index.html \
  --wait 'body:not([data-state="running"])' \
  --expect 'body[data-state="done"]' \
  --expect '#server[data-status="ACTIVE"]' \
  --expect-text '#server=vm1' \
  --expect-svg datacenter --expect-svg sequence --expect-svg utilisation \
  --expect '#datacenter svg[data-stacksim="datacenter"]' \
  --expect '#sequence svg[data-stacksim="sequence"]' \
  --expect '#utilisation svg[data-stacksim="utilisation"]' \
  --screenshot "$KEEP/example.png" || fail "examples/browser in headless Chromium"
echo "browser_example: all checks passed; screenshot in $KEEP/example.png"
