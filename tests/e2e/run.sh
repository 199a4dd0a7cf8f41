#!/usr/bin/env bash
# npm run test:e2e — the real OpenStack clients against `stacksim serve`.
#
# Starts one server (the devstack preset, seed 0, with the /stacksim harness: a script may move
# the virtual clock) on a loopback port, writes the clouds.yaml it
# prints, and runs every tests/e2e/cli_*.sh (the `openstack` CLI, asserting on its own output)
# and every tests/e2e/sdk_*.py (openstacksdk, with /usr/bin/python3: Debian's Python, where the
# python3-openstacksdk package lives), then every tests/e2e/browser_*.sh (the handler bundled
# and run in headless Chromium). Needs Debian's python3-openstackclient, python3-osc-placement,
# python3-openstacksdk, python3-swiftclient and chromium-headless-shell (.ci/run installs them).
set -uo pipefail
cd "$(dirname "$0")/../.."
PORT="${STACKSIM_E2E_PORT:-5190}"
WORK="$(mktemp -d)"
PYTHON=/usr/bin/python3

for tool in openstack swift "$PYTHON" chromium-headless-shell; do
  if ! command -v "$tool" >/dev/null; then
    echo "test:e2e: '$tool' is missing: apt-get install python3-openstackclient python3-osc-placement python3-openstacksdk python3-swiftclient chromium-headless-shell" >&2
    exit 2
  fi
done

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
export STACKSIM_E2E_TMP="$WORK"
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

echo "test:e2e: $passed passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  echo "--- server log (last 40 lines)"; tail -40 "$WORK/serve.log"
  exit 1
fi
