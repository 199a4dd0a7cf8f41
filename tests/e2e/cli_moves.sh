#!/usr/bin/env bash
# Moving servers (issue 15) through the real `openstack` CLI (python3-openstackclient 6.0.0 on
# novaclient 18.1), asserting on the client's own output: server resize --flavor (VERIFY_RESIZE,
# the new flavor) / resize confirm (ACTIVE) / resize revert (the old flavor, the same host), server
# migrate (admin, cold: another host) / migration confirm, server migrate --live-migration --host at
# 2.30 and without a host at 2.68 (the scheduler picks), server migration list (2.1 and 2.59:
# types and uuids), server shelve (SHELVED_OFFLOADED: shelved_offload_time 0) / unshelve (ACTIVE),
# server evacuate after the host's nova-compute is forced down (`compute service set --down` at
# 2.11; forcing it up again is nova's 400 while the `done` evacuation remains, so a harness
# snapshot taken before is restored after), server show checking status and host each time. Run by tests/e2e/run.sh (OS_CLIENT_CONFIG_FILE set); names are unique per run.
#
# Every step runs on its own (a subshell with `set -e`) so one refused step does not hide the
# others; the script fails at the end, naming every step that failed.
set -uo pipefail

: "${OS_CLIENT_CONFIG_FILE:?run through tests/e2e/run.sh (or export OS_CLIENT_CONFIG_FILE)}"
: "${STACKSIM_URL:?run through tests/e2e/run.sh (stacksim serve --harness; or export STACKSIM_URL)}"
WORK="$(mktemp -d)"
SUFFIX="$$-$RANDOM"
VM="vm-moves-$SUFFIX"
IMAGE=cirros-0.5.2-x86_64-disk

fail() { echo "FAIL: $*" >&2; exit 1; }
demo() { openstack --os-cloud stacksim "$@"; }
admin() { openstack --os-cloud stacksim-admin "$@"; }
field() { sed -n "s/^$1=\"\\(.*\\)\"$/\\1/p" <<<"$2"; }
# the admin does not find demo's server by name (no --all-projects): by id, which server_create records
ID_FILE="$WORK/id"
sid() { cat "$ID_FILE"; }
host_of() { admin server show "$(sid)" -f value -c OS-EXT-SRV-ATTR:host; }
# wait_server <name> <status> (the recorded id is asked for): nova-compute's tasks run before the next call returns
wait_server() {
  local status=""
  for _ in $(seq 1 50); do
    status="$(admin server show "$(sid)" -f value -c status)"
    [ "$status" = "$2" ] && return 0
    sleep 0.2
  done
  fail "server $1 never became $2 (it is $status)"
}

