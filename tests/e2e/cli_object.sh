#!/usr/bin/env bash
# Swift through the real `openstack` CLI (and the `swift` CLI): containers and objects, asserting
# on the clients' own output. Run by tests/e2e/run.sh (OS_CLIENT_CONFIG_FILE and STACKSIM_URL set).
set -euo pipefail
export OS_CLOUD=stacksim
: "${STACKSIM_URL:?STACKSIM_URL must be set}"

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

suffix="$(date +%s%N | tail -c 9)$RANDOM"
C="cli-object-$suffix"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
head -c 200000 /dev/urandom > blob.bin
printf 'hello from the cli\n' > notes.txt

out="$(openstack container create "$C" -f value -c container)"
[[ "$out" == "$C" ]] || fail "container create printed '$out'"
ok "container create"

openstack container list -f value -c Name | grep -qx "$C" || fail "container list lacks $C"
ok "container list"

show="$(openstack container show "$C" -f json)"
echo "$show" | grep -q '"object_count": "0"' || fail "container show: $show"
echo "$show" | grep -q '"storage_policy": "Policy-0"' || fail "container show policy: $show"
ok "container show"

created="$(openstack object create "$C" blob.bin notes.txt -f value -c object -c etag)"
blob_md5="$(md5sum blob.bin | cut -d' ' -f1)"
echo "$created" | grep -q "^blob.bin $blob_md5\$" || fail "object create printed: $created"
ok "object create (etag = md5)"

listed="$(openstack object list "$C" -f value -c Name | sort | tr '\n' ' ')"
[[ "$listed" == "blob.bin notes.txt " ]] || fail "object list printed '$listed'"
ok "object list"

oshow="$(openstack object show "$C" blob.bin -f json)"
echo "$oshow" | grep -q '"content-length": "200000"' || fail "object show: $oshow"
echo "$oshow" | grep -q "\"etag\": \"$blob_md5\"" || fail "object show etag: $oshow"
ok "object show"

openstack object save "$C" blob.bin --file saved.bin
cmp -s blob.bin saved.bin || fail "object save: bytes differ"
openstack object save "$C" notes.txt --file saved.txt
cmp -s notes.txt saved.txt || fail "object save of notes.txt: bytes differ"
ok "object save (bytes equal)"

if openstack container delete "$C" 2>err.txt; then fail "deleting a non-empty container succeeded"; fi
grep -q "409" err.txt || fail "container delete of a non-empty container: $(cat err.txt)"
ok "container delete refused while objects remain (409)"

openstack object delete "$C" blob.bin notes.txt
[[ -z "$(openstack object list "$C" -f value -c Name)" ]] || fail "objects remain after object delete"
ok "object delete"

openstack container delete "$C"
if openstack container list -f value -c Name | grep -qx "$C"; then fail "container still listed"; fi
ok "container delete"

# the swift CLI (python3-swiftclient), authenticating through Keystone v3
if [[ -x /usr/bin/swift ]]; then
  auth_url="$STACKSIM_URL/identity/v3"
  S=(/usr/bin/swift --os-auth-url "$auth_url" --auth-version 3 --os-username demo --os-password secret
     --os-project-name demo --os-user-domain-id default --os-project-domain-id default)
  SC="swift-object-$suffix"
  "${S[@]}" upload "$SC" blob.bin notes.txt >/dev/null
  [[ "$("${S[@]}" list "$SC" | tr '\n' ' ')" == "blob.bin notes.txt " ]] || fail "swift list"
  "${S[@]}" stat "$SC" | grep -Eq "Objects: 2$" || fail "swift stat container: $("${S[@]}" stat "$SC")"
  "${S[@]}" stat | grep -q "Account: AUTH_" || fail "swift stat account"
  mkdir dl && (cd dl && "${S[@]}" download "$SC" >/dev/null)
  cmp -s blob.bin dl/blob.bin && cmp -s notes.txt dl/notes.txt || fail "swift download: bytes differ"
  "${S[@]}" delete "$SC" >/dev/null
  if "${S[@]}" list | grep -qx "$SC"; then fail "swift delete left $SC"; fi
  ok "swift CLI: upload, list, stat, download, delete"
fi

echo "cli_object: all checks passed"
