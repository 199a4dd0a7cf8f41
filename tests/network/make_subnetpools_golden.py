#!/usr/bin/python3
"""Golden cases for src/network/subnetpools.ts, produced by Neutron's own code (Zed, python3-neutron
21.0.0, neutron-lib 3.1.0, netaddr 0.8.0).

Run with Debian's interpreter (the one that has neutron, neutron_lib and netaddr):

    /usr/bin/python3 tests/network/make_subnetpools_golden.py > tests/network/subnetpools_golden.json

Recorded functions:
- `allocate` [pool, subnets, request]: the cidr a subnet request gets from a pool: the API layer's
  convert_values on `prefixlen` / `cidr` / `gateway_ip`, `_create_subnet_precommit`'s
  cidr-and-prefixlen refusal and cidr normalisation, the real `SubnetRequestFactory.get_request`
  and the real `SubnetAllocator.allocate_subnet` (`_allocate_any_subnet`,
  `_allocate_specific_subnet`, `_get_available_prefix_list`, `_check_subnetpool_tenant_quota`).
  The allocator's database reads are replaced: `db_api` by a stand-in whose sessions do nothing,
  `_lock_subnetpool` by a no-op, `_get_allocated_cidrs` and `_allocations_used_by_tenant` by the
  same queries over the recorded subnets (VERBATIM below). The pluggable backend's gateway and
  allocation-pool preparation for a request with a cidr is left out: that is `prepareSubnet`'s,
  judged by ipam_golden.json.
- `create` [body]: the API layer on a subnetpool body (fill_post_defaults, convert_values over
  the subnetpool definition and the address-scope extension's attribute), then the real
  `SubnetPoolReader`: what a created pool stores, or the error.
- `update_prefixes` [old prefixes, new prefixes]: the real `_update_subnetpool_dict` on a pool
  holding the old prefixes (a stand-in object with the OVO's fields), then `SubnetPoolReader`.
"""
import contextlib
import json
import random

import netaddr
from neutron_lib import constants
from neutron_lib.api import attributes
from neutron_lib.api.definitions import address_scope as address_scope_def
from neutron_lib.api.definitions import subnet as subnet_def
from neutron_lib.api.definitions import subnetpool as subnetpool_def

from neutron.db import db_base_plugin_v2
from neutron.ipam import requests as ipam_req
from neutron.ipam import subnet_alloc

SEED = 20240613
rnd = random.Random(SEED)


class _NoSession(object):
    """Stands for neutron_lib.db.api inside subnet_alloc: no database, no transaction."""

    class _Using(object):
        def using(self, context):
            return contextlib.nullcontext()

    CONTEXT_WRITER = _Using()
    CONTEXT_READER = _Using()


subnet_alloc.db_api = _NoSession


class HTTPBadRequest(Exception):
    """What neutron/api/v2/base.py passes as exc_cls (webob.exc.HTTPBadRequest); str() is the message."""


SUBNET_ATTRS = attributes.AttributeInfo(subnet_def.RESOURCE_ATTRIBUTE_MAP[subnet_def.COLLECTION_NAME])
POOL_MAP = dict(subnetpool_def.RESOURCE_ATTRIBUTE_MAP[subnetpool_def.COLLECTION_NAME])
POOL_MAP.update(address_scope_def.RESOURCE_ATTRIBUTE_MAP['subnetpools'])
POOL_ATTRS = attributes.AttributeInfo(POOL_MAP)


def err(e):
    return {'type': type(e).__name__, 'message': str(e)}


class PoolRow(dict):
    """A subnetpool as the allocator reads it: items (`['id']`) and `.prefixes` (`x.cidr`)."""

    class _Prefix(object):
        def __init__(self, cidr):
            self.cidr = cidr

    @property
    def prefixes(self):
        return [self._Prefix(netaddr.IPNetwork(p)) for p in self['prefix_list']]


