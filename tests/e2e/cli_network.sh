#!/usr/bin/env bash
# Neutron v2.0 through the real `openstack` CLI (python3-openstackclient 6.0.0 on openstacksdk),
# asserting on the client's own output: network list / create / show / set / delete, subnet
# create from a range and from the shared subnet pool, port create / show / set --host (admin
# binds, the demo user is refused 403) / delete, router create / set --external-gateway /
# add subnet / remove subnet / unset / delete, floating ip create / set --port / unset / delete,
# security group create / rule create (a duplicate is 409) / rule list / delete, network agent
# list (admin), network rbac create (alt_demo then sees the network) / delete, and the network
# quota details. Run by tests/e2e/run.sh (OS_CLIENT_CONFIG_FILE set); names are unique per run.
set -euo pipefail

: "${OS_CLIENT_CONFIG_FILE:?run through tests/e2e/run.sh (or export OS_CLIENT_CONFIG_FILE)}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SUFFIX="$$-$RANDOM"
NET="net-cli-$SUFFIX"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect <what> <pattern> <text>
  grep -qE -- "$2" <<<"$3" || { echo "$3" >&2; fail "$1: no match for /$2/"; }
}
demo() { openstack --os-cloud stacksim "$@"; }
admin() { openstack --os-cloud stacksim-admin "$@"; }
field() { sed -n "s/^$1=\"\\(.*\\)\"$/\\1/p" <<<"$2"; }

# alt_demo's own clouds.yaml entry (same cloud, other user and project)
sed -e 's/^  stacksim:$/  stacksim-alt:/' -e 's/username: demo$/username: alt_demo/' -e 's/project_name: demo$/project_name: alt_demo/' \
  "$OS_CLIENT_CONFIG_FILE" | awk '/^  stacksim-alt:$/{p=1} /^  stacksim-admin:$/{p=0} p' >"$WORK/alt.yaml"
{ echo 'clouds:'; cat "$WORK/alt.yaml"; } >"$WORK/clouds-alt.yaml"
alt() { OS_CLIENT_CONFIG_FILE="$WORK/clouds-alt.yaml" openstack --os-cloud stacksim-alt "$@"; }

echo "--- network list (DevStack's networks)"
out="$(demo network list -f value -c Name)"
echo "$out"
grep -qx private <<<"$out" || fail "network list: no private network"
grep -qx public <<<"$out" || fail "network list: no public network"
PUBLIC_ID="$(demo network show public -f value -c id)"

echo "--- network create / show / set"
out="$(demo network create "$NET" -f shell)"
echo "$out"
NET_ID="$(field id "$out")"
[[ "$NET_ID" =~ ^[0-9a-f-]{36}$ ]] || fail "network create: no id"
[ "$(field name "$out")" = "$NET" ] || fail "network create: name"
[ "$(field status "$out")" = ACTIVE ] || fail "network create: status"
[ "$(field mtu "$out")" = 1450 ] || fail "network create: a VXLAN tenant network's MTU is 1450"
[ "$(field router_external "$out")" = False ] || fail "network create: router_external"
demo network set --description "cli $SUFFIX" --name "$NET-b" "$NET"
NET="$NET-b"
out="$(demo network show "$NET" -f shell)"
[ "$(field description "$out")" = "cli $SUFFIX" ] || fail "network set: description"
[ "$(field id "$out")" = "$NET_ID" ] || fail "network set: the renamed network is another one"
out="$(admin network show "$NET_ID" -f shell)"
[ "$(field provider_network_type "$out")" = vxlan ] || fail "admin network show: provider:network_type"
[[ "$(field provider_segmentation_id "$out")" =~ ^[0-9]+$ ]] || fail "admin network show: segmentation id"

echo "--- subnet create --subnet-range / --subnet-pool"
out="$(demo subnet create --network "$NET" --subnet-range 10.91.0.0/24 --dns-nameserver 8.8.8.8 "sub-$SUFFIX" -f shell)"
echo "$out"
SUB_ID="$(field id "$out")"
[ "$(field cidr "$out")" = 10.91.0.0/24 ] || fail "subnet create: cidr"
[ "$(field gateway_ip "$out")" = 10.91.0.1 ] || fail "subnet create: gateway is the first address"
[ "$(field allocation_pools "$out")" = "[{'start': '10.91.0.2', 'end': '10.91.0.254'}]" ] || fail "subnet create: allocation pools"
[ "$(field dns_nameservers "$out")" = "['8.8.8.8']" ] || fail "subnet create: dns_nameservers"
POOL_ID="$(demo subnet pool show shared-default-subnetpool-v4 -f value -c id)"
# subnets of one network come from one pool (or none): the pooled subnet gets a network of its own
POOLNET="poolnet-cli-$SUFFIX"
demo network create "$POOLNET" -f value -c id >/dev/null
out="$(demo subnet create --network "$POOLNET" --subnet-pool shared-default-subnetpool-v4 "pooled-$SUFFIX" -f shell)"
echo "$out"
[ "$(field subnetpool_id "$out")" = "$POOL_ID" ] || fail "subnet create --subnet-pool: subnetpool_id"
expect "subnet create --subnet-pool: a /26 of 10.0.0.0/22" '^cidr="10\.0\.[0-3]\.[0-9]+/26"$' "$out"
POOLED_ID="$(field id "$out")"
[ "$(demo subnet list --network "$NET" -f value -c ID)" = "$SUB_ID" ] || fail "subnet list --network: the range's subnet"
[ "$(demo subnet list --network "$POOLNET" -f value -c ID)" = "$POOLED_ID" ] || fail "subnet list --network: the pool's subnet"
if demo subnet create --network "$NET" --subnet-pool shared-default-subnetpool-v4 "mixed-$SUFFIX" 2>"$WORK/err"; then fail "a network took subnets from a range and from a pool"; fi
grep -q "same subnet pool" "$WORK/err" || { cat "$WORK/err"; fail "mixed pools: Neutron's message"; }
if demo subnet create --network "$NET" --subnet-range 10.91.0.128/25 "overlap-$SUFFIX" 2>"$WORK/err"; then fail "an overlapping subnet was created"; fi
grep -q "overlaps" "$WORK/err" || { cat "$WORK/err"; fail "overlap: Neutron's message"; }

