#!/usr/bin/env bash
# The teaching notebooks, executed headlessly on their own kernels (tslab and Deno), every cell
# checked (tests/e2e/notebooks.py). Run by tests/e2e/run.sh; alone:
#   bash tests/e2e/notebooks.sh [examples/notebooks/03-vm-creation.ipynb ...]
# Builds the library (the notebooks import `stacksim` from dist/ through
# examples/notebooks/package.json's "file:../..") — NOTE: `npm run build` starts with
# `rm -rf dist`, so whatever else uses this checkout's dist/ meanwhile breaks; run it in a copy
# when others share the checkout — installs the kernels there with `npm ci`, writes their kernel
# specs (examples/notebooks/kernels.mjs, absolute paths, every run) and points JUPYTER_PATH at
# them. Needs Debian's python3-nbclient (.ci/run installs it).
# The executed notebooks, with their outputs, are kept in $STACKSIM_NOTEBOOK_OUT, by default
# $STACKSIM_E2E_ARTIFACTS/notebooks (.tmp/e2e/notebooks under the repository root; gitignored).
set -euo pipefail
NOTEBOOK_OUT="${STACKSIM_NOTEBOOK_OUT:+$(realpath -m -- "$STACKSIM_NOTEBOOK_OUT")}"
ARTIFACTS_IN="${STACKSIM_E2E_ARTIFACTS:+$(realpath -m -- "$STACKSIM_E2E_ARTIFACTS")}"
cd "$(dirname "$0")/../.."
ROOT="$PWD"
if [ -z "$NOTEBOOK_OUT" ]; then
  NOTEBOOK_OUT="${ARTIFACTS_IN:-$ROOT/.tmp/e2e}/notebooks"
  rm -rf "$NOTEBOOK_OUT"  # this script's own folder: no notebook of an earlier run left in it
fi
PYTHON=/usr/bin/python3

if ! "$PYTHON" -c 'import nbclient, nbformat' 2>/dev/null; then
  echo "notebooks: Debian's nbclient is missing: apt-get install python3-nbclient" >&2
  exit 2
fi

step() {  # step NAME COMMAND...: runs quietly, shows the log and stops when it fails
  local started=$SECONDS log
  log="$(mktemp)"
  if ! "${@:2}" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "notebooks: $1 failed" >&2
    exit 1
  fi
  rm -f "$log"
  echo "     $1 ($((SECONDS - started)) s)"
}
step 'the checks themselves (notebooks_test.py)' "$PYTHON" tests/e2e/notebooks_test.py
step 'npm run build' npm run build
step 'npm ci (examples/notebooks)' npm ci --prefix examples/notebooks --no-audit --no-fund
JUPYTER_PATH="$(node examples/notebooks/kernels.mjs)"
RUNTIME="$(mktemp -d)"
trap 'rm -rf "$RUNTIME"' EXIT
export JUPYTER_PATH JUPYTER_RUNTIME_DIR="$RUNTIME" NO_COLOR=1

started=$SECONDS
status=0
"$PYTHON" tests/e2e/notebooks.py --out "$NOTEBOOK_OUT" "$@" || status=$?
echo "     notebooks ran in $((SECONDS - started)) s; the executed notebooks are in $NOTEBOOK_OUT"
exit $status
