#!/usr/bin/python3
"""Golden cases for src/network/ml2/segments.ts, produced by Neutron's own code (Zed, python3-neutron
21.0.0, neutron-lib 3.1.0): ML2's type drivers (flat, vlan, vxlan, geneve, gre, local).

    /usr/bin/python3 tests/network/make_segments_golden.py > tests/network/segments_golden.json

Every expected value is what the real function returned or raised (exception class name and
str()). Drivers are created without __init__'s database work: the driver's own parsing methods are
called under oslo.config overrides (no DB is touched on these paths). The one piece that lives in
SQL (which ids are free) is reproduced VERBATIM from its source and marked so.
"""
import json
import random
import sys
import types

from neutron_lib import constants
from neutron_lib.api import attributes
from neutron_lib.api.definitions import provider_net
from neutron_lib.plugins import utils as plugin_utils
from oslo_config import cfg

from neutron.conf import common as common_conf
from neutron.conf.plugins.ml2 import config as ml2_config
from neutron.plugins.ml2 import managers
from neutron.plugins.ml2 import plugin as ml2_plugin
from neutron.plugins.ml2.drivers import helpers
from neutron.plugins.ml2.drivers import type_flat
from neutron.plugins.ml2.drivers import type_geneve
from neutron.plugins.ml2.drivers import type_gre
from neutron.plugins.ml2.drivers import type_local
from neutron.plugins.ml2.drivers import type_vlan
from neutron.plugins.ml2.drivers import type_vxlan

SEED = 20240613
rnd = random.Random(SEED)

try:
    cfg.CONF.register_opts(common_conf.core_opts)
except cfg.DuplicateOptError:
    pass
ml2_config.register_ml2_plugin_opts()
cfg.CONF([], project='neutron')

PROVIDER_ATTRS = attributes.AttributeInfo(provider_net.RESOURCE_ATTRIBUTE_MAP['networks'])

SECTIONS = {
    'ml2': ['type_drivers', 'tenant_network_types', 'path_mtu', 'physical_network_mtus', 'overlay_ip_version'],
    'ml2_type_flat': ['flat_networks'],
    'ml2_type_vlan': ['network_vlan_ranges'],
    'ml2_type_vxlan': ['vni_ranges'],
    'ml2_type_geneve': ['vni_ranges', 'max_header_size'],
    'ml2_type_gre': ['tunnel_id_ranges'],
}


class HTTPBadRequest(Exception):
    """What neutron/api/v2/base.py passes as exc_cls to convert_values (webob.exc.HTTPBadRequest)."""


def err(e):
    return {'type': type(e).__name__, 'message': str(e)}


def call(fn, *args):
    try:
        return {'ok': fn(*args)}
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 - the golden records whatever Neutron raises
        return {'error': err(e)}


def configure(config):
    """Apply a stacksim config (ml2_conf.ini sections) to cfg.CONF, defaults elsewhere."""
    cfg.CONF.clear_override('global_physnet_mtu')
    if 'global_physnet_mtu' in config:
        cfg.CONF.set_override('global_physnet_mtu', config['global_physnet_mtu'])
    for section, names in SECTIONS.items():
        for name in names:
            cfg.CONF.clear_override(name, group=section)
            if name in config.get(section, {}):
                cfg.CONF.set_override(name, config[section][name], group=section)


