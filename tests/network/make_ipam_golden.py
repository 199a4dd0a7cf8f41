#!/usr/bin/python3
"""Golden cases for src/network/ipam/, produced by Neutron's own code (Zed, python3-neutron 21.0.0,
neutron-lib 3.1.0, netaddr 0.8.0).

Run with Debian's interpreter (the one that has neutron, neutron_lib and netaddr):

    /usr/bin/python3 tests/network/make_ipam_golden.py > tests/network/ipam_golden.json

Every expected value is what the real function returned or raised (exception class name and
str()). Where the check lives inside a plugin method that needs a database, the smallest real
method is called on an instance created without __init__ (no DB is touched on these paths); the
few lines that are reproduced instead of called are marked VERBATIM with their source.
"""
import copy
import json
import random
import sys

import netaddr
from neutron_lib import constants
from neutron_lib.api import attributes
from neutron_lib.api.definitions import subnet as subnet_def
from oslo_config import cfg
from oslo_utils import netutils

from neutron.conf import common as common_conf
from neutron.db import db_base_plugin_v2
from neutron.db import ipam_backend_mixin
from neutron.ipam import requests as ipam_req
from neutron.ipam import utils as ipam_utils

SEED = 20240612
rnd = random.Random(SEED)

for opts in (common_conf.core_opts,):
    try:
        cfg.CONF.register_opts(opts)
    except cfg.DuplicateOptError:
        pass
cfg.CONF([], project='neutron')  # defaults: max_dns_nameservers 5, max_subnet_host_routes 20

PLUGIN = db_base_plugin_v2.NeutronDbPluginV2.__new__(db_base_plugin_v2.NeutronDbPluginV2)
MIXIN = ipam_backend_mixin.IpamBackendMixin.__new__(ipam_backend_mixin.IpamBackendMixin)
SUBNET_ATTRS = attributes.AttributeInfo(subnet_def.RESOURCE_ATTRIBUTE_MAP[subnet_def.COLLECTION_NAME])


class HTTPBadRequest(Exception):
    """What neutron/api/v2/base.py passes as exc_cls to convert_values (webob.exc.HTTPBadRequest);
    a stand-in so str() is the message itself."""


def api_convert(res):
    # neutron/api/v2/base.py: attr_ops.convert_values(res_dict, exc_cls=webob.exc.HTTPBadRequest)
    SUBNET_ATTRS.convert_values(res, exc_cls=HTTPBadRequest)
    return res


def err(e):
    return {'type': type(e).__name__, 'message': str(e)}


def call(fn, *args):
    try:
        return {'ok': fn(*args)}
    except Exception as e:  # noqa: BLE001 - the golden records whatever Neutron raises
        return {'error': err(e)}


def ranges(rs):
    return [{'start': str(netaddr.IPAddress(r.first, r.version)), 'end': str(netaddr.IPAddress(r.last, r.version))} for r in rs]


# ---------------------------------------------------------------- the functions under test

def g_parse_cidr(text):
    res = api_convert({'cidr': text})
    # VERBATIM neutron/db/db_base_plugin_v2.py _create_subnet_precommit: "turn the CIDR into a proper subnet"
    net = netaddr.IPNetwork(res['cidr'])
    cidr = '%s/%s' % (net.network, net.prefixlen)
    return {'cidr': cidr, 'version': net.version, 'prefixlen': net.prefixlen}


def g_parse_address(text, field):
    res = api_convert({field: text})
    ip = netaddr.IPAddress(res[field])
    return {'address': str(ip), 'version': ip.version}


def g_default_gateway(cidr):
    v = netaddr.IPNetwork(cidr).version
    return ipam_backend_mixin.IpamBackendMixin._gateway_ip_str(
        {'gateway_ip': constants.ATTR_NOT_SPECIFIED, 'ip_version': v}, cidr)


def g_generate_pools(cidr, gw):
    return ranges(ipam_utils.generate_pools(cidr, gw))


