#!/usr/bin/env bash
# npm run test:e2e — the real OpenStack clients against `stacksim serve`, browsers, notebooks.
#
# Starts one server (the devstack preset, seed 0, with the /stacksim harness: a script may move
# the virtual clock) on a loopback port, writes the clouds.yaml it
# prints, and runs every tests/e2e/cli_*.sh (the `openstack` CLI, asserting on its own output)
# and every tests/e2e/sdk_*.py (openstacksdk, with /usr/bin/python3: Debian's Python, where the
# python3-openstacksdk package lives), then every tests/e2e/browser_*.sh (headless Chromium
# driven by playwright-core: the REST handler bundled for the browser, examples/browser, and the
# `stacksim report` page), then tests/e2e/notebooks.sh (every examples/notebooks/*.ipynb on its
# kernel, tslab or Deno, through nbclient). Needs Debian's python3-openstackclient,
# python3-osc-placement, python3-openstacksdk, python3-swiftclient, chromium-headless-shell (or
# chromium) and python3-nbclient (.ci/run installs them).
#
# What the run leaves to look at — the report page and the screenshots, the executed notebooks —
# goes to $STACKSIM_E2E_ARTIFACTS (default .tmp/e2e under the repository root; gitignored), one
# folder per script; everything else is in a temporary folder removed at the end.
# Note: tests/e2e/notebooks.sh runs `npm run build`, which deletes and rebuilds dist/.
set -uo pipefail
ARTIFACTS="${STACKSIM_E2E_ARTIFACTS:+$(realpath -m -- "$STACKSIM_E2E_ARTIFACTS")}"
cd "$(dirname "$0")/../.."
ARTIFACTS="${ARTIFACTS:-$PWD/.tmp/e2e}"
PORT="${STACKSIM_E2E_PORT:-5190}"
PYTHON=/usr/bin/python3
PACKAGES="python3-openstackclient python3-osc-placement python3-openstacksdk python3-swiftclient chromium-headless-shell python3-nbclient"

for tool in openstack swift "$PYTHON"; do
  if ! command -v "$tool" >/dev/null; then
    echo "test:e2e: '$tool' is missing: apt-get install $PACKAGES" >&2
    exit 2
  fi
done
# the browser the browser_*.sh scripts drive: chromium-headless-shell, chromium or $STACKSIM_CHROMIUM (check.mjs decides)
if ! CHROMIUM="$(node tests/e2e/browser/check.mjs --which 2>&1)"; then
  echo "test:e2e: $CHROMIUM" >&2
  echo "test:e2e: apt-get install $PACKAGES (chromium works as well as chromium-headless-shell)" >&2
  exit 2
fi
echo "test:e2e: Chromium $CHROMIUM; artifacts in $ARTIFACTS"
mkdir -p "$ARTIFACTS" || exit 2
WORK="$(mktemp -d)"

node --import tsx bin/stacksim.ts serve --harness --port "$PORT" >"$WORK/serve.log" 2>&1 &  # node itself, so $! is the server
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
  grep -q '^# openrc (admin)' "$WORK/serve.log" 2>/dev/null && break
  if ! kill -0 $SERVER 2>/dev/null; then cat "$WORK/serve.log" >&2; echo "test:e2e: the server did not start" >&2; exit 1; fi
  sleep 0.2
done
sed -n '/^# clouds.yaml$/,/^$/p' "$WORK/serve.log" | sed '1d' >"$WORK/clouds.yaml"

export OS_CLIENT_CONFIG_FILE="$WORK/clouds.yaml"
export STACKSIM_URL="http://127.0.0.1:$PORT"
export STACKSIM_E2E_TMP="$WORK" STACKSIM_E2E_ARTIFACTS="$ARTIFACTS"
unset OS_CLOUD OS_AUTH_URL OS_USERNAME OS_PASSWORD OS_PROJECT_NAME OS_TOKEN OS_AUTH_TYPE

failed=()
passed=0
run() {
  local name="$1"; shift
  local started=$SECONDS
  if "$@" >"$WORK/$name.out" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name ($((SECONDS - started)) s)"
  else
    failed+=("$name")
    echo "FAIL $name ($((SECONDS - started)) s)"
    sed 's/^/     | /' "$WORK/$name.out" | tail -40
  fi
}
for script in tests/e2e/cli_*.sh; do [ -e "$script" ] && run "$(basename "$script")" bash "$script"; done
for script in tests/e2e/sdk_*.py; do [ -e "$script" ] && run "$(basename "$script")" "$PYTHON" "$script"; done
for script in tests/e2e/browser_*.sh; do [ -e "$script" ] && run "$(basename "$script")" bash "$script"; done
run notebooks.sh bash tests/e2e/notebooks.sh  # the teaching notebooks on tslab and Deno (python3-nbclient)

echo "test:e2e: $passed passed, ${#failed[@]} failed; screenshots, the report page and the executed notebooks are in $ARTIFACTS"
if [ ${#failed[@]} -gt 0 ]; then
  echo "--- server log (last 40 lines)"; tail -40 "$WORK/serve.log"
  exit 1
fi
