#!/usr/bin/env bash
# Glance v2 through the real `openstack` CLI (python3-openstackclient 6.0.0 on openstacksdk):
# image create --file, list, show, save (the bytes come back equal), set --property / --tag,
# sharing with another project (image add project, member list, set --accept as the member,
# the member's image list), deactivate, delete, and the 404 of an unknown image.
# Run by tests/e2e/run.sh (OS_CLIENT_CONFIG_FILE, STACKSIM_URL set); names are unique per run.
set -euo pipefail

: "${OS_CLIENT_CONFIG_FILE:?run through tests/e2e/run.sh (or export OS_CLIENT_CONFIG_FILE)}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SUFFIX="$$-$RANDOM"
NAME="image-cli-$SUFFIX"

fail() { echo "FAIL: $*" >&2; exit 1; }
demo() { openstack --os-cloud stacksim "$@"; }
admin() { openstack --os-cloud stacksim-admin "$@"; }

# alt_demo's own clouds.yaml entry (same cloud, other user and project)
sed -e 's/^  stacksim:$/  stacksim-alt:/' -e 's/username: demo$/username: alt_demo/' -e 's/project_name: demo$/project_name: alt_demo/' \
  "$OS_CLIENT_CONFIG_FILE" | awk '/^  stacksim-alt:$/{p=1} /^  stacksim-admin:$/{p=0} p' >"$WORK/alt.yaml"
{ echo 'clouds:'; cat "$WORK/alt.yaml"; } >"$WORK/clouds-alt.yaml"
alt() { OS_CLIENT_CONFIG_FILE="$WORK/clouds-alt.yaml" openstack --os-cloud stacksim-alt "$@"; }

# deterministic bytes: 64 KiB plus a tail, not a multiple of any chunk size
head -c 65536 /dev/zero | tr '\0' 'g' >"$WORK/in.raw"
printf 'stacksim image %s\n' "$SUFFIX" >>"$WORK/in.raw"
EXPECTED_MD5="$(md5sum "$WORK/in.raw" | cut -d' ' -f1)"
EXPECTED_SIZE="$(stat -c %s "$WORK/in.raw")"

echo "--- image create --file"
out="$(demo image create --file "$WORK/in.raw" --disk-format raw --container-format bare "$NAME" -f shell)"
echo "$out"
grep -q "^name=\"$NAME\"$" <<<"$out" || fail "create: name not shown"
grep -q '^disk_format="raw"$' <<<"$out" || fail "create: disk_format not raw"
grep -q '^container_format="bare"$' <<<"$out" || fail "create: container_format not bare"
ID="$(sed -n 's/^id="\(.*\)"$/\1/p' <<<"$out")"
[[ "$ID" =~ ^[0-9a-f-]{36}$ ]] || fail "create: no image id in the output"

echo "--- image list"
out="$(demo image list -f value -c ID -c Name -c Status)"
echo "$out"
grep -q "^$ID $NAME active$" <<<"$out" || fail "list: $NAME is not listed active"

echo "--- image show"
out="$(demo image show "$NAME" -f shell)"
echo "$out"
grep -q "^status=\"active\"$" <<<"$out" || fail "show: not active"
grep -q "^checksum=\"$EXPECTED_MD5\"$" <<<"$out" || fail "show: checksum is not the md5 of the file"
grep -q "^size=\"$EXPECTED_SIZE\"$" <<<"$out" || fail "show: size is not the file's"
grep -q '^visibility="shared"$' <<<"$out" || fail "show: a new image is not shared"

echo "--- image save"
demo image save --file "$WORK/out.raw" "$NAME"
cmp "$WORK/in.raw" "$WORK/out.raw" || fail "save: the bytes differ"

echo "--- image set --property / --tag"
demo image set --property "cli_prop_$SUFFIX=v1" --property hw_cdrom_bus=ide --tag "cli-tag-$SUFFIX" "$NAME"
out="$(demo image show "$NAME" -f value -c properties)"
echo "$out"
grep -q "'cli_prop_$SUFFIX': 'v1'" <<<"$out" || fail "set --property: property not shown"
grep -q "'hw_cdrom_bus': 'ide'" <<<"$out" || fail "set --property: hw_cdrom_bus not shown"
out="$(demo image list --property "cli_prop_$SUFFIX=v1" -f value -c Name)"
[ "$out" = "$NAME" ] || fail "list --property: expected only $NAME, got '$out'"
out="$(demo image list --tag "cli-tag-$SUFFIX" -f value -c Name)"
[ "$out" = "$NAME" ] || fail "list --tag: expected only $NAME, got '$out'"

echo "--- image add project / image member list (demo shares with alt_demo)"
ALT_ID="$(admin project show alt_demo -f value -c id)"
out="$(demo image add project "$NAME" "$ALT_ID" -f shell)"
echo "$out"
grep -q "^member_id=\"$ALT_ID\"$" <<<"$out" || fail "add project: member_id not alt_demo's project"
grep -q '^status="pending"$' <<<"$out" || fail "add project: the member is not pending"
out="$(demo image member list "$NAME" -f value)"
echo "$out"
grep -q "^$ID $ALT_ID pending$" <<<"$out" || fail "member list: alt_demo is not a pending member"
# a pending member does not list the image; once it accepts, it does
alt image list -f value -c Name | grep -qx "$NAME" && fail "alt_demo lists the image before accepting"
alt image set --accept "$ID"
out="$(demo image member list "$NAME" -f value)"
grep -q "^$ID $ALT_ID accepted$" <<<"$out" || fail "member list: alt_demo's acceptance not shown"
alt image list -f value -c Name | grep -qx "$NAME" || fail "alt_demo does not list the image it accepted"
alt image save --file "$WORK/alt.raw" "$ID"
cmp "$WORK/in.raw" "$WORK/alt.raw" || fail "alt_demo's download differs"
# alt_demo may not change the image it was given
if alt image set --property x=y "$ID" 2>"$WORK/err"; then fail "alt_demo changed demo's image"; fi
grep -q "403" "$WORK/err" || { cat "$WORK/err"; fail "alt_demo's change was not refused with 403"; }

echo "--- another project's private image is a 404"
PRIV="image-cli-private-$SUFFIX"
demo image create --private --disk-format raw --container-format bare "$PRIV" -f value -c id >"$WORK/priv.id"
if alt image show "$(cat "$WORK/priv.id")" 2>"$WORK/err"; then fail "alt_demo sees demo's private image"; fi
grep -qi "No Image found\|404\|Could not find" "$WORK/err" || { cat "$WORK/err"; fail "alt_demo: expected a not-found error"; }

echo "--- deactivate / reactivate"
demo image set --deactivate "$NAME"
[ "$(demo image show "$NAME" -f value -c status)" = "deactivated" ] || fail "set --deactivate: status"
demo image set --activate "$NAME"
[ "$(demo image show "$NAME" -f value -c status)" = "active" ] || fail "set --activate: status"

echo "--- image delete"
demo image delete "$NAME" "$PRIV"
demo image list -f value -c Name | grep -qx "$NAME" && fail "delete: $NAME still listed"
if demo image show "$ID" 2>"$WORK/err"; then fail "show after delete succeeded"; fi
grep -qi "No Image found\|404\|Could not find" "$WORK/err" || { cat "$WORK/err"; fail "show after delete: expected not found"; }

echo "cli_image: ok"