def g_validate_pools(pools, cidr, gw):
    res = api_convert({'allocation_pools': copy.deepcopy(pools)})
    return ranges(MIXIN._prepare_allocation_pools(res['allocation_pools'], cidr, gw))


class FakeSubnet:
    def __init__(self, i, cidr):
        self.id = 'subnet-%d' % i
        self.cidr = cidr


class FakeNetwork:
    def __init__(self, nid, cidrs):
        self.id = nid
        self.subnets = [FakeSubnet(i, c) for i, c in enumerate(cidrs)]


def g_validate_subnet_cidr(cidr, network_id, others):
    MIXIN._validate_subnet_cidr(None, FakeNetwork(network_id, others), cidr)
    return None


def g_prepare_subnet(body):
    s = api_convert(copy.deepcopy(body))
    # fill_post_defaults for the attributes used here (neutron_lib subnet definition defaults)
    for k in ('gateway_ip', 'allocation_pools', 'dns_nameservers', 'host_routes', 'ipv6_ra_mode', 'ipv6_address_mode'):
        s.setdefault(k, constants.ATTR_NOT_SPECIFIED)
    s.setdefault('enable_dhcp', True)
    # VERBATIM _create_subnet_precommit
    net = netaddr.IPNetwork(s['cidr'])
    s['cidr'] = '%s/%s' % (net.network, net.prefixlen)
    PLUGIN._validate_subnet(None, s)
    # VERBATIM neutron/db/ipam_pluggable_backend.py allocate_subnet (specific cidr branch)
    s['gateway_ip'] = MIXIN._gateway_ip_str(s, s['cidr'])
    s['allocation_pools'] = MIXIN._prepare_allocation_pools(s['allocation_pools'], s['cidr'], s['gateway_ip'])
    req = ipam_req.SubnetRequestFactory.get_request(None, {
        'cidr': s['cidr'], 'gateway_ip': s['gateway_ip'], 'allocation_pools': s['allocation_pools'],
        'tenant_id': 'p', 'id': 'subnet', 'prefixlen': constants.ATTR_NOT_SPECIFIED}, None)
    # neutrondb_ipam driver create_from_subnet_request
    pools = req.allocation_pools or ipam_utils.generate_pools(req.subnet_cidr, req.gateway_ip)
    # _save_subnet -> _validate_subnet_cidr on a network without other subnets
    MIXIN._validate_subnet_cidr(None, FakeNetwork('net', []), s['cidr'])
    return {'cidr': s['cidr'], 'ip_version': s['ip_version'],
            'gateway_ip': None if req.gateway_ip is None else str(req.gateway_ip),
            'allocation_pools': ranges(pools)}


def g_eui64(prefix, mac):
    return str(netutils.get_ipv6_addr_by_EUI64(prefix, mac))


# ---------------------------------------------------------------- random inputs

V4_PREFIXES = [0, 1, 2, 7, 8, 12, 16, 20, 22, 23, 24, 25, 26, 27, 28, 29, 30, 30, 31, 31, 32, 32]
V6_PREFIXES = [0, 1, 8, 16, 32, 48, 56, 63, 64, 64, 64, 65, 96, 112, 120, 124, 125, 126, 126, 127, 127, 128, 128]


def rand_v6_value():
    k = rnd.random()
    if k < 0.5:
        return (0x20010db8 << 96) | rnd.getrandbits(rnd.choice([16, 32, 64, 96]))
    if k < 0.7:
        return (0xfd00 << 112) | rnd.getrandbits(rnd.choice([8, 64, 112]))
    if k < 0.8:
        return (0xffff << 32) | rnd.getrandbits(32)  # v4-mapped
    if k < 0.85:
        return rnd.getrandbits(32)  # v4-compatible
    return rnd.getrandbits(128)