echo "--- port create / show / set --host / delete"
out="$(demo port create --network "$NET" --fixed-ip subnet="sub-$SUFFIX" "port-$SUFFIX" -f shell)"
echo "$out"
PORT_ID="$(field id "$out")"
[ "$(field status "$out")" = DOWN ] || fail "port create: an unbound port is DOWN"
expect "port create: MAC" '^mac_address="fa:16:3e(:[0-9a-f]{2}){3}"$' "$out"
expect "port create: address" "^fixed_ips=\"\\[\\{'subnet_id': '$SUB_ID', 'ip_address': '10\\.91\\.0\\.[0-9]+'\\}\\]\"$" "$out"
if demo port set --host compute1 "port-$SUFFIX" 2>"$WORK/err"; then fail "demo bound a port to a host"; fi
grep -q "403" "$WORK/err" || { cat "$WORK/err"; fail "port set --host as demo: expected 403"; }
admin port set --host compute1 "$PORT_ID"
out="$(admin port show "$PORT_ID" -f shell)"
[ "$(field binding_host_id "$out")" = compute1 ] || fail "port set --host: binding_host_id"
[ "$(field binding_vif_type "$out")" = ovs ] || fail "port set --host: binding_vif_type"
[ "$(field status "$out")" = ACTIVE ] || fail "port set --host: a bound port is ACTIVE"
demo port delete "port-$SUFFIX"
if demo port show "$PORT_ID" 2>"$WORK/err"; then fail "port show after delete"; fi
grep -qi "No Port found\|could not be found" "$WORK/err" || { cat "$WORK/err"; fail "port show after delete: not found"; }

echo "--- router create / set --external-gateway / add subnet"
ROUTER="router-$SUFFIX"
demo router create "$ROUTER" -f value -c id >"$WORK/router.id"
ROUTER_ID="$(cat "$WORK/router.id")"
demo router set --external-gateway public "$ROUTER"
out="$(demo router show "$ROUTER" -f value -c external_gateway_info)"
echo "$out"
expect "router set --external-gateway: network" "'network_id': '$PUBLIC_ID'" "$out"
expect "router set --external-gateway: SNAT" "'enable_snat': True" "$out"
expect "router set --external-gateway: its address" "'ip_address': '172\\.24\\.4\\.[0-9]+'" "$out"
demo router add subnet "$ROUTER" "sub-$SUFFIX"
out="$(demo port list --router "$ROUTER" -f value -c 'Fixed IP Addresses')"
echo "$out"
expect "router add subnet: the interface has the gateway address" "'subnet_id': '$SUB_ID', 'ip_address': '10\\.91\\.0\\.1'" "$out"
if demo router delete "$ROUTER" 2>"$WORK/err"; then fail "a router with an interface was deleted"; fi
grep -q "409" "$WORK/err" || { cat "$WORK/err"; fail "router delete with an interface: expected 409"; }

echo "--- floating ip create / set --port / unset / delete"
demo port create --network "$NET" --fixed-ip subnet="sub-$SUFFIX" "vm-$SUFFIX" -f value -c id >"$WORK/vm.id"
VM_PORT="$(cat "$WORK/vm.id")"
out="$(demo floating ip create public -f shell)"
echo "$out"
FIP="$(field floating_ip_address "$out")"
FIP_ID="$(field id "$out")"
[[ "$FIP" =~ ^172\.24\.4\.[0-9]+$ ]] || fail "floating ip create: an address of public's pool"
[ "$(field port_id "$out")" = None ] || fail "floating ip create: not associated"
demo floating ip set --port "vm-$SUFFIX" "$FIP"
out="$(demo floating ip show "$FIP" -f shell)"
echo "$out"
[ "$(field port_id "$out")" = "$VM_PORT" ] || fail "floating ip set --port: port_id"
[ "$(field router_id "$out")" = "$ROUTER_ID" ] || fail "floating ip set --port: the router that reaches the port"
expect "floating ip set --port: fixed address" '^fixed_ip_address="10\.91\.0\.[0-9]+"$' "$out"
out="$(demo floating ip list -f value -c 'Floating IP Address' -c Port)"
grep -q "^$FIP $VM_PORT$" <<<"$out" || { echo "$out"; fail "floating ip list: the association"; }
demo floating ip unset --port "$FIP"
[ "$(demo floating ip show "$FIP_ID" -f value -c port_id)" = None ] || fail "floating ip unset --port"
demo floating ip delete "$FIP"
demo floating ip list -f value -c ID | grep -qx "$FIP_ID" && fail "floating ip delete: still listed"
demo port delete "$VM_PORT"