# Nova Zed refuses to set a host's nova-compute up again while `done` evacuations remain on it,
# until the service restarts (which no API does): the evacuation step keeps a harness snapshot
# (/stacksim/snapshot) taken before it forces the host down and restores it afterwards (or on exit),
# so the scripts after this one find every compute host up.
SNAP_FILE="$WORK/snapshot"
restore_snapshot() {
  if [ -s "$SNAP_FILE" ]; then
    curl -sf -X POST -H 'Content-Type: application/json' -d "{\"snapshot\": \"$(cat "$SNAP_FILE")\"}" "$STACKSIM_URL/stacksim/restore" >/dev/null
    : >"$SNAP_FILE"
  fi
}
cleanup() {
  restore_snapshot || true
  demo server delete --wait "$VM" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

failed=()
step() { # step <name> <function>: runs it with `set -e` in a subshell, records a failure
  echo "--- $1"
  ( set -e; "$2" )
  local rc=$?
  [ $rc -eq 0 ] || { failed+=("$1"); echo "step failed: $1" >&2; }
}

server_create() {
  out="$(demo server create --flavor m1.tiny --image "$IMAGE" --network private --wait "$VM" -f shell)"
  [ "$(field status "$out")" = ACTIVE ] || { echo "$out"; fail "server create --wait: ACTIVE"; }
  field id "$out" >"$ID_FILE"
}

resize_confirm() {
  demo server resize --flavor m1.small "$VM"
  wait_server "$VM" VERIFY_RESIZE
  out="$(demo server show "$VM" -f shell)"
  grep -q '^flavor="m1.small' <<<"$out" || { echo "$out"; fail "server show after resize: m1.small"; }
  [ "$(field os_ext_sts_vm_state "$out")" = resized ] || fail "server show after resize: vm_state resized"
  # confirming twice: nova's 409 the second time
  demo server resize confirm "$VM"
  wait_server "$VM" ACTIVE
  if demo server resize confirm "$VM" 2>"$WORK/err"; then fail "a confirmed resize was confirmed again"; fi
  grep -q "Cannot 'confirmResize' instance" "$WORK/err" || { cat "$WORK/err"; fail "resize confirm twice: nova's 409"; }
  grep -q '^m1.small' <<<"$(demo server show "$VM" -f value -c flavor)" || fail "the confirmed flavor"
}

resize_revert() {
  before="$(host_of)"
  demo server resize --flavor m1.medium "$VM"
  wait_server "$VM" VERIFY_RESIZE
  demo server resize revert "$VM"
  wait_server "$VM" ACTIVE
  grep -q '^m1.small' <<<"$(demo server show "$VM" -f value -c flavor)" || fail "server resize revert: back to m1.small"
  [ "$(host_of)" = "$before" ] || fail "server resize revert: back on $before"
}

cold_migrate() {
  before="$(host_of)"
  if demo server migrate "$VM" 2>"$WORK/err"; then fail "demo may not migrate"; fi
  grep -qi "policy" "$WORK/err" || { cat "$WORK/err"; fail "demo server migrate: 403"; }
  admin server migrate "$(sid)"
  wait_server "$VM" VERIFY_RESIZE
  after="$(host_of)"
  [ "$after" != "$before" ] || fail "server migrate: still on $before"
  admin server migration confirm "$(sid)"
  wait_server "$VM" ACTIVE
  [ "$(host_of)" = "$after" ] || fail "server migrate confirm: on $after"
}

live_migrate() {
  before="$(host_of)"
  target="$(admin compute service list --service nova-compute -f value -c Host | grep -vx "$before" | sed -n 1p)"
  [ -n "$target" ] || fail "no other compute host"
  admin --os-compute-api-version 2.30 server migrate --live-migration --host "$target" --wait "$(sid)"
  wait_server "$VM" ACTIVE
  [ "$(host_of)" = "$target" ] || fail "live migration --host $target: on $(host_of)"
  # the scheduler picks when no host is given (2.68: block_migration auto, no force)
  admin --os-compute-api-version 2.68 server migrate --live-migration "$(sid)"
  wait_server "$VM" ACTIVE
  [ "$(host_of)" != "$target" ] || fail "scheduled live migration: still on $target"
}

migration_list() {
  id="$(sid)"
  out="$(admin server migration list --server "$(sid)" -f value -c Status -c "Server UUID")"
  echo "$out"
  grep -qx "confirmed $id" <<<"$out" || fail "server migration list: a confirmed resize"
  grep -qx "reverted $id" <<<"$out" || fail "server migration list: a reverted resize"
  out="$(admin --os-compute-api-version 2.59 server migration list --server "$(sid)" -f value -c Id -c UUID -c Type -c Status)"
  echo "$out"
  # the client's column order: Id, UUID, Status, Type
  grep -qE "^[0-9]+ [0-9a-f-]{36} completed live-migration$" <<<"$out" || fail "server migration list at 2.59: a completed live migration"
  grep -qE "^[0-9]+ [0-9a-f-]{36} confirmed resize$" <<<"$out" || fail "server migration list at 2.59: the confirmed resize"
  grep -qE "^[0-9]+ [0-9a-f-]{36} confirmed migration$" <<<"$out" || fail "server migration list at 2.59: the cold migration"
  # server migrations of a server: nothing in progress once a live migration completed
  out="$(admin --os-compute-api-version 2.23 server migration list --server "$(sid)" --type live-migration --status running -f value -c Id)"
  [ -z "$out" ] || fail "no live migration runs: $out"
}

shelve_unshelve() {
  demo server shelve "$VM"
  wait_server "$VM" SHELVED_OFFLOADED
  case "$(host_of)" in ''|None) ;; *) fail "an offloaded server has no host: $(host_of)";; esac
  demo server unshelve "$VM"
  wait_server "$VM" ACTIVE
  case "$(host_of)" in ''|None) fail "an unshelved server is on a host";; esac
}