def rand_net(version=None):
    version = version or rnd.choice([4, 4, 6])
    if version == 4:
        p = rnd.choice(V4_PREFIXES)
        value = rnd.getrandbits(32)
    else:
        p = rnd.choice(V6_PREFIXES)
        value = rand_v6_value()
    host_bits = rnd.random() < 0.15
    net = netaddr.IPNetwork((value, p), version=version)
    if not host_bits:
        net = net.cidr
    return net


def addr(value, version):
    return str(netaddr.IPAddress(value, version))


def ip_near(net, where):
    """An address at a named place in or around net."""
    v, first, last = net.version, net.first, net.last
    top = (1 << (32 if v == 4 else 128)) - 1
    if where == 'network':
        x = first
    elif where == 'second':
        x = first + 1
    elif where == 'last':
        x = last
    elif where == 'before_last':
        x = last - 1
    elif where == 'inside':
        x = rnd.randint(first, last)
    elif where == 'below':
        x = first - 1
    elif where == 'above':
        x = last + 1
    else:
        x = rnd.randint(0, top)
    return addr(max(0, min(top, x)), v)


PLACES = ['network', 'second', 'last', 'before_last', 'inside', 'inside', 'below', 'above', 'anywhere']


def rand_pool(net, kind):
    v, first, last = net.version, net.first, net.last
    top = (1 << (32 if v == 4 else 128)) - 1
    clamp = lambda x: max(0, min(top, x))  # noqa: E731
    if kind == 'inside':
        lo, hi = (first + 1, last - 1) if last - first > 2 and rnd.random() < 0.85 else (first, last)
        a, b = sorted(rnd.randint(lo, hi) for _ in range(2))
    elif kind == 'reversed':
        a, b = sorted(rnd.randint(first, last) for _ in range(2))
        a, b = (b, a) if a != b else (a + 1, a)
    elif kind == 'outside':
        a = clamp(first - rnd.randint(0, 5))
        b = clamp(last + rnd.randint(0, 5))
    elif kind == 'edge':
        a, b = first, last
    else:
        a = rnd.randint(0, top)
        b = clamp(a + rnd.randint(0, 100))
    return {'start': addr(clamp(a), v), 'end': addr(clamp(b), v)}


def rand_pools(net, gw):
    n = rnd.choice([1, 1, 1, 2, 2, 3])
    kinds = ['inside'] * 12 + ['reversed', 'outside', 'edge', 'random']
    pools = [rand_pool(net, rnd.choice(kinds)) for _ in range(n)]
    r = rnd.random()
    if r < 0.1 and gw:
        pools.append({'start': gw, 'end': gw})
    elif r < 0.15:
        pools.append({'start': '10.0.0.1' if net.version == 6 else '2001:db8::1', 'end': '10.0.0.9' if net.version == 6 else '2001:db8::9'})
    elif r < 0.2:
        pools.append({'start': 'not-an-ip', 'end': '10.0.0.1'})
    elif r < 0.23:
        pools.append({'start': '010.0.0.1', 'end': '10.0.0.3'})
    elif r < 0.3 and pools:
        pools.append(dict(pools[0]))
    return pools


def rand_mac():
    b = [rnd.getrandbits(8) for _ in range(6)]
    if rnd.random() < 0.5:
        b[:3] = [0xfa, 0x16, 0x3e]
    style = rnd.random()
    if style < 0.6:
        return ':'.join('%02x' % x for x in b)
    if style < 0.7:
        return '-'.join('%02X' % x for x in b)
    if style < 0.8:
        return '%02x%02x.%02x%02x.%02x%02x' % tuple(b)
    if style < 0.87:
        return ''.join('%02x' % x for x in b)
    if style < 0.93:
        return ':'.join('%x' % x for x in b)
    return rnd.choice(['zz:16:3e:00:00:01', 'fa:16:3e:00:00', '', 'fa:16:3e:00:00:01:02', 'fa163e00000'])


