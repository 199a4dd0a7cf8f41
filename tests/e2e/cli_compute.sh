#!/usr/bin/env bash
# Nova v2.1 through the real `openstack` CLI (python3-openstackclient 6.0.0 on novaclient 18.1,
# microversion 2.1 unless told), asserting on the client's own output: flavor list / show,
# keypair create --public-key (an ssh-ed25519 key) / show / delete, server create --flavor m1.tiny
# --image cirros --network private --key-name --wait, server list / show (ACTIVE with an address
# on private), microversions (--os-compute-api-version), another project's server not found,
# server stop / start (SHUTOFF / ACTIVE), server reboot, server lock / unlock, server add volume /
# remove volume (a volume made with `volume create --size 1`, in-use then available), server event
# list, server delete --wait, quota show, hypervisor list and compute service list (admin),
# availability zone list, server group create / delete, aggregate create / add host / remove host
# / delete (admin). Run by tests/e2e/run.sh (OS_CLIENT_CONFIG_FILE set); names are unique per run.
#
# Every step runs on its own (a subshell with `set -e`) so one refused step does not hide the
# others; the script fails at the end, naming every step that failed.
set -uo pipefail

: "${OS_CLIENT_CONFIG_FILE:?run through tests/e2e/run.sh (or export OS_CLIENT_CONFIG_FILE)}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SUFFIX="$$-$RANDOM"
VM="vm-cli-$SUFFIX"
KEY="key-cli-$SUFFIX"
VOL="vol-cli-$SUFFIX"
IMAGE=cirros-0.5.2-x86_64-disk
# an ed25519 public key (its private half is thrown away: nothing logs in)
echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIpavcZAsQVbBFiSzJsDjEBWEr6Wewk5zfYhFB/DQVFD stacksim-e2e' >"$WORK/key.pub"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect <what> <pattern> <text>
  grep -qE -- "$2" <<<"$3" || { echo "$3" >&2; fail "$1: no match for /$2/"; }
}
demo() { openstack --os-cloud stacksim "$@"; }
admin() { openstack --os-cloud stacksim-admin "$@"; }
field() { sed -n "s/^$1=\"\\(.*\\)\"$/\\1/p" <<<"$2"; }
# wait_server <server> <status>: nova-compute's tasks run before the next call returns
wait_server() {
  for _ in $(seq 1 50); do
    [ "$(demo server show "$1" -f value -c status)" = "$2" ] && return 0
    sleep 0.2
  done
  fail "server $1 never became $2"
}
wait_volume() {
  for _ in $(seq 1 50); do
    [ "$(demo volume show "$1" -f value -c status)" = "$2" ] && return 0
    sleep 0.2
  done
  fail "volume $1 never became $2"
}

# alt_demo's own clouds.yaml entry (same cloud, other user and project)
sed -e 's/^  stacksim:$/  stacksim-alt:/' -e 's/username: demo$/username: alt_demo/' -e 's/project_name: demo$/project_name: alt_demo/' \
  "$OS_CLIENT_CONFIG_FILE" | awk '/^  stacksim-alt:$/{p=1} /^  stacksim-admin:$/{p=0} p' >"$WORK/alt.yaml"
{ echo 'clouds:'; cat "$WORK/alt.yaml"; } >"$WORK/clouds-alt.yaml"
alt() { OS_CLIENT_CONFIG_FILE="$WORK/clouds-alt.yaml" openstack --os-cloud stacksim-alt "$@"; }

failed=()
step() { # step <name> <function>: runs it with `set -e` in a subshell, records a failure
  echo "--- $1"
  ( set -e; "$2" )
  local rc=$?
  [ $rc -eq 0 ] || { failed+=("$1"); echo "step failed: $1" >&2; }
}

flavors() {
  out="$(demo flavor list -f value -c Name -c RAM -c Disk -c VCPUs)"
  echo "$out"
  grep -qx "m1.tiny 512 1 1" <<<"$out" || fail "flavor list: m1.tiny"
  grep -qx "m1.small 2048 20 1" <<<"$out" || fail "flavor list: m1.small"
  out="$(demo flavor show m1.tiny -f shell)"
  [ "$(field id "$out")" = 1 ] || fail "flavor show: id"
  [ "$(field ram "$out")" = 512 ] || fail "flavor show: ram"
  [ "$(field os_flavor_access_is_public "$out")" = True ] || fail "flavor show: public"
}

