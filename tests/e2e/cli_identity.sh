#!/usr/bin/env bash
# Keystone v3 through the real `openstack` CLI against a running stacksim (`stacksim serve`).
# Run by tests/e2e/run.sh with OS_CLIENT_CONFIG_FILE and STACKSIM_URL set; asserts on the CLI's
# own output and exits non-zero on the first failed check. Names carry a random suffix: the
# server is shared with the other scripts and is not fresh.
set -uo pipefail
: "${STACKSIM_URL:?STACKSIM_URL is not set}"
: "${OS_CLIENT_CONFIG_FILE:?OS_CLIENT_CONFIG_FILE is not set}"
SUFFIX="$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
P="idcli-p-$SUFFIX"
U="idcli-u-$SUFFIX"
AC="idcli-ac-$SUFFIX"

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
admin() { openstack --os-cloud stacksim-admin "$@"; }
demo() { openstack --os-cloud stacksim "$@"; }
# expect OUTPUT PATTERN WHAT: the output matches the (extended) regular expression
expect() { grep -Eq -- "$2" <<<"$1" || { echo "$1" >&2; fail "$3"; }; }

# token issue: a token for demo on demo
out="$(demo token issue -f shell)" || fail "token issue"
expect "$out" '^id="gAAAAAB' "token issue prints a token id"
expect "$out" '^project_id="[0-9a-f]{32}"' "token issue prints the project id"
ok "token issue"

# catalog list: every URL points at this server; swift's %(project_id)s is substituted
out="$(demo catalog list)" || fail "catalog list"
expect "$out" "public: $STACKSIM_URL/identity" "catalog: identity endpoint at $STACKSIM_URL"
expect "$out" "public: $STACKSIM_URL/v1/AUTH_[0-9a-f]{32}" "catalog: swift endpoint with the project id"
grep -q 'controller' <<<"$out" && fail "catalog still names the controller"
grep -q '%(project_id)s' <<<"$out" && fail "catalog URL not substituted"
ok "catalog list"

# project create / list / show
out="$(admin project create --description "stacksim e2e" "$P" -f shell)" || fail "project create"
expect "$out" "^name=\"$P\"" "project create shows the name"
expect "$out" '^domain_id="default"' "project create in the Default domain"
PID="$(sed -n 's/^id="\(.*\)"$/\1/p' <<<"$out")"
out="$(admin project list -f value -c Name)" || fail "project list"
expect "$out" "^$P\$" "project list shows the new project"
out="$(admin project show "$P" -f value -c description)" || fail "project show"
[ "$out" = "stacksim e2e" ] || fail "project show description: $out"
ok "project create/list/show"

# user create, role add, role assignment list --effective --names
out="$(admin user create --password pw-"$SUFFIX" --project "$P" "$U" -f shell)" || fail "user create"
expect "$out" "^name=\"$U\"" "user create shows the name"
expect "$out" "^default_project_id=\"$PID\"" "user create with its default project"
admin role add --project "$P" --user "$U" member || fail "role add"
out="$(admin role assignment list --effective --names --user "$U" -f value -c Role -c User -c Project)" || fail "role assignment list"
expect "$out" "^member $U@Default $P@Default\$" "effective assignment: member"
expect "$out" "^reader $U@Default $P@Default\$" "effective assignment: reader (implied by member)"
ok "user create, role add, role assignment list --effective --names"

# the new user logs in with its password
out="$(openstack --os-auth-url "$STACKSIM_URL/identity" --os-identity-api-version 3 --os-username "$U" --os-password pw-"$SUFFIX" \
  --os-user-domain-id default --os-project-name "$P" --os-project-domain-id default token issue -f value -c project_id)" || fail "the new user's login"
[ "$out" = "$PID" ] || fail "the new user's token is scoped to $out, not $PID"
ok "the new user logs in"

# application credential create and a login with it
out="$(admin application credential create --secret "s3cret-$SUFFIX" "$AC" -f shell)" || fail "application credential create"
expect "$out" "^secret=\"s3cret-$SUFFIX\"" "application credential create shows the secret"
expect "$out" '^roles="admin member reader"' "application credential delegates the token's roles"
ACID="$(sed -n 's/^id="\(.*\)"$/\1/p' <<<"$out")"
out="$(openstack --os-auth-url "$STACKSIM_URL/identity" --os-identity-api-version 3 --os-auth-type v3applicationcredential \
  --os-application-credential-id "$ACID" --os-application-credential-secret "s3cret-$SUFFIX" project list -f value -c Name)" || fail "login with the application credential"
expect "$out" "^$P\$" "the application credential's session lists projects"
out="$(openstack --os-auth-url "$STACKSIM_URL/identity" --os-identity-api-version 3 --os-auth-type v3applicationcredential \
  --os-application-credential-id "$ACID" --os-application-credential-secret wrong token issue 2>&1)" && fail "a wrong secret logs in"
expect "$out" 'HTTP 401' "a wrong application credential secret: 401"
admin application credential delete "$AC" || fail "application credential delete"
ok "application credential create and login"

# policy: demo may not create users (403 printed by the CLI)
out="$(demo user create "idcli-nope-$SUFFIX" 2>&1)" && fail "demo created a user"
expect "$out" 'HTTP 403' "demo user create: the CLI reports HTTP 403"
expect "$out" 'identity:create_user' "the 403 names the rule"
ok "demo gets 403 from user create"

# a revoked token: 401 reported by the CLI
TOKEN="$(demo token issue -f value -c id)" || fail "token issue"
demo token revoke "$TOKEN" || fail "token revoke"
out="$(openstack --os-auth-url "$STACKSIM_URL/identity" --os-identity-api-version 3 --os-auth-type token --os-token "$TOKEN" \
  --os-project-name demo --os-project-domain-id default project list 2>&1)" && fail "a revoked token was accepted"
expect "$out" 'HTTP 401' "a revoked token: the CLI reports HTTP 401"
ok "revoked token gets 401"

# an expired token: 401 reported by the CLI (the harness moves the virtual clock past [token] expiration, 3600 s)
TOKEN="$(demo token issue -f value -c id)" || fail "token issue"
/usr/bin/python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b"{\"seconds\": 3601}", headers={"Content-Type": "application/json"}, method="POST"))' \
  "$STACKSIM_URL/stacksim/clock/advance" || fail "clock advance through the harness"
out="$(openstack --os-auth-url "$STACKSIM_URL/identity" --os-identity-api-version 3 --os-auth-type token --os-token "$TOKEN" \
  --os-project-name demo --os-project-domain-id default project list 2>&1)" && fail "an expired token was accepted"
expect "$out" 'HTTP 401' "an expired token: the CLI reports HTTP 401"
ok "expired token gets 401"

# cleanup: project delete (and the user)
admin user delete "$U" || fail "user delete"
admin project delete "$P" || fail "project delete"
out="$(admin project list -f value -c Name)" || fail "project list"
grep -qx -- "$P" <<<"$out" && fail "project still listed after delete"
out="$(admin project show "$P" 2>&1)" && fail "project show after delete"
ok "project delete"
echo "cli_identity: all checks passed"
