#!/usr/bin/python3
"""Keystone v3 through openstacksdk against a running stacksim (`stacksim serve`).

Run by tests/e2e/run.sh with OS_CLIENT_CONFIG_FILE and STACKSIM_URL set. Exits non-zero on the
first failed check. Names are prefixed and suffixed so that runs against one shared server do
not collide.
"""
import os
import sys

import openstack
from openstack import exceptions

sys.dont_write_bytecode = True  # no __pycache__ left in tests/e2e/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sdk_support import SUFFIX, check_or_exit, connect, report  # noqa: E402

check = check_or_exit  # the first failed check ends the script

URL = os.environ.get('STACKSIM_URL', 'http://127.0.0.1:5000')

admin = connect('stacksim-admin')

# token and catalog
token = admin.session.get_token()
check(isinstance(token, str) and len(token) > 20, 'admin gets a token')
access = admin.session.auth.get_access(admin.session)
check(access.project_name == 'admin', 'token scoped to project admin')
check('admin' in access.role_names, 'token carries the admin role')
identity_url = admin.session.get_endpoint(service_type='identity', interface='public')
check(identity_url.startswith(URL), f'identity endpoint {identity_url} is served at {URL}')
swift_url = admin.session.get_endpoint(service_type='object-store', interface='public')
check(swift_url == f'{URL}/v1/AUTH_{access.project_id}', f'swift endpoint substituted: {swift_url}')

# projects
pname = f'idsdk-p-{SUFFIX}'
project = admin.identity.create_project(name=pname, domain_id='default', description='sdk')
check(project.name == pname and project.domain_id == 'default', 'create_project')
# stacksim enforces Zed's new defaults and scopes: a project admin reads other projects by listing,
# a system reader by id
try:
    sysadmin = connect('stacksim-system-admin')
except Exception:  # an older clouds.yaml without the system-scoped entry
    sysadmin = None
if sysadmin is not None:
    check(sysadmin.identity.get_project(project.id).description == 'sdk', 'get_project (system scope)')
check(any(p.id == project.id for p in admin.identity.projects()), 'projects() lists it')
check([p.id for p in admin.identity.projects(name=pname)] == [project.id], 'projects(name=) filters')
found = admin.identity.find_project(pname)
check(found is not None and found.id == project.id, 'find_project by name')
project = admin.identity.update_project(project, description='changed')
check(project.description == 'changed', 'update_project')

# users, roles, assignments
uname = f'idsdk-u-{SUFFIX}'
user = admin.identity.create_user(name=uname, password='pw-sdk', domain_id='default', default_project_id=project.id)
check(user.name == uname, 'create_user')
member = admin.identity.find_role('member')
check(member is not None, 'find_role member')
admin.identity.assign_project_role_to_user(project, user, member)
check(admin.identity.validate_user_has_project_role(project, user, member), 'assign_project_role_to_user + check')
assignments = list(admin.identity.role_assignments(user_id=user.id, effective=True, include_names=True))
names = sorted(a.role['name'] for a in assignments)
check(names == ['member', 'reader'], f'effective assignments with implied reader: {names}')

# the new user logs in
conn = openstack.connect(auth_url=f'{URL}/identity', username=uname, password='pw-sdk', user_domain_id='default',
                         project_name=pname, project_domain_id='default', identity_api_version='3')
check(conn.session.auth.get_access(conn.session).project_id == project.id, 'new user gets a project token')

# groups
gname = f'idsdk-g-{SUFFIX}'
group = admin.identity.create_group(name=gname, domain_id='default')
admin.identity.add_user_to_group(user, group)
check(admin.identity.check_user_in_group(user, group), 'add_user_to_group + check')
check(any(g.id == group.id for g in admin.identity.groups(name=gname)), 'groups(name=)')
admin.identity.remove_user_from_group(user, group)
check(not admin.identity.check_user_in_group(user, group), 'remove_user_from_group')

# application credential and a login with it
ac = admin.identity.create_application_credential(user=access.user_id, name=f'idsdk-ac-{SUFFIX}', secret='sdk-secret')
check(ac.secret == 'sdk-secret', 'create_application_credential returns the secret')
acconn = openstack.connect(auth_url=f'{URL}/identity', auth_type='v3applicationcredential',
                           application_credential_id=ac.id, application_credential_secret='sdk-secret')
check(acconn.session.auth.get_access(acconn.session).project_id == access.project_id, 'login with the application credential')
admin.identity.delete_application_credential(access.user_id, ac.id)

# policy: demo may not create users
demo = connect('stacksim')
try:
    demo.identity.create_user(name=f'idsdk-nope-{SUFFIX}', domain_id='default')
    check(False, 'demo create_user refused')
except exceptions.HttpException as e:
    check(e.status_code == 403, 'demo create_user gets 403')

# catalog resources
check(any(s.type == 'identity' for s in admin.identity.services()), 'services()')
check(all(e.url.startswith(URL) for e in admin.identity.endpoints()), 'endpoints() URLs served here')
check(any(r.id == 'RegionOne' for r in admin.identity.regions()), 'regions()')

# cleanup
admin.identity.unassign_project_role_from_user(project, user, member)
admin.identity.delete_group(group)
admin.identity.delete_user(user)
admin.identity.delete_project(project)
check(admin.identity.find_project(pname) is None, 'deleted project is gone')
if sysadmin is not None:
    try:
        sysadmin.identity.get_project(project.id)
        check(False, 'deleted project is gone')
    except exceptions.NotFoundException:
        check(True, 'deleted project is gone (404)')
report('sdk_identity')