keypair() {
  out="$(demo keypair create --public-key "$WORK/key.pub" "$KEY" -f shell)"
  echo "$out"
  [ "$(field name "$out")" = "$KEY" ] || fail "keypair create: name"
  expect "keypair create: fingerprint" '^fingerprint="([0-9a-f]{2}:){15}[0-9a-f]{2}"$' "$out"
  grep -qx "$KEY" <<<"$(demo keypair list -f value -c Name)" || fail "keypair list"
  [ "$(demo keypair show "$KEY" -f value -c name)" = "$KEY" ] || fail "keypair show"
}

server_create() {
  out="$(demo server create --flavor m1.tiny --image "$IMAGE" --network private --key-name "$KEY" --wait "$VM" -f shell)"
  echo "$out"
  [ "$(field name "$out")" = "$VM" ] || fail "server create: name"
  [ "$(field status "$out")" = ACTIVE ] || fail "server create --wait: ACTIVE"
  [ "$(field key_name "$out")" = "$KEY" ] || fail "server create: key_name"
  expect "server create: address on private" '^addresses=".*private.*10\.' "$out"
}

server_list_show() {
  out="$(demo server list -f value -c Name -c Status -c Networks)"
  echo "$out"
  expect "server list: the new server" "^$VM ACTIVE .*private.*10\\." "$out"
  out="$(demo server show "$VM" -f shell)"
  [ "$(field status "$out")" = ACTIVE ] || fail "server show: status"
  [ "$(field os_ext_sts_vm_state "$out")" = active ] || fail "server show: vm_state"
  [ "$(field os_ext_sts_power_state "$out")" = 1 ] || fail "server show: power_state (1: running)"
  expect "server show: image" "^image=\"$IMAGE" "$out"
  expect "server show: flavor" '^flavor="m1.tiny' "$out"
  # 2.1 has none of the later fields; 2.47 embeds the flavor, 2.26 shows tags
  grep -q '^tags=' <<<"$out" && fail "server show at 2.1: tags is a 2.26 field"
  out="$(demo --os-compute-api-version 2.47 server show "$VM" -f shell)"
  expect "server show at 2.47: the flavor embedded" "^flavor=\".*'original_name': 'm1.tiny'" "$out"
  if alt server show "$VM" >/dev/null 2>"$WORK/err"; then fail "alt_demo sees demo's server"; fi
  grep -qi "No server with a name or ID of '$VM' exists" "$WORK/err" || { cat "$WORK/err"; fail "alt_demo server show: not found"; }
}

stop_start() {
  demo server stop "$VM"
  wait_server "$VM" SHUTOFF
  [ "$(demo server show "$VM" -f value -c OS-EXT-STS:power_state)" = 4 ] || fail "server stop: power_state (4: shutdown)"
  if demo server stop "$VM" 2>"$WORK/err"; then fail "a stopped server was stopped again"; fi
  grep -q "Cannot 'stop' instance" "$WORK/err" || { cat "$WORK/err"; fail "server stop twice: nova's 409"; }
  demo server start "$VM"
  wait_server "$VM" ACTIVE
}

reboot() {
  demo server reboot "$VM"
  wait_server "$VM" ACTIVE
  demo server reboot --hard --wait "$VM"
  wait_server "$VM" ACTIVE
}

lock_unlock() {
  demo server lock "$VM"
  [ "$(demo --os-compute-api-version 2.9 server show "$VM" -f value -c locked)" = True ] || fail "server lock"
  demo server unlock "$VM"
  [ "$(demo --os-compute-api-version 2.9 server show "$VM" -f value -c locked)" = False ] || fail "server unlock"
}

volumes() {
  demo volume create --size 1 "$VOL" -f value -c id >/dev/null
  wait_volume "$VOL" available
  demo server add volume "$VM" "$VOL"
  wait_volume "$VOL" in-use
  out="$(demo server show "$VM" -f value -c volumes_attached)"
  grep -q "$(demo volume show "$VOL" -f value -c id)" <<<"$out" || { echo "$out"; fail "server show: volumes_attached"; }
  demo server remove volume "$VM" "$VOL"
  wait_volume "$VOL" available
  demo volume delete "$VOL"
}

