#!/usr/bin/python3
"""Golden policy decisions for tests/compute/policies.test.ts, made by Zed's own oslo.policy 4.0
enforcer with Nova's defaults registered (python3-nova 26.2.2):

    /usr/bin/python3 tests/compute/make_policy_decisions.py > tests/compute/policy_decisions_golden.json

For each of the four configurations of `[oslo_policy] enforce_new_defaults` and `enforce_scope`
(Zed's default is both false; stacksim's both true), an `oslo_policy.policy.Enforcer` with
`nova.policies.list_rules()` registered (as `nova/policy.py` `init` and `register_rules` do; no
policy file) answers every rule for every persona and target:

- personas are `nova.context.RequestContext`s, the object nova itself passes to the enforcer
  (`nova/policy.py` `authorize`); `is_admin` is what `RequestContext.__init__` sets
  (`check_is_admin`: the `context_is_admin` rule, the context's `{project_id, user_id}` as
  target, the context's `is_admin` still None), except for nova's admin context
  (`nova.context.get_admin_context()`: no user, no project, no roles, `is_admin=True`). The file
  keeps each persona's `to_policy_values()` (the credentials oslo enforces with), so the
  TypeScript test passes the very same credentials;
- targets: `own` is `nova/policy.py` `default_target` (the caller's `{project_id, user_id}`, what
  `context.can` uses when nova gives no target), a server of demo
  (`{project_id, user_id}` of the instance, as the server APIs pass), a keypair of demo's user
  (`{user_id}`, as `nova/api/openstack/compute/keypairs.py` passes) and `{}` (the global APIs:
  hypervisors, services, aggregates);
- each decision is '1' (allowed), '0' (the rule refused: PolicyNotAuthorized) or 'S' (the scope
  check refused: InvalidScope), one string per rule and configuration, personas major, targets
  minor, in the order the file lists them.

`is_admin_check` records nova's own `IsAdminCheck` (`nova/policy.py`, registered for the
`is_admin` kind by importing nova.policy) for a few credential values; 'raise' for a KeyError.
"""
import json
import warnings
import sys

from oslo_config import cfg
from oslo_policy import policy as oslo_policy

from nova import context as nova_context
from nova import policies
from nova import policy as nova_policy  # registers IsAdminCheck for 'is_admin'

PERSONAS = [
    # name, RequestContext arguments (None for is_admin: computed as check_is_admin does)
    ('admin', dict(user_id='u-admin', project_id='admin', roles=['admin', 'member', 'reader'])),
    ('member', dict(user_id='u-demo', project_id='demo', roles=['member', 'reader'])),
    ('reader', dict(user_id='u-demo-reader', project_id='demo', roles=['reader'])),
    ('other', dict(user_id='u-alt_demo', project_id='alt_demo', roles=['member', 'reader'])),
    ('systemAdmin', dict(user_id='u-sys', project_id=None, system_scope='all', roles=['admin', 'member', 'reader'])),
    ('domainAdmin', dict(user_id='u-dom', project_id=None, domain_id='default', roles=['admin', 'member', 'reader'])),
    ('novaAdminContext', dict(user_id=None, project_id=None, is_admin=True)),
]
TARGETS = [
    ('own', None),
    ('demoServer', {'project_id': 'demo', 'user_id': 'u-demo'}),
    ('demoKeypair', {'user_id': 'u-demo'}),
    ('none', {}),
]
MODES = [(False, False), (True, False), (False, True), (True, True)]


def enforcer(enforce_new_defaults, enforce_scope):
    conf = cfg.ConfigOpts()
    conf([], project='nova', default_config_files=[], default_config_dirs=[])
    e = oslo_policy.Enforcer(conf, policy_file='stacksim-no-such-policy.yaml', use_conf=True)
    conf.set_override('enforce_new_defaults', enforce_new_defaults, group='oslo_policy')
    conf.set_override('enforce_scope', enforce_scope, group='oslo_policy')
    e.suppress_default_change_warnings = True
    e.suppress_deprecation_warnings = True
    e.register_defaults(policies.list_rules())
    e.load_rules()
    return e


def persona(e, args):
    args = dict(args)
    given = args.pop('is_admin', None)
    ctx = nova_context.RequestContext(is_admin=False, user_domain_id='default' if args.get('user_id') else None,
                                      project_domain_id='default' if args.get('project_id') else None,
                                      overwrite=False, **args)
    if given is None:
        ctx.is_admin = None  # RequestContext.__init__: `if self.is_admin is None: check_is_admin(self)`
        ctx.is_admin = e.authorize('context_is_admin', nova_policy.default_target(ctx), ctx)
    else:
        ctx.is_admin = given
    return ctx


def decide(e, rule, target, ctx):
    try:
        e.authorize(rule, target, ctx, do_raise=True)
        return '1'
    except oslo_policy.InvalidScope:
        return 'S'
    except oslo_policy.PolicyNotAuthorized:
        return '0'


def is_admin_check():
    out = []
    for match in ['True', 'true', 'False']:
        check = nova_policy.IsAdminCheck('is_admin', match)
        for value in [True, False, None, 1, 0, 'True', 'true']:
            out.append({'match': match, 'is_admin': value, 'result': check({}, {'is_admin': value}, None)})
        try:
            result = check({}, {}, None)
        except KeyError:
            result = 'raise'
        out.append({'match': match, 'result': result})
    return out


def main():
    warnings.simplefilter("ignore")  # oslo warns of every scope mismatch it lets through
    rules = [r.name for r in policies.list_rules()]
    creds = None
    modes = []
    for new_defaults, scope in MODES:
        e = enforcer(new_defaults, scope)
        contexts = [(name, persona(e, args)) for name, args in PERSONAS]
        values = {name: dict(ctx.to_policy_values()) for name, ctx in contexts}
        if creds is None:
            creds = values
        assert values == creds, 'credentials differ between configurations'
        decisions = {}
        for rule in rules:
            decisions[rule] = ''.join(
                decide(e, rule, nova_policy.default_target(ctx) if target is None else dict(target), ctx)
                for _, ctx in contexts for _, target in TARGETS)
        modes.append({'enforce_new_defaults': new_defaults, 'enforce_scope': scope, 'decisions': decisions})
    json.dump({
        'generator': 'tests/compute/make_policy_decisions.py (python3-nova 26.2.2, oslo.policy 4.0)',
        'personas': [{'name': name, 'credentials': creds[name]} for name, _ in PERSONAS],
        'targets': [{'name': name, 'target': target} for name, target in TARGETS],
        'modes': modes,
        'is_admin_check': is_admin_check(),
    }, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