def cidr_text(net):
    """The cidr as a user might type it."""
    t = str(net)
    r = rnd.random()
    if net.version == 6 and r < 0.15:
        t = t.upper()
    elif net.version == 6 and r < 0.25:
        t = '%s/%d' % (netaddr.IPAddress(net.value, 6).format(netaddr.ipv6_verbose), net.prefixlen)
    return t


ODD_CIDRS = [
    '10.0.0.0/24', '10.0.0.1/24', '10/8', '10.0.0.1', '10.0.0.0/255.255.255.0', '10.0.0.0/0.0.0.255',
    '10.0.0.0/255.0.255.0', '2001:DB8:0:0::1/64', ' 10.0.0.0/24', '10.0.0.0/24 ', '10.0.0.0/33', '010.0.0.0/24',
    'foo', '', '10.0.0.0/', '/24', '0.0.0.0/0', '::/0', '10.0.0.0/024', '1/8', '10.1/16', '10.0.0.0/+24',
    '10.0.0.0/-1', '2001:db8::/129', '2001:db8::/064', '10.0.0.256/24', '0x0a000000/8', '10.0.0.0/24/24',
    '2001:db8::1%eth0/64', '::/128', 'fe80::/10', '1.2.3', '4294967295/32', '::10.0.0.1/96', '10.0.0.0/8\n',
    '10.0.0.0//24', '10.0.0.0/24.0', '2001:db8::/ffff:ffff::', ' 2001:db8::/64', '2001:db8::/64 ', '1.2.3.4.5/32',
    '10..0.0/24', '10.0.0.0/2_4', '1_0.0.0.0/8', '-1.0.0.0/8', '+10.0.0.0/8', '2001:db8:::/64', '2001:db8::1::/64',
    '1:2:3:4:5:6:7:8/64', '1:2:3:4:5:6:7::/64', '1:2:3:4:5:6:7:8::/64', '::ffff:1.2.3.4/120', '::ffff:1.2.3.04/120',
    '2001:db8::12345/64', ':/64', ':1::/64', '1::/64:', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128',
    '255.255.255.255/32', '224.0.0.0/4', '127.0.0.0/8', '10.0.0.0/ 24', '10.0.0.0 /24', '10.0.0.0/\t24',
    '2001:db8::/0x40', '10.0.0.0/1e1', '10.0.0.0/24\n', 'a.b.c.d/24', '1.2.3.4/32/',
]

ODD_ADDRESSES = [
    '10.0.0.1', '010.0.0.1', '10.0.0.1 ', ' 10.0.0.1', '1.2.3', '2001:DB8::1', '::ffff:1.2.3.4', '10.0.0.01', 'foo',
    '', '0x0a000001', '4294967295', '::', '1.2.3.4/32', '+1.2.3.4', '1_0.0.0.1', '-1.0.0.0', '256.0.0.1',
    '1.2.3.4.5', '2001:db8::1%eth0', '2001:0db8:0000:0000:0000:0000:0000:0001', '::ffff:0a00:0001', '::1:0',
    '1::', '::2', '0:0:0:0:0:1:0:0', '1:0:0:1:0:0:0:1', '1:0:0:0:1:0:0:1', 'fe80::1:0:0:1', '0.0.0.0',
    '255.255.255.255', '00000000001.2.3.4', '1.2.3.4\n', '::0.0.0.1', '::ffff:0.0.0.0', '0:0:0:0:0:ffff:ffff:ffff',
]

ODD_MACS = ['fa:16:3e:00:00:01', 'FA-16-3E-00-00-01', 'fa16.3e00.0001', 'fa163e000001', 'fa163e00001', 'a:b:c:d:e:f',
            'fa16:3e00:0001', 'fa16-3e00-0001', 'fa163e-000001', 'fa163e:000001', 'fa:16:3e:00:00:01\n',
            'fa:16:3e:00:00:0g', 'fa:16:3e:00:00:01:02', '', '00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff']