def g_allocate(pool, subnets, request):
    sp = PoolRow(id=pool['id'], tenant_id=pool['project_id'], ip_version=pool['ip_version'],
                 prefix_list=pool['prefixes'], min_prefixlen=pool['min_prefixlen'],
                 max_prefixlen=pool['max_prefixlen'], default_prefixlen=pool['default_prefixlen'],
                 default_quota=pool['default_quota'])
    allocator = subnet_alloc.SubnetAllocator(sp, None)
    allocator._lock_subnetpool = lambda: None
    # VERBATIM the query of SubnetAllocator._get_allocated_cidrs over the recorded subnets
    allocator._get_allocated_cidrs = lambda: (s['cidr'] for s in subnets)

    def used_by_tenant(quota_unit):
        # VERBATIM SubnetAllocator._allocations_used_by_tenant, its query over the recorded subnets
        value = 0
        for allocation in [s for s in subnets if s['project_id'] == sp['tenant_id']]:
            prefixlen = netaddr.IPNetwork(allocation['cidr']).prefixlen
            value += allocator._num_quota_units_in_prefixlen(prefixlen, quota_unit)
        return value
    allocator._allocations_used_by_tenant = used_by_tenant

    s = dict(request)
    SUBNET_ATTRS.convert_values(s, exc_cls=HTTPBadRequest)
    # VERBATIM neutron/db/db_base_plugin_v2.py _create_subnet_precommit
    cidr = s.get('cidr', constants.ATTR_NOT_SPECIFIED)
    prefixlen = s.get('prefixlen', constants.ATTR_NOT_SPECIFIED)
    has_cidr = cidr is not None and cidr is not constants.ATTR_NOT_SPECIFIED
    has_prefixlen = prefixlen is not None and prefixlen is not constants.ATTR_NOT_SPECIFIED
    if has_cidr and has_prefixlen:
        from neutron_lib import exceptions as exc
        raise exc.BadRequest(resource='subnets', msg='cidr and prefixlen must not be supplied together')
    if has_cidr:
        net = netaddr.IPNetwork(s['cidr'])
        s['cidr'] = '%s/%s' % (net.network, net.prefixlen)
    subnet = {'tenant_id': 'requester', 'cidr': s.get('cidr', constants.ATTR_NOT_SPECIFIED),
              'gateway_ip': s.get('gateway_ip', constants.ATTR_NOT_SPECIFIED),
              'prefixlen': s.get('prefixlen', constants.ATTR_NOT_SPECIFIED),
              'allocation_pools': constants.ATTR_NOT_SPECIFIED}
    req = ipam_req.SubnetRequestFactory.get_request(None, subnet, sp)
    return str(allocator.allocate_subnet(req).get_details().subnet_cidr)


def pool_view(reader):
    return {'ip_version': reader.ip_version, 'prefixes': [str(p) for p in reader.prefixes],
            'min_prefixlen': reader.min_prefixlen, 'max_prefixlen': reader.max_prefixlen,
            'default_prefixlen': reader.default_prefixlen, 'default_quota': reader.default_quota}


def g_create(body):
    res = dict(body)
    res['tenant_id'] = 'p1'
    res['project_id'] = 'p1'
    POOL_ATTRS.fill_post_defaults(res, exc_cls=HTTPBadRequest)
    POOL_ATTRS.convert_values(res, exc_cls=HTTPBadRequest)
    return pool_view(subnet_alloc.SubnetPoolReader(res))


class OrigPool(object):
    """What _update_subnetpool_dict reads of a SubnetPool object."""
    synthetic_fields = ['prefixes', 'shared']
    fields_no_update = ['id', 'project_id']

    def __init__(self, prefixes):
        self.prefixes = [netaddr.IPNetwork(p) for p in prefixes]
        self.reader = subnet_alloc.SubnetPoolReader({'prefixes': prefixes, 'tenant_id': 'p1', 'name': 'pool',
                                                     'is_default': False, 'shared': False})

    def to_dict(self):
        r = self.reader
        return {'id': r.id, 'project_id': 'p1', 'tenant_id': 'p1', 'name': 'pool', 'ip_version': r.ip_version,
                'default_prefixlen': r.default_prefixlen, 'min_prefixlen': r.min_prefixlen,
                'max_prefixlen': r.max_prefixlen, 'shared': False, 'is_default': False, 'default_quota': None,
                'hash': '', 'address_scope_id': None, 'description': ''}


def g_update_prefixes(old, new):
    orig = OrigPool(old)
    body = {'prefixes': new}
    POOL_ATTRS.convert_values(body, exc_cls=HTTPBadRequest)
    updated = db_base_plugin_v2._update_subnetpool_dict(orig, body)
    return [str(p) for p in subnet_alloc.SubnetPoolReader(updated).prefixes]


def call(fn, *args):
    try:
        return {'ok': fn(*args)}
    except Exception as e:  # noqa: BLE001 - the golden records whatever Neutron raises
        return {'error': err(e)}


# ------------------------------------------------------------------------------ generators

def rand_v4_net(lo=12, hi=24):
    plen = rnd.randint(lo, hi)
    value = rnd.getrandbits(32 - 8) | (10 << 24)
    return netaddr.IPNetwork('%s/%d' % (netaddr.IPAddress(value, 4), plen)).cidr


def rand_v6_net(lo=44, hi=60):
    plen = rnd.randint(lo, hi)
    value = (0x20010db8 << 96) | rnd.getrandbits(96)
    return netaddr.IPNetwork('%s/%d' % (netaddr.IPAddress(value, 6), plen)).cidr