echo "--- router remove subnet / unset / delete"
demo router remove subnet "$ROUTER" "sub-$SUFFIX"
[ -z "$(demo port list --router "$ROUTER" -f value -c ID)" ] || fail "router remove subnet: an interface remains"
demo router unset --external-gateway "$ROUTER"
[ "$(demo router show "$ROUTER" -f value -c external_gateway_info)" = None ] || fail "router unset --external-gateway"
demo router delete "$ROUTER"
demo router list -f value -c ID | grep -qx "$ROUTER_ID" && fail "router delete: still listed"

echo "--- security group create / rule create / rule list / delete"
SG="sg-$SUFFIX"
out="$(demo security group create --description "cli group" "$SG" -f shell)"
SG_ID="$(field id "$out")"
[ "$(field description "$out")" = "cli group" ] || fail "security group create: description"
out="$(demo security group rule create --protocol tcp --dst-port 22 --remote-ip 0.0.0.0/0 "$SG" -f shell)"
echo "$out"
[ "$(field port_range_min "$out")" = 22 ] && [ "$(field port_range_max "$out")" = 22 ] || fail "rule create: port range"
[ "$(field direction "$out")" = ingress ] || fail "rule create: ingress by default"
if demo security group rule create --protocol tcp --dst-port 22 --remote-ip 0.0.0.0/0 "$SG" 2>"$WORK/err"; then fail "a duplicate rule was created"; fi
grep -q "409" "$WORK/err" && grep -q "already exists" "$WORK/err" || { cat "$WORK/err"; fail "duplicate rule: 409"; }
out="$(demo security group rule list "$SG" -f value -c 'IP Protocol' -c 'Port Range' -c Direction -c 'Ethertype')"
echo "$out"
grep -q "^tcp IPv4 22:22 ingress$" <<<"$out" || fail "rule list: the tcp/22 rule"
grep -q "^None IPv6  egress$" <<<"$out" || fail "rule list: the default IPv6 egress rule"
[ "$(wc -l <<<"$out")" -eq 3 ] || fail "rule list: two egress rules and ours"
demo security group delete "$SG"
demo security group list -f value -c ID | grep -qx "$SG_ID" && fail "security group delete: still listed"

echo "--- network agent list (admin)"
out="$(admin network agent list -f value -c 'Agent Type' -c Host -c Alive -c State)"
echo "$out"
grep -q "^Open vSwitch agent compute1 True True$" <<<"$out" || fail "agent list: compute1's Open vSwitch agent"
for type in "DHCP agent" "L3 agent" "Metadata agent"; do
  grep -q "^$type controller True True$" <<<"$out" || fail "agent list: the controller's $type"
done

echo "--- network rbac create / list / delete"
ALT_ID="$(admin project show alt_demo -f value -c id)"
if alt network show "$NET_ID" >/dev/null 2>&1; then fail "alt_demo sees demo's network before it is shared"; fi
out="$(demo network rbac create --type network --action access_as_shared --target-project "$ALT_ID" "$NET" -f shell)"
echo "$out"
RBAC_ID="$(field id "$out")"
[ "$(field object_id "$out")" = "$NET_ID" ] || fail "rbac create: object_id"
[ "$(field target_project_id "$out")" = "$ALT_ID" ] || fail "rbac create: target project"
demo network rbac list -f value -c ID | grep -qx "$RBAC_ID" || fail "rbac list: the new policy"
[ "$(alt network show "$NET_ID" -f value -c shared)" = True ] || fail "alt_demo does not see the shared network as shared"
demo network rbac delete "$RBAC_ID"
if alt network show "$NET_ID" >/dev/null 2>&1; then fail "alt_demo still sees the network"; fi

echo "--- quota list --network --detail (admin)"
out="$(admin quota list --network --detail --project demo -f value)"
echo "$out"
expect "quota details: networks" '^networks [0-9]+ 0 100$' "$out"
expect "quota details: ports" '^ports [0-9]+ 0 500$' "$out"

echo "--- subnet delete / network delete"
demo subnet delete "pooled-$SUFFIX"
demo network delete "$NET" "$POOLNET"
if demo network show "$NET_ID" 2>"$WORK/err"; then fail "network show after delete"; fi
grep -qi "No Network found\|could not be found" "$WORK/err" || { cat "$WORK/err"; fail "network show after delete: not found"; }

echo "cli_network: ok"