def main():
    cases = []

    def add(fn, args, outcome):
        cases.append(dict(fn=fn, args=args, **outcome))

    # parseCidr
    for t in ODD_CIDRS:
        add('parseCidr', [t], call(g_parse_cidr, t))
    for _ in range(120):
        t = cidr_text(rand_net())
        add('parseCidr', [t], call(g_parse_cidr, t))

    # parseAddress (gateway_ip and allocation_pools fields share validate_ip_address)
    for t in ODD_ADDRESSES:
        add('parseAddress', [t, 'gateway_ip'], call(g_parse_address, t, 'gateway_ip'))
    for _ in range(40):
        net = rand_net()
        t = ip_near(net, rnd.choice(PLACES))
        if net.version == 6 and rnd.random() < 0.3:
            t = netaddr.IPAddress(t).format(netaddr.ipv6_verbose).upper()
        add('parseAddress', [t, 'gateway_ip'], call(g_parse_address, t, 'gateway_ip'))

    # defaultGateway
    for t in ['255.255.255.255/32', '10.0.0.5/32', '10.0.0.0/31', '::/0', '0.0.0.0/0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128']:
        add('defaultGateway', [t], call(g_default_gateway, t))
    for _ in range(50):
        c = str(rand_net().cidr)
        add('defaultGateway', [c], call(g_default_gateway, c))

    # generatePools
    for _ in range(220):
        net = rand_net().cidr
        c = str(net)
        gw = None if rnd.random() < 0.2 else ip_near(net, rnd.choice(PLACES))
        add('generatePools', [c, gw], call(g_generate_pools, c, gw))

    # checkSubnetIp / checkGatewayInvalidInSubnet
    owners = ['', 'compute:nova', 'network:router_interface', 'network:router_gateway', 'network:dhcp',
              'network:router_centralized_snat', 'network:router_interface_distributed', 'network:ha_router_replicated_interface']
    for _ in range(160):
        net = rand_net().cidr
        c = str(net)
        ip = ip_near(net, rnd.choice(PLACES))
        if rnd.random() < 0.05:
            ip = ip_near(rand_net(4 if net.version == 6 else 6), 'inside')
        owner = rnd.choice(owners)
        add('checkSubnetIp', [c, ip, owner], call(ipam_utils.check_subnet_ip, c, ip, owner))
        gw = ip_near(net, rnd.choice(PLACES))
        add('checkGatewayInvalidInSubnet', [c, gw], call(ipam_utils.check_gateway_invalid_in_subnet, c, gw))

    # validateAllocationPools (API validation of the list, then _prepare_allocation_pools)
    for _ in range(240):
        net = rand_net().cidr
        c = str(net)
        gw = None if rnd.random() < 0.15 else ip_near(net, rnd.choice(PLACES))
        pools = rand_pools(net, gw)
        add('validateAllocationPools', [pools, c, gw], call(g_validate_pools, pools, c, gw))
    for pools in [[], [{'start': '10.0.0.2'}], [{'start': '10.0.0.2', 'end': '10.0.0.3', 'x': 1}], 'pools', [['10.0.0.2', '10.0.0.3']]]:
        try:
            outcome = {'ok': g_validate_pools(pools, '10.0.0.0/24', '10.0.0.1')}
        except Exception as e:  # noqa: BLE001
            outcome = {'error': err(e)}
        # a missing key's message prints two Python sets, whose order depends on the hash seed: not goldened
        if 'Expected keys' not in outcome.get('error', {}).get('message', ''):
            add('validateAllocationPools', [pools, '10.0.0.0/24', '10.0.0.1'], outcome)

    # validateSubnetCidr (prefix 0, overlap with the network's other subnets)
    for _ in range(70):
        net = rand_net().cidr
        others = [str(rand_net(net.version).cidr) for _ in range(rnd.randint(0, 3))]
        if rnd.random() < 0.3:
            others.append(str(netaddr.IPNetwork((net.first, max(0, net.prefixlen - rnd.randint(0, 3))), version=net.version).cidr))
        if rnd.random() < 0.1:
            others.append('::/64')  # PROVISIONAL_IPV6_PD_PREFIX is exempt
        add('validateSubnetCidr', [str(net), 'net-1', others], call(g_validate_subnet_cidr, str(net), 'net-1', others))

    # prepareSubnet: the IPAM part of create_subnet, from the request body
    fixed_bodies = [
        {'cidr': '10.0.0.0/31', 'ip_version': 4, 'enable_dhcp': False},
        {'cidr': '10.0.0.0/32', 'ip_version': 4, 'enable_dhcp': False},
        {'cidr': '255.255.255.255/32', 'ip_version': 4, 'enable_dhcp': False},
        {'cidr': '10.0.0.0/31', 'ip_version': 4},
        {'cidr': '0.0.0.0/0', 'ip_version': 4, 'enable_dhcp': False},
        {'cidr': '0.0.0.0/8', 'ip_version': 4},
        {'cidr': '224.0.0.0/24', 'ip_version': 4},
        {'cidr': '127.0.0.0/24', 'ip_version': 4},
        {'cidr': '127.0.0.0/24', 'ip_version': 4, 'enable_dhcp': False},
        {'cidr': '::1/128', 'ip_version': 6},
        {'cidr': 'ff00::/64', 'ip_version': 6},
        {'cidr': '2001:db8::/127', 'ip_version': 6, 'enable_dhcp': False},
        {'cidr': '2001:db8::/127', 'ip_version': 6, 'enable_dhcp': False, 'gateway_ip': '2001:db8::1'},
        {'cidr': '2001:db8::/64', 'ip_version': 6, 'ipv6_ra_mode': 'slaac', 'ipv6_address_mode': 'slaac'},
        {'cidr': '2001:db8::/64', 'ip_version': 6, 'ipv6_ra_mode': 'slaac', 'ipv6_address_mode': 'dhcpv6-stateful'},
        {'cidr': '2001:db8::/64', 'ip_version': 6, 'ipv6_address_mode': 'slaac', 'enable_dhcp': False},
        {'cidr': '2001:db8::/80', 'ip_version': 6, 'ipv6_address_mode': 'dhcpv6-stateless'},
        {'cidr': '2001:db8::/80', 'ip_version': 6, 'ipv6_address_mode': 'dhcpv6-stateful'},
        {'cidr': '2001:db8::/64', 'ip_version': 6, 'ipv6_ra_mode': 'bogus'},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'ipv6_ra_mode': 'slaac'},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'ipv6_address_mode': 'slaac'},
        {'cidr': '10.0.0.0/24', 'ip_version': 6},
        {'cidr': '2001:db8::/64', 'ip_version': 4},
        {'cidr': '10.0.0.0/24', 'ip_version': 5},
        {'cidr': '10.0.0.0/24', 'ip_version': '4'},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'gateway_ip': None},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'gateway_ip': '2001:db8::1'},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'gateway_ip': '10.0.0.255'},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'gateway_ip': '10.0.0.0'},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'gateway_ip': '192.168.0.1'},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'gateway_ip': '10.0.0.300'},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'enable_dhcp': 'false'},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'enable_dhcp': 'maybe'},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'dns_nameservers': ['8.8.8.8', '8.8.4.4']},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'dns_nameservers': ['8.8.8.8', '8.8.8.8']},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'dns_nameservers': ['8.8.8.%d' % i for i in range(6)]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'dns_nameservers': ['2001:db8::53']},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'dns_nameservers': ['dns.example.com']},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'dns_nameservers': None},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'host_routes': [{'destination': '192.168.0.0/24', 'nexthop': '10.0.0.9'}]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'host_routes': [{'destination': '192.168.0.1/24', 'nexthop': '10.0.0.9'}]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'host_routes': [{'destination': '127.0.0.0/8', 'nexthop': '10.0.0.9'}]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'host_routes': [{'destination': '192.168.0.0/24', 'nexthop': '2001:db8::9'}]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'host_routes': [{'destination': '2001:db8::/64', 'nexthop': '10.0.0.9'}]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'host_routes': [{'destination': '192.168.0.0/24', 'nexthop': '10.0.0.9'}] * 2},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'host_routes': [{'destination': '192.168.%d.0/24' % i, 'nexthop': '10.0.0.9'} for i in range(21)]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'host_routes': [{'destination': 'bad', 'nexthop': '10.0.0.9'}]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'host_routes': [{'destination': '192.168.0.0/24', 'nexthop': 'bad'}]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'allocation_pools': [{'start': '10.0.0.1', 'end': '10.0.0.9'}]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'gateway_ip': None, 'allocation_pools': [{'start': '10.0.0.1', 'end': '10.0.0.9'}]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'allocation_pools': [{'start': '10.0.0.20', 'end': '10.0.0.29'}, {'start': '10.0.0.2', 'end': '10.0.0.9'}]},
        {'cidr': '10.0.0.0/24', 'ip_version': 4, 'allocation_pools': [{'start': '10.0.0.2', 'end': '10.0.0.9'}, {'start': '10.0.0.5', 'end': '10.0.0.20'}]},
        {'cidr': '2001:db8::/64', 'ip_version': 6, 'allocation_pools': [{'start': '2001:db8::', 'end': '2001:db8::9'}]},
        {'cidr': '2001:db8::/64', 'ip_version': 6, 'allocation_pools': [{'start': '2001:DB8::1', 'end': '2001:db8::0009'}]},
        {'cidr': 'foo', 'ip_version': 4},
        {'cidr': '10.0.0.7/29', 'ip_version': 4, 'gateway_ip': '10.0.0.7'},
        {'cidr': '10.0.0.7/29', 'ip_version': 4, 'gateway_ip': '10.0.0.1', 'enable_dhcp': False},
    ]
    for b in fixed_bodies:
        add('prepareSubnet', [b], call(g_prepare_subnet, b))
    for _ in range(130):
        net = rand_net()
        body = {'cidr': cidr_text(net), 'ip_version': net.version if rnd.random() < 0.95 else 10 - net.version}
        if rnd.random() < 0.5:
            body['enable_dhcp'] = rnd.random() < 0.5
        if rnd.random() < 0.5:
            body['gateway_ip'] = None if rnd.random() < 0.15 else ip_near(net, rnd.choice(PLACES))
        if rnd.random() < 0.35:
            body['allocation_pools'] = rand_pools(net.cidr, body.get('gateway_ip'))
        if net.version == 6 and rnd.random() < 0.4:
            for k in ('ipv6_ra_mode', 'ipv6_address_mode'):
                if rnd.random() < 0.6:
                    body[k] = rnd.choice(constants.IPV6_MODES)
        add('prepareSubnet', [body], call(g_prepare_subnet, body))

    # eui64Address
    for mac in ODD_MACS:
        add('eui64Address', ['2001:db8::/64', mac], call(g_eui64, '2001:db8::/64', mac))
    for p in ['10.0.0.0/24', '10.0.0.1', 'foo', '2001:db8::/48', '2001:db8:1:2:3::/80', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:0/112', '2001:db8::', '::/0']:
        add('eui64Address', [p, 'fa:16:3e:00:00:01'], call(g_eui64, p, 'fa:16:3e:00:00:01'))
    for _ in range(60):
        net = rand_net(6)
        p = str(netaddr.IPNetwork((net.first, 64), version=6).cidr) if rnd.random() < 0.8 else str(net)
        mac = rand_mac()
        add('eui64Address', [p, mac], call(g_eui64, p, mac))

    json.dump({'generator': 'tests/network/make_ipam_golden.py', 'seed': SEED,
               'versions': {'neutron': '21.0.0', 'neutron_lib': '3.1.0', 'netaddr': netaddr.__version__},
               'cases': cases}, sys.stdout, indent=None, separators=(',', ':'))
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