def rand_pool(version):
    n = rnd.choice([1, 1, 1, 2, 3])
    if version == 4:
        base = rand_v4_net(14, 24)
        nets = [base]
        for _ in range(n - 1):
            # near the first one: adjacent, inside, or elsewhere
            kind = rnd.random()
            if kind < 0.4:
                nets.append(netaddr.IPNetwork('%s/%d' % (netaddr.IPAddress(base.last + 1, 4), base.prefixlen)).cidr)
            elif kind < 0.6:
                nets.append(next(base.subnet(min(base.prefixlen + 2, 32))))
            else:
                nets.append(rand_v4_net(18, 26))
        width, dmin = 32, 8
    else:
        base = rand_v6_net(44, 60)
        nets = [base]
        for _ in range(n - 1):
            if rnd.random() < 0.5:
                nets.append(netaddr.IPNetwork('%s/%d' % (netaddr.IPAddress(base.last + 1, 6), base.prefixlen)).cidr)
            else:
                nets.append(rand_v6_net(48, 64))
        width, dmin = 128, 64
    ip_set = netaddr.IPSet(nets)
    ip_set.compact()
    prefixes = [str(c) for c in ip_set.iter_cidrs()]
    smallest = min(c.prefixlen for c in ip_set.iter_cidrs())
    if version == 4:
        mn = rnd.choice([8, smallest, smallest + 1, 16])
        mx = rnd.choice([32, 30, 28, max(mn, smallest + 6)])
    else:
        mn = rnd.choice([64, smallest, smallest + 2, 48])
        mx = rnd.choice([128, 64, 80, max(mn, smallest + 12)])
    mn = min(mn, mx)
    df = rnd.randint(mn, min(mx, mn + 8 if version == 4 else mn + 16))
    quota = None
    if rnd.random() < 0.15:
        quota = rnd.choice([0, 256, 1024, 4096]) if version == 4 else rnd.choice([0, 16, 256])
    return {'id': 'pool-1', 'project_id': 'owner', 'ip_version': version, 'prefixes': prefixes,
            'min_prefixlen': mn, 'max_prefixlen': mx, 'default_prefixlen': df, 'default_quota': quota}, width


def rand_request(pool, width, subnets):
    r = rnd.random()
    nets = [netaddr.IPNetwork(p) for p in pool['prefixes']]
    if r < 0.55:
        lo, hi = pool['min_prefixlen'] - 2, pool['max_prefixlen'] + 2
        return {'prefixlen': rnd.randint(max(0, lo), min(hi, width + 1))}
    if r < 0.65:
        return {}
    if r < 0.82:
        # a specific cidr: often inside the pool, sometimes over an allocation or outside
        net = rnd.choice(nets)
        plen = rnd.randint(net.prefixlen, min(width, net.prefixlen + 8))
        count = 1 << (plen - net.prefixlen)
        sub = netaddr.IPNetwork('%s/%d' % (netaddr.IPAddress(net.first + rnd.randrange(count) * (1 << (width - plen)), pool['ip_version']), plen))
        if rnd.random() < 0.15 and subnets:
            sub = netaddr.IPNetwork(rnd.choice(subnets)['cidr'])
        if rnd.random() < 0.1:
            sub = netaddr.IPNetwork('%s/%d' % (netaddr.IPAddress(net.last + 1, pool['ip_version']), plen)) if net.last + 1 < (1 << width) else sub
        text = str(sub.cidr)
        if rnd.random() < 0.2 and pool['ip_version'] == 4:
            text = '%s/%d' % (netaddr.IPAddress(sub.first + rnd.randrange(sub.size)), plen)  # host bits set
        return {'cidr': text}
    if r < 0.92:
        net = rnd.choice(nets)
        addr = netaddr.IPAddress(net.first + rnd.randrange(min(net.size, 1 << 20)), pool['ip_version'])
        req = {'gateway_ip': str(addr)}
        if rnd.random() < 0.6:
            req['prefixlen'] = rnd.randint(net.prefixlen, min(width + 1, net.prefixlen + 10))
        return req
    return rnd.choice([
        {'prefixlen': str(pool['default_prefixlen'])},
        {'prefixlen': ' %d ' % pool['max_prefixlen']},
        {'prefixlen': '-1'},
        {'prefixlen': 'abc'},
        {'prefixlen': True},
        {'prefixlen': width + 3},
        {'cidr': pool['prefixes'][0], 'prefixlen': pool['default_prefixlen']},
    ])