def drivers(all_types=False):
    """The type drivers as TypeManager holds them, built without their database initialisation."""
    out = {}

    def make(cls):
        return cls.__new__(cls)

    flat = make(type_flat.FlatTypeDriver)
    helpers.BaseTypeDriver.__init__(flat)
    flat._parse_networks(cfg.CONF.ml2_type_flat.flat_networks)
    vlan = make(type_vlan.VlanTypeDriver)
    helpers.BaseTypeDriver.__init__(vlan)
    vlan.network_vlan_ranges = plugin_utils.parse_network_vlan_ranges(cfg.CONF.ml2_type_vlan.network_vlan_ranges)
    vxlan = make(type_vxlan.VxlanTypeDriver)
    helpers.BaseTypeDriver.__init__(vxlan)
    geneve = make(type_geneve.GeneveTypeDriver)
    helpers.BaseTypeDriver.__init__(geneve)
    geneve.max_encap_size = cfg.CONF.ml2_type_geneve.max_header_size
    gre = make(type_gre.GreTypeDriver)
    helpers.BaseTypeDriver.__init__(gre)
    local = type_local.LocalTypeDriver()
    for d in (flat, vlan, vxlan, geneve, gre, local):
        if all_types or d.get_type() in cfg.CONF.ml2.type_drivers:
            out[d.get_type()] = types.SimpleNamespace(obj=d, name=d.get_type())
    return out


def type_manager():
    tm = managers.TypeManager.__new__(managers.TypeManager)
    tm.drivers = drivers()
    return tm


# ---------------------------------------------------------------- the functions under test

def g_parse_vlan(entries):
    return [[net, [list(r) for r in rs]] for net, rs in plugin_utils.parse_network_vlan_ranges(entries).items()]


TUNNEL_DRIVERS = {'vxlan': type_vxlan.VxlanTypeDriver, 'geneve': type_geneve.GeneveTypeDriver, 'gre': type_gre.GreTypeDriver}


def g_parse_tunnel(network_type, entries):
    cls = TUNNEL_DRIVERS[network_type]
    drv = cls.__new__(cls)
    out = []
    drv._parse_tunnel_ranges(entries, out)
    return [list(r) for r in out]


def g_segment_mtu(network_type, config, physnet):
    configure(config)
    # the driver itself (loaded or not: TypeManager only decides which drivers exist)
    return drivers(all_types=True)[network_type].obj.get_mtu(physnet)


def g_network_mtu(network_type, config, physnet):
    configure(config)
    plugin = ml2_plugin.Ml2Plugin.__new__(ml2_plugin.Ml2Plugin)
    plugin.type_manager = type_manager()
    return plugin._get_network_mtu({'id': 'net-1', 'network_type': network_type, 'physical_network': physnet,
                                    'segmentation_id': None}, validate=False)


def g_validate(body, config):
    configure(config)
    res = dict(body)
    # neutron/api/v2/base.py: attr_ops.convert_values(res_dict, exc_cls=webob.exc.HTTPBadRequest)
    PROVIDER_ATTRS.convert_values(res, exc_cls=HTTPBadRequest)
    tm = type_manager()
    # neutron/plugins/ml2/managers.py TypeManager._process_provider_create (single provider segment)
    if not any(res.get(a, constants.ATTR_NOT_SPECIFIED) is not constants.ATTR_NOT_SPECIFIED for a in provider_net.ATTRIBUTES):
        return None
    return tm._process_provider_segment(res)


def g_free(ranges, allocated):
    # VERBATIM neutron/plugins/ml2/drivers/type_tunnel.py sync_allocations (and type_vlan's
    # _sync_vlan_allocations): the allocatable ids are the union of the ranges; a free row is an
    # allocatable id whose row is not allocated.
    ids = set()
    for lo, hi in ranges:
        ids |= set(range(lo, hi + 1))
    free = sorted(ids - set(allocated))
    # as ranges, so the file stays small
    out = []
    for i in free:
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


# ----------------------------------------------------------------------------- generators

def rand_tag(bad=0.15):
    r = rnd.random()
    if r < bad / 3:
        return rnd.choice(['abc', '', ' ', '1.5', '0x10', '-1', '+7', ' 12 ', '1_0', '٣', '4095', '0', '99999999999'])
    if r < bad:
        return str(rnd.choice([0, -5, 4095, 5000, 2 ** 24, 2 ** 32]))
    return str(rnd.randint(1, 4094))


