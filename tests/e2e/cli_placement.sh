#!/usr/bin/env bash
# Placement through the real `openstack` CLI (python3-osc-placement), asserting on its own output.
# Zed's Placement rules are system-scoped and stacksim enforces scope, so the placement commands
# run as `stacksim-system-admin`; the project-scoped `stacksim-admin` is refused with HTTP 403.
set -euo pipefail
: "${OS_CLIENT_CONFIG_FILE:?run through tests/e2e/run.sh (or export OS_CLIENT_CONFIG_FILE)}"
SYS=(--os-cloud stacksim-system-admin)
NAME="placement-cli-$$-$RANDOM"
TRAIT="CUSTOM_PLACEMENT_CLI_$$_$RANDOM"
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect <what> <pattern> <text>
  grep -qE -- "$2" <<<"$3" || { echo "$3" >&2; fail "$1: no match for /$2/"; }
}

# a project-scoped admin is refused (scope), the CLI reports the 403
out=$(openstack --os-cloud stacksim-admin resource provider list 2>&1 || true)
expect "project-scoped admin" 'requires a scope of \[.system.\].*\(HTTP 403\)' "$out"

# resource provider list / show (negotiated microversion 1.29: parent and root columns)
out=$(openstack "${SYS[@]}" resource provider list)
expect "provider list" '\| uuid +\| name +\| generation +\| root_provider_uuid +\| parent_provider_uuid' "$out"
expect "provider list compute1" '\| compute1 +\|' "$out"
C1=$(openstack "${SYS[@]}" resource provider list --name compute1 -f value -c uuid)
[[ "$C1" =~ ^[0-9a-f-]{36}$ ]] || fail "compute1 uuid: '$C1'"
out=$(openstack "${SYS[@]}" resource provider show "$C1")
expect "provider show" "\| root_provider_uuid +\| $C1" "$out"
out=$(openstack "${SYS[@]}" resource provider show "$C1" --os-placement-api-version 1.0 -f json)
expect "provider show 1.0" '"generation": [0-9]+' "$out"
grep -q root_provider_uuid <<<"$out" && fail "1.0 shows no root_provider_uuid"

# inventories of a DevStack compute node: 56 × 16 VCPU, memory with 512 reserved
out=$(openstack "${SYS[@]}" resource provider inventory list "$C1")
expect "inventory VCPU" '\| VCPU +\| +16(\.0)? +\| +1 +\| +56 +\| +0 +\| +1 +\| +56 +\|' "$out"
expect "inventory MEMORY_MB" '\| MEMORY_MB +\| +1\.5 +\|.*\| +512 +\|' "$out"

# allocation candidates
out=$(openstack "${SYS[@]}" allocation candidate list --resource VCPU=1)
expect "candidates" "\| 1 +\| VCPU=1 +\| [0-9a-f-]{36} +\| .*VCPU=[0-9]+/896" "$out"
out=$(openstack "${SYS[@]}" allocation candidate list --resource VCPU=1 --os-placement-api-version 1.10)
expect "candidates 1.10" "\| VCPU=1 +\| $C1 +\| VCPU=[0-9]+/896 +\|" "$out"

# vocabulary
out=$(openstack "${SYS[@]}" resource class list)
expect "resource classes" '\| VCPU +\|' "$out"
expect "resource classes" '\| NET_PACKET_RATE_KILOPACKET_PER_SEC +\|' "$out"
out=$(openstack "${SYS[@]}" trait list)
expect "traits" '\| COMPUTE_NODE +\|' "$out"
expect "traits" '\| HW_CPU_X86_AVX2 +\|' "$out"

# a provider of our own: create, inventory set, traits, an allocation, usage, delete
U=$(openstack "${SYS[@]}" resource provider create "$NAME" -f value -c uuid)
[[ "$U" =~ ^[0-9a-f-]{36}$ ]] || fail "create: '$U'"
out=$(openstack "${SYS[@]}" resource provider inventory set "$U" --resource VCPU=8 --resource MEMORY_MB:total=4096 --resource MEMORY_MB:reserved=512)
expect "inventory set" '\| VCPU +\| +1(\.0)? +\| +1 +\| +2147483647 +\| +0 +\| +1 +\| +8 +\|' "$out"
out=$(openstack "${SYS[@]}" resource provider inventory show "$U" MEMORY_MB)
expect "inventory show" '\| reserved +\| 512 +\|' "$out"
out=$(openstack "${SYS[@]}" resource provider inventory class set "$U" DISK_GB --total 10 2>&1 || true)
expect "class set of a class it lacks" 'No inventory record with resource class.*\(HTTP 400\)' "$out"
openstack "${SYS[@]}" trait create "$TRAIT"
out=$(openstack "${SYS[@]}" resource provider trait set "$U" --trait "$TRAIT" --os-placement-api-version 1.6)
expect "trait set" "\| $TRAIT +\|" "$out"
out=$(openstack "${SYS[@]}" allocation candidate list --resource VCPU=1 --required "$TRAIT" --os-placement-api-version 1.17)
expect "candidates with the trait" "\| 1 +\| VCPU=1 +\| $U +\|" "$out"
CONSUMER=$(/usr/bin/python3 -c 'import uuid; print(uuid.uuid4())')
out=$(openstack "${SYS[@]}" resource provider allocation set "$CONSUMER" --allocation "rp=$U,VCPU=2,MEMORY_MB=1024" --project-id placement-cli --user-id placement-cli --os-placement-api-version 1.12)
expect "allocation set" "\| $U +\| +[0-9]+ +\| .*'VCPU': 2" "$out"
out=$(openstack "${SYS[@]}" resource provider usage show "$U")
expect "usage" '\| VCPU +\| +2 +\|' "$out"
out=$(openstack "${SYS[@]}" resource provider delete "$U" 2>&1 || true)
expect "delete in use" 'has allocations.*\(HTTP 409\)' "$out"
out=$(openstack "${SYS[@]}" resource provider inventory set "$U" --resource VCPU=8 2>&1 || true)
expect "shrinking away an allocated class" 'in use.*\(HTTP 409\)' "$out"
openstack "${SYS[@]}" resource provider allocation delete "$CONSUMER"
openstack "${SYS[@]}" resource provider trait delete "$U" --os-placement-api-version 1.6
openstack "${SYS[@]}" resource provider delete "$U"
openstack "${SYS[@]}" trait delete "$TRAIT"
out=$(openstack "${SYS[@]}" resource provider show "$U" 2>&1 || true)
expect "deleted" '\(HTTP 404\)' "$out"
echo "cli_placement: ok"