cases = []
for _ in range(70):
    version = 4 if rnd.random() < 0.6 else 6
    pool, width = rand_pool(version)
    subnets = []
    for step in range(rnd.randint(4, 14)):
        request = rand_request(pool, width, subnets)
        result = call(g_allocate, pool, list(subnets), request)
        cases.append({'fn': 'allocate', 'args': [pool, list(subnets), request], **result})
        if 'ok' in result:
            subnets.append({'cidr': result['ok'], 'project_id': rnd.choice(['owner', 'owner', 'other'])})

# exhaustion: fill a small pool with the default size until it is full
for version, prefix, df in [(4, '10.9.0.0/24', 26), (4, '10.8.0.0/23', 25), (6, '2001:db8:5::/62', 64)]:
    width = 32 if version == 4 else 128
    pool = {'id': 'pool-1', 'project_id': 'owner', 'ip_version': version, 'prefixes': [prefix],
            'min_prefixlen': 8 if version == 4 else 48, 'max_prefixlen': width, 'default_prefixlen': df, 'default_quota': None}
    subnets = []
    for step in range(12):
        request = rnd.choice([{}, {}, {'prefixlen': df + 1}, {'prefixlen': df + 2}])
        result = call(g_allocate, pool, list(subnets), request)
        cases.append({'fn': 'allocate', 'args': [pool, list(subnets), request], **result})
        if 'ok' in result:
            subnets.append({'cidr': result['ok'], 'project_id': 'owner'})


def rand_prefix_text(version):
    if version == 4:
        n = rand_v4_net(8, 30)
        r = rnd.random()
        if r < 0.04:
            return '%s/%d' % (netaddr.IPAddress(n.first + 1), n.prefixlen)
        if r < 0.06:
            return str(n.network)
        if r < 0.08:
            return '%s/%s' % (n.network, n.netmask)
        return str(n)
    n = rand_v6_net(32, 64)
    return str(n) if rnd.random() < 0.9 else '%s/%d' % (netaddr.IPAddress(n.first + 5, 6), n.prefixlen)


for _ in range(260):
    version = 4 if rnd.random() < 0.6 else 6
    body = {'name': 'pool'}
    r = rnd.random()
    if r < 0.05:
        prefixes = []
    elif r < 0.1:
        prefixes = [rand_prefix_text(4), rand_prefix_text(6)]
    elif r < 0.14:
        p = rand_prefix_text(version)
        prefixes = [p, p]
    elif r < 0.18:
        prefixes = rnd.choice([['10.0.0.0/33'], ['banana'], ['10.0.0.0 /24'], '10.0.0.0/24', [7], ['::/129'], ['10/8']])
    else:
        prefixes = [rand_prefix_text(version) for _ in range(rnd.choice([1, 1, 2, 3, 5]))]
    body['prefixes'] = prefixes
    width = 32 if version == 4 else 128
    for k in ('min_prefixlen', 'max_prefixlen', 'default_prefixlen'):
        if rnd.random() < 0.4:
            body[k] = rnd.choice([rnd.randint(8, width)] * 5 + [rnd.randint(0, width + 2), str(rnd.randint(8, width)), -1, 'x'])
    if rnd.random() < 0.1:
        body['min_prefixlen'] = 0
    if rnd.random() < 0.2:
        body['default_quota'] = rnd.choice([0, 5, 100, -3, '12', None])
    if rnd.random() < 0.05:
        body['name'] = rnd.choice(['', '   ', None, 5])
    if rnd.random() < 0.03:
        del body['name']
    cases.append({'fn': 'create', 'args': [body], **call(g_create, body)})

for _ in range(120):
    version = 4 if rnd.random() < 0.6 else 6
    old = [str(c) for c in netaddr.IPSet([netaddr.IPNetwork(rand_prefix_text(version)).cidr for _ in range(rnd.randint(1, 3))]).iter_cidrs()]
    old_set = netaddr.IPSet(old)
    r = rnd.random()
    if r < 0.35:
        new = old + [rand_prefix_text(version) for _ in range(rnd.randint(1, 2))]
    elif r < 0.55:
        supers = [str(netaddr.IPNetwork(p).supernet(max(0, netaddr.IPNetwork(p).prefixlen - rnd.randint(1, 4)))[0]) for p in old]
        new = list(dict.fromkeys(supers))
    elif r < 0.75:
        new = old[1:] if len(old) > 1 else [rand_prefix_text(version)]
    elif r < 0.85:
        new = old + [rand_prefix_text(6 if version == 4 else 4)]
    elif r < 0.9:
        new = []
    else:
        new = [str(c) for c in (old_set | netaddr.IPSet([rand_prefix_text(version)])).iter_cidrs()]
    cases.append({'fn': 'update_prefixes', 'args': [old, new], **call(g_update_prefixes, old, new)})

print(json.dumps({'seed': SEED, 'cases': cases}, indent=None, separators=(',', ':')))