PHYSNETS = ['public', 'physnet1', 'physnet2', 'provider', 'datacentre']


def rand_vlan_entry():
    r = rnd.random()
    net = rnd.choice(PHYSNETS)
    if r < 0.25:
        return net
    if r < 0.3:
        return rnd.choice(['', ':1:2', 'a:1', 'a:1:2:3', ' public ', 'public:', 'a::', 'p:%s:%s' % (rand_tag(), rand_tag())])
    lo, hi = rand_tag(), rand_tag()
    if rnd.random() < 0.6 and lo.isdigit() and hi.isdigit() and int(lo) > int(hi):
        lo, hi = hi, lo
    sp = ' ' if rnd.random() < 0.1 else ''
    return '%s%s:%s:%s' % (sp, net, lo, hi)


TUNNEL_MAX = {'vxlan': constants.MAX_VXLAN_VNI, 'geneve': constants.MAX_GENEVE_VNI, 'gre': constants.MAX_GRE_ID}


def rand_tunnel_entry(t):
    r = rnd.random()
    if r < 0.12:
        return rnd.choice(['', '1', '1-1000', '1:2:3', 'a:b', '1:', ':5', ' 1 : 1000 ', '0:10', '5:1', '1:%d' % (TUNNEL_MAX[t] + 1),
                           '1:%d' % TUNNEL_MAX[t], '1.0:2', '-1:5', '+1:+5', '1_000:2_000', '1:99999999999999999999', "it's:1"])
    lo = rnd.randint(1, min(TUNNEL_MAX[t], 70000))
    hi = lo + rnd.randint(-3, 5000)
    return '%d:%d' % (lo, hi)


def rand_config():
    c = {}
    if rnd.random() < 0.5:
        c['global_physnet_mtu'] = rnd.choice([1500, 9000, 1450, 0, 1280, 68, 10])
    ml2 = {}
    if rnd.random() < 0.4:
        ml2['path_mtu'] = rnd.choice([0, 1400, 9000, 1500, 1300, 50])
    if rnd.random() < 0.4:
        ml2['physical_network_mtus'] = rnd.choice([['public:9000'], ['public:1400', 'physnet1:9000'], ['physnet1:1300'], ['public:0'],
                                                   ['bad'], ['public:1400', 'public:1300'], ['public:x'], [' public : 1200 ']])
    if rnd.random() < 0.3:
        ml2['overlay_ip_version'] = rnd.choice([4, 6, 6])
    if rnd.random() < 0.15:
        ml2['type_drivers'] = rnd.choice([['flat', 'vlan'], ['vxlan'], ['local', 'flat', 'vlan', 'gre', 'vxlan', 'geneve']])
    if ml2:
        c['ml2'] = ml2
    if rnd.random() < 0.3:
        c['ml2_type_flat'] = {'flat_networks': rnd.choice([['public'], [], ['*'], ['physnet1', 'public']])}
    if rnd.random() < 0.6:
        c['ml2_type_vlan'] = {'network_vlan_ranges': rnd.choice([['public'], ['physnet1:100:200'], ['physnet1:100:200', 'public:1:10'], []])}
    if rnd.random() < 0.2:
        c['ml2_type_geneve'] = {'max_header_size': rnd.choice([30, 38, 50])}
    return c


TYPES = ['flat', 'vlan', 'vxlan', 'geneve', 'gre', 'local']


def rand_body():
    body = {}
    if rnd.random() < 0.92:
        body['provider:network_type'] = rnd.choice(TYPES + ['none', 'VLAN', 'x' * 33, None, 5] if rnd.random() < 0.1 else TYPES)
    if rnd.random() < 0.55:
        body['provider:physical_network'] = rnd.choice(PHYSNETS + ['', 'unknown', None, 'p' * 65, 3])
    if rnd.random() < 0.55:
        body['provider:segmentation_id'] = rnd.choice([rnd.randint(1, 4094), rnd.randint(1, 4094), 0, -1, 4095, 2 ** 24, 2 ** 24 - 1,
                                                       2 ** 32, '100', ' 7 ', 'abc', None, 12.7, True, '1_0', [], {'a': 1}])
    return body