events() {
  out="$(demo server event list "$VM" -f value -c Action)"
  echo "$out"
  for action in create stop start reboot; do grep -qx "$action" <<<"$out" || fail "server event list: $action"; done
}

server_delete() {
  demo server delete --wait "$VM"
  if demo server show "$VM" 2>/dev/null; then fail "server delete: still there"; fi
  ! grep -qx "$VM" <<<"$(demo server list -f value -c Name)" || fail "server list after delete"
  demo keypair delete "$KEY"
}

quotas() {
  out="$(demo quota show -f shell)"
  echo "$out"
  expect "quota show: instances" '^instances="10"$' "$out"
  expect "quota show: cores" '^cores="20"$' "$out"
  expect "quota show: ram" '^ram="51200"$' "$out"
}

hypervisors() {
  out="$(admin hypervisor list -f value -c ID -c "Hypervisor Hostname" -c State)"
  echo "$out"
  expect "hypervisor list: integer ids at 2.1, up" '^[0-9]+ [^ ]+ up$' "$out"
  out="$(admin --os-compute-api-version 2.53 hypervisor list -f value -c ID)"
  expect "hypervisor list at 2.53: uuids" '^[0-9a-f-]{36}$' "$out"
  out="$(admin compute service list -f value -c Binary -c State)"
  echo "$out"
  grep -qx "nova-compute up" <<<"$out" || fail "compute service list: nova-compute"
}

zones() {
  out="$(demo availability zone list --compute -f value -c "Zone Name" -c "Zone Status")"
  echo "$out"
  grep -qx "nova available" <<<"$out" || fail "availability zone list: nova"
}

server_groups() {
  out="$(demo server group create --policy affinity "sg-cli-$SUFFIX" -f shell)"
  echo "$out"
  expect "server group create: policy" '^polic(y|ies)=.*affinity' "$out"
  grep -q "sg-cli-$SUFFIX" <<<"$(demo server group list -f value -c Name)" || fail "server group list"
  demo server group delete "sg-cli-$SUFFIX"
  ! grep -q "sg-cli-$SUFFIX" <<<"$(demo server group list -f value -c Name)" || fail "server group delete"
}

aggregates() {
  HOST="$(admin compute service list --service nova-compute -f value -c Host | sed -n 1p)"
  [ -n "$HOST" ] || fail "no compute host"
  out="$(admin aggregate create --zone "az-$SUFFIX" "agg-cli-$SUFFIX" -f shell)"
  echo "$out"
  [ "$(field availability_zone "$out")" = "az-$SUFFIX" ] || fail "aggregate create: zone"
  out="$(admin aggregate add host "agg-cli-$SUFFIX" "$HOST" -f shell)"
  expect "aggregate add host" "^hosts=.*$HOST" "$out"
  if demo aggregate list 2>"$WORK/err"; then fail "demo lists aggregates"; fi
  grep -qi "policy" "$WORK/err" || { cat "$WORK/err"; fail "demo aggregate list: 403"; }
  admin aggregate remove host "agg-cli-$SUFFIX" "$HOST" >/dev/null
  admin aggregate delete "agg-cli-$SUFFIX"
  ! grep -q "agg-cli-$SUFFIX" <<<"$(admin aggregate list -f value -c Name)" || fail "aggregate delete"
}

step "flavor list / show" flavors
step "keypair create --public-key / list / show" keypair
step "server create --wait" server_create
step "server list / show / microversions / other projects" server_list_show
step "server stop / start" stop_start
step "server reboot" reboot
step "server lock / unlock" lock_unlock
step "server add volume / remove volume" volumes
step "server event list" events
step "server delete --wait" server_delete
step "quota show" quotas
step "hypervisor list / compute service list (admin)" hypervisors
step "availability zone list" zones
step "server group create / delete" server_groups
step "aggregate create / add host / remove host / delete (admin)" aggregates

if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed step: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "cli_compute: every step passed"
