#!/usr/bin/env bash
# The HTML report in a real browser: `stacksim report --preset devstack` writes one page, opened
# from file:// in headless Chromium (tests/e2e/browser/check.mjs, the browser set offline), which
# asserts that the page made no request at all and logged no console error, and that each
# picture is there and drawn: the datacenter, utilisation, the network, the boot's sequence, the
# scheduler's explanation and the Swift ring.
#
# Keeps, in $STACKSIM_E2E_ARTIFACTS/browser_report (default .tmp/e2e, under the repository root;
# .tmp/ is gitignored): the page (report.html), a full-page screenshot (report.png) and the
# VM-creation sequence diagram alone (trace.png: the `#trace svg` element, drawn 1200 px wide).
# STACKSIM_SCREENSHOT_OUT=docs/report.png writes that diagram there too — the README's picture:
#   STACKSIM_SCREENSHOT_OUT=docs/report.png bash tests/e2e/browser_report.sh
# Run by tests/e2e/run.sh; needs Debian's chromium-headless-shell or chromium.
set -uo pipefail
# paths given relative to where the script was started from
OUT="${STACKSIM_SCREENSHOT_OUT:+$(realpath -m -- "$STACKSIM_SCREENSHOT_OUT")}"
ARTIFACTS_IN="${STACKSIM_E2E_ARTIFACTS:+$(realpath -m -- "$STACKSIM_E2E_ARTIFACTS")}"
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*" >&2; exit 1; }
DIR="${ARTIFACTS_IN:-$PWD/.tmp/e2e}/browser_report"
rm -rf "$DIR" && mkdir -p "$DIR" || fail "cannot make $DIR"

started=$(date +%s%N)
node --import tsx bin/stacksim.ts report --preset devstack --out "$DIR/report.html" || fail "stacksim report --preset devstack"
[ -s "$DIR/report.html" ] || fail "stacksim report wrote nothing to $DIR/report.html"
echo "report: $(wc -c <"$DIR/report.html") bytes, written in $(( ($(date +%s%N) - started) / 1000000 )) ms"

# Each section's id and the kind of drawing it must hold (src/render/report.ts). The scheduling
# grid is the explanation's HTML form (a hosts × filters table), so it may be HTML or SVG.
checks=(--expect '#summary' --refuse-text 'section=could not be drawn')
for pair in datacenter:datacenter utilisation:utilisation network:network trace:sequence rings:ring; do
  checks+=(--expect-svg "${pair#*:}" --expect "section#${pair%%:*} svg[data-stacksim=\"${pair#*:}\"]")
done
checks+=(--expect-picture explanation --expect 'section#scheduling [data-stacksim="explanation"]')
for host in controller compute1 compute2; do checks+=(--expect-text "section#scheduling=$host"); done
shots=(--screenshot "$DIR/report.png" --screenshot-element "#trace svg=$DIR/trace.png" --element-width 1200)
[ -n "$OUT" ] && shots+=(--screenshot-element "#trace svg=$OUT")
node tests/e2e/browser/check.mjs --file "$DIR/report.html" --offline "${checks[@]}" "${shots[@]}" \
  || fail "the report in headless Chromium"
echo "browser_report: all checks passed; the page and its screenshots are in $DIR${OUT:+; the sequence diagram also in $OUT}"