def main():
    cases = []

    def add(fn, args, outcome):
        cases.append(dict(fn=fn, args=args, **outcome))

    # parseNetworkVlanRanges
    fixed = [['public'], ['public:1:4094'], ['public:1:4095'], ['public:0:10'], ['public:10:1'], [':1:2'], ['public:1'],
             ['public:a:2'], ['public:1:b'], ['public', 'public:1:10'], ['public:1:10', 'public'], ['public:1:10', 'public:20:30'],
             ['physnet1:100:200', 'public', 'physnet1:300:400'], [''], ['  '], [' public:1:2 '], ['public: 1 : 2 '],
             ['public:1_0:2_0'], ['public:+1:-2'], ['public:٣:5'], ['a:b:c:d'], ['public::'], [], ['p:1:1']]
    for e in fixed:
        add('parseNetworkVlanRanges', [e], call(g_parse_vlan, e))
    for _ in range(70):
        e = [rand_vlan_entry() for _ in range(rnd.randint(1, 4))]
        add('parseNetworkVlanRanges', [e], call(g_parse_vlan, e))

    # parseTunnelRanges
    for t in ('vxlan', 'geneve', 'gre'):
        for e in [['1:1000'], ['1:%d' % TUNNEL_MAX[t]], ['0:1'], ['1:%d' % (TUNNEL_MAX[t] + 1)], ['10:1'], ['1'], ['1:2:3'], ['a:1'],
                  ['1:a'], [' 1 : 5 '], [''], ['1-100'], ['+3:+4'], ['1_0:2_0'], ['٣:٥'], ['1.5:3'], ["it's:1"], ['x' * 300 + ':1'], []]:
            add('parseTunnelRanges', [t, e], call(g_parse_tunnel, t, e))
        for _ in range(20):
            e = [rand_tunnel_entry(t) for _ in range(rnd.randint(1, 3))]
            add('parseTunnelRanges', [t, e], call(g_parse_tunnel, t, e))

    # segmentMtu / networkMtu
    fixed_configs = [{}, {'global_physnet_mtu': 9000}, {'ml2': {'path_mtu': 1400}}, {'ml2': {'overlay_ip_version': 6}},
                     {'ml2': {'physical_network_mtus': ['public:1400']}}, {'global_physnet_mtu': 0},
                     {'global_physnet_mtu': 0, 'ml2': {'path_mtu': 1400}}, {'ml2': {'overlay_ip_version': 5}},
                     {'ml2_type_geneve': {'max_header_size': 38}}, {'ml2': {'physical_network_mtus': ['public:x']}},
                     {'global_physnet_mtu': 0, 'ml2': {'physical_network_mtus': ['public:1400']}}]
    for c in fixed_configs:
        for t in TYPES:
            for p in (['public', None] if t in ('flat', 'vlan') else [None]):
                add('segmentMtu', [t, c, p], call(g_segment_mtu, t, c, p))
                add('networkMtu', [t, c, p], call(g_network_mtu, t, c, p))
    for _ in range(50):
        c = rand_config()
        t = rnd.choice(TYPES)
        p = rnd.choice(PHYSNETS + [None]) if t in ('flat', 'vlan') else None
        if rnd.random() < 0.4:
            add('segmentMtu', [t, c, p], call(g_segment_mtu, t, c, p))
        else:
            add('networkMtu', [t, c, p], call(g_network_mtu, t, c, p))

    # validateProviderSegment
    vlan_cfg = {'ml2_type_vlan': {'network_vlan_ranges': ['public:1:100', 'physnet1']}}
    fixed_bodies = [
        ({}, {}),
        ({'provider:network_type': 'vlan'}, {}),
        ({'provider:network_type': 'vlan', 'provider:physical_network': 'public'}, vlan_cfg),
        ({'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 5000}, vlan_cfg),
        ({'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 4094}, vlan_cfg),
        ({'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 0}, vlan_cfg),
        ({'provider:network_type': 'vlan', 'provider:segmentation_id': 5}, vlan_cfg),
        ({'provider:network_type': 'vlan', 'provider:physical_network': 'nowhere', 'provider:segmentation_id': 5}, vlan_cfg),
        ({'provider:physical_network': 'public'}, {}),
        ({'provider:segmentation_id': 5}, {}),
        ({'provider:network_type': 'flat'}, {}),
        ({'provider:network_type': 'flat', 'provider:physical_network': 'public'}, {}),
        ({'provider:network_type': 'flat', 'provider:physical_network': 'public', 'provider:segmentation_id': 3}, {}),
        ({'provider:network_type': 'flat', 'provider:physical_network': 'public', 'provider:segmentation_id': 0}, {}),
        ({'provider:network_type': 'flat', 'provider:physical_network': 'public'}, {'ml2_type_flat': {'flat_networks': []}}),
        ({'provider:network_type': 'flat', 'provider:physical_network': 'x'}, {'ml2_type_flat': {'flat_networks': ['public']}}),
        ({'provider:network_type': 'vxlan'}, {}),
        ({'provider:network_type': 'vxlan', 'provider:segmentation_id': 2 ** 30}, {}),
        ({'provider:network_type': 'vxlan', 'provider:physical_network': 'public'}, {}),
        ({'provider:network_type': 'geneve', 'provider:physical_network': 'public', 'provider:segmentation_id': 9}, {}),
        ({'provider:network_type': 'gre', 'provider:segmentation_id': '77'}, {}),
        ({'provider:network_type': 'local'}, {}),
        ({'provider:network_type': 'local', 'provider:physical_network': 'public'}, {}),
        ({'provider:network_type': 'local', 'provider:segmentation_id': 4}, {}),
        ({'provider:network_type': 'vxlan'}, {'ml2': {'type_drivers': ['flat', 'vlan']}}),
        ({'provider:network_type': 'bogus'}, {}),
        ({'provider:network_type': ''}, {}),
        ({'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 'abc'}, vlan_cfg),
        ({'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': None}, vlan_cfg),
        ({'provider:network_type': 'vlan', 'provider:physical_network': None}, vlan_cfg),
        ({'provider:network_type': None}, {}),
        ({'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 7.9}, vlan_cfg),
        ({'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': True}, vlan_cfg),
        ({'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': ' 12 '}, vlan_cfg),
        ({'provider:network_type': 'vlan', 'provider:physical_network': 'p' * 65}, vlan_cfg),
        ({'provider:network_type': 'v' * 33}, {}),
    ]
    for b, c in fixed_bodies:
        add('validateProviderSegment', [b, c], call(g_validate, b, c))
    for _ in range(80):
        b, c = rand_body(), rand_config()
        add('validateProviderSegment', [b, c], call(g_validate, b, c))

    # freeSegmentRanges (VERBATIM set arithmetic of sync_allocations)
    for _ in range(24):
        ranges = []
        for _ in range(rnd.randint(1, 3)):
            lo = rnd.randint(1, 300)
            ranges.append([lo, lo + rnd.randint(0, 60)])
        allocated = [rnd.randint(1, 400) for _ in range(rnd.randint(0, 50))]
        add('freeSegmentRanges', [ranges, allocated], call(g_free, ranges, allocated))

    json.dump({'generator': 'tests/network/make_segments_golden.py', 'seed': SEED,
               'versions': {'neutron': '21.0.0', 'neutron_lib': '3.1.0'},
               'cases': cases}, sys.stdout, indent=None, separators=(',', ':'))
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