evacuate() {
  source_host="$(host_of)"
  # refused while the host's nova-compute is up
  if admin server evacuate "$(sid)" 2>"$WORK/err"; then fail "evacuate with the source up"; fi
  grep -q "is still in use" "$WORK/err" || { cat "$WORK/err"; fail "evacuate with the source up: nova's 400"; }
  curl -sf -X POST "$STACKSIM_URL/stacksim/snapshot" | sed -n 's/.*"snapshot": *"\([^"]*\)".*/\1/p' >"$SNAP_FILE"
  [ -s "$SNAP_FILE" ] || fail "POST /stacksim/snapshot"
  admin --os-compute-api-version 2.11 compute service set --down "$source_host" nova-compute
  state="$(admin compute service list --service nova-compute --host "$source_host" -f value -c State)"
  [ "$state" = down ] || fail "compute service set --down: $state"
  # python3-openstackclient 6.0.0 shows the server from the TupleWithMeta novaclient answers and
  # crashes after nova's 200; the evacuation itself is checked below
  if ! admin server evacuate "$(sid)" 2>"$WORK/err"; then
    grep -q "'TupleWithMeta' object has no attribute 'to_dict'" "$WORK/err" || { cat "$WORK/err"; fail "server evacuate"; }
  fi
  wait_server "$VM" ACTIVE
  after="$(host_of)"
  [ -n "$after" ] && [ "$after" != None ] && [ "$after" != "$source_host" ] || fail "server evacuate: on '$after' (was $source_host)"
  out="$(admin --os-compute-api-version 2.59 server migration list --server "$(sid)" --type evacuation -f value -c Type -c "Source Compute")"
  grep -qx "$source_host evacuation" <<<"$out" || { echo "$out"; fail "server migration list: the evacuation"; }
  # nova Zed: no forcing up while the `done` evacuation waits for the source's nova-compute to restart
  if admin --os-compute-api-version 2.11 compute service set --up "$source_host" nova-compute 2>"$WORK/err"; then fail "forced up with a done evacuation"; fi
  # (the client words nova's 400 itself)
  grep -q "Failed to set service state to up" "$WORK/err" || { cat "$WORK/err"; fail "compute service set --up: refused"; }
  restore_snapshot
  [ "$(admin compute service list --service nova-compute --host "$source_host" -f value -c State)" = up ] || fail "the snapshot restored: $source_host up"
}

server_delete() {
  demo server delete --wait "$VM"
  if demo server show "$VM" 2>/dev/null; then fail "server delete: still there"; fi
}

step "server create --wait" server_create
step "server resize --flavor / resize confirm" resize_confirm
step "server resize / resize revert" resize_revert
step "server migrate / migration confirm (admin)" cold_migrate
step "server migrate --live-migration (--host at 2.30, scheduled at 2.68)" live_migrate
step "server migration list (2.1, 2.59)" migration_list
step "server shelve / unshelve" shelve_unshelve
step "server evacuate after compute service set --down" evacuate
step "server delete --wait" server_delete

if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed step: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "cli_moves: every step passed"
