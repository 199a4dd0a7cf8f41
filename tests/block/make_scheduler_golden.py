#!/usr/bin/python3
"""Golden cases for src/block/scheduler/, produced by Cinder's own scheduler code (Zed,
python3-cinder 21.3.1, as Debian packages it).

Run with Debian's interpreter (the one that has cinder):

    /usr/bin/python3 tests/block/make_scheduler_golden.py > tests/block/scheduler_golden.json

Every expected value is what the real code returned or raised (exception class name):
- `match`: cinder/scheduler/filters/extra_specs_ops.py `match(value, req)`;
- `factors`, `round`: cinder/utils.py `calculate_capacity_factors`, Python's `round(x, 2)`;
- `schedule`: random pools (host_manager.PoolState objects with their attributes set, as
  cinder/tests/unit/scheduler/fakes.py FakeBackendState does) and requests; for each filter, each
  pool's verdict from the real filter's `backend_passes` on the whole list ('pass', 'fail' or
  'raise:<Type>'); the pipeline run by the real `BackendFilterHandler.get_filtered_objects` and
  `OrderedHostWeightHandler.get_weighed_objects` with the real filter and weigher classes (a filter
  that raises is wrapped to answer False: stacksim fails that pool where Cinder fails the whole
  request), each weigher's raw weights from its own `weigh_objects`, and the pool
  `FilterScheduler._schedule` would choose (its `resource_backend` loop is reproduced VERBATIM).
"""
import json
import math
import random
import sys

from cinder import objects

objects.register_all()

from oslo_config import cfg  # noqa: E402

from cinder import utils  # noqa: E402
from cinder.scheduler import host_manager  # noqa: E402
from cinder.scheduler.filters import BackendFilterHandler  # noqa: E402
from cinder.scheduler.filters import extra_specs_ops  # noqa: E402
from cinder.scheduler.filters.availability_zone_filter import AvailabilityZoneFilter  # noqa: E402
from cinder.scheduler.filters.capabilities_filter import CapabilitiesFilter  # noqa: E402
from cinder.scheduler.filters.capacity_filter import CapacityFilter  # noqa: E402
from cinder.scheduler.weights import OrderedHostWeightHandler  # noqa: E402
from cinder.scheduler.weights.capacity import AllocatedCapacityWeigher, CapacityWeigher  # noqa: E402
from cinder.volume import volume_utils  # noqa: E402

SEED = 20240913
rnd = random.Random(SEED)
CONF = cfg.CONF

FILTERS = {c.__name__: c for c in (AvailabilityZoneFilter, CapacityFilter, CapabilitiesFilter)}
WEIGHERS = {c.__name__: c for c in (CapacityWeigher, AllocatedCapacityWeigher)}


def num(x):
    """A float that is a whole number as an int: JSON cannot tell them apart, so neither can stacksim."""
    if isinstance(x, float) and math.isfinite(x) and x.is_integer():
        return int(x)
    return x


def outcome(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - recording what Cinder raised is the point
        return 'raise:' + type(e).__name__


# ------------------------------------------------------------------------------ extra_specs_ops

VALUES = ['1', '', '3', '222', '123', '124', '12311321', '12', 'abc', 'gold', 'Open Source', 'iSCSI', 'True', 'true',
          'false', 'yes', ' 1 ', '1_000', 'inf', '-nan', '2.5', '3.0.0', 'nfs', 'ceph', 'ábc', '\U0001f600',
          True, False, 0, 1, 2, 24, 250, 1000, 2.5, 0.5, -3, None, ['a', 'b'], ['iSCSI', 'iscsi'], {'tier': 'gold'}, []]
REQS = ['1', '= 123', '= 1', '== 2', '== 2.5', '!= 3', '>= 1', '>= 2', '<= 2', '<= 24', '>= abc', '= ', '=', '',
        's== 123', 's== gold', 's!= gold', 's< P', 's<= abc', 's> 2', 's>= O', 's== True',
        '<in> 1', '<in> ol', '<in> a', '<in> tier', '<in> iscsi', '<is> True', '<is> true', '<is> False', '<is> 1',
        '<is> yes', '<is> 0', '<is> bogus', '<or> 1 <or> 12', '<or> gold <or> silver', '<or> a <or>', '<or>',
        '<or> True', 'True', 'gold', '  gold  ', '> 2', '<all-in> a', '<in>', '>= inf', '== nan', '!= nan',
        '>= 1_000', 's< \U0001f600', 's> \uffff']


def match_cases():
    out = []
    for v in VALUES:
        for r in REQS:
            if rnd.random() < 0.45:
                out.append({'v': v, 'req': r, 'r': outcome(lambda: extra_specs_ops.match(v, r))})
    return out


# ------------------------------------------------------------------------------ capacity factors

def rand_total():
    return num(rnd.choice([0, 1, 10, 22.8, 24, 100, 512.5, 1000, 2048, rnd.randint(1, 5000),
                           round(rnd.uniform(0.5, 3000), 2), round(rnd.uniform(0, 50), 3)]))


def factor_cases(n):
    out = []
    for _ in range(n):
        total = rand_total()
        args = [total, num(round(rnd.uniform(-5, total + 5), rnd.choice([0, 2, 3]))), rnd.randint(0, int(total * 3) + 2),
                rnd.random() < 0.6, num(rnd.choice([1.0, 1.5, 2, 20.0, 0.5, 0.99, 3.3, 10])),
                rnd.choice([0, 1, 5, 10, 25, 33, 50, 99, 100]), rnd.random() < 0.7]
        f = utils.calculate_capacity_factors(*args)
        out.append({'args': args, 'r': {k: num(v) if isinstance(v, float) else v for k, v in f.items()}})
    return out


def round_cases(n):
    out = []
    for _ in range(n):
        k = rnd.choice([0, 1, 2, 3])
        if k == 0:
            x = rnd.randint(-100000, 100000) / 8  # ties at two digits
        elif k == 1:
            x = rnd.uniform(-1e4, 1e4)
        elif k == 2:
            x = rnd.randint(-10 ** 6, 10 ** 6) / 1000
        else:
            x = rnd.uniform(-1, 1) * 10 ** rnd.randint(-6, 12)
        out.append({'x': x, 'r': round(x, 2)})
    return out


# ------------------------------------------------------------------------------ whole decisions

BACKENDS = [('lvmdriver-1', 'lvmdriver-1', 'iSCSI', '3.0.0'), ('ceph', 'volumes', 'ceph', '1.2.0'),
            ('nfs-1', 'nfs-1', 'nfs', '1.4.0')]
ZONES = ['nova', 'nova', 'nova', 'nova', 'nova', 'nova', 'nova', 'az1', 'az2']
BASE_KEYS = sorted(['pool_name', 'total_capacity_gb', 'free_capacity_gb', 'reserved_percentage', 'QoS_support',
                    'provisioned_capacity_gb', 'max_over_subscription_ratio', 'thin_provisioning_support',
                    'thick_provisioning_support', 'multiattach', 'backend_state', 'filter_function', 'goodness_function',
                    'allocated_capacity_gb', 'volume_backend_name', 'vendor_name', 'driver_version', 'storage_protocol'])


def make_pool(i):
    backend, pool_name, protocol, version = rnd.choice(BACKENDS)
    host = 'node%d@%s' % (i, backend)
    total = rand_total()
    thin = rnd.random() < 0.6
    thick = (not thin) or rnd.random() < 0.3
    provisioned = rnd.choice([0, 0, rnd.randint(0, int(total * 0.8) + 1), rnd.randint(0, int(total * 2) + 1),
                              num(round(rnd.uniform(0, total * 1.5 + 1), 2))])
    allocated = rnd.choice([provisioned, rnd.randint(0, int(total) + 1)])
    free = num(rnd.choice([round(total - rnd.uniform(0, total), 2), round(total - allocated, 2), round(rnd.uniform(-10, total), 1)]))
    attrs = {
        'total_capacity_gb': total,
        'free_capacity_gb': free,
        'allocated_capacity_gb': allocated,
        'provisioned_capacity_gb': provisioned,
        'reserved_percentage': rnd.choice([0, 0, 0, 1, 5, 10, 25, 33, 50, 99, 100]),
        'max_over_subscription_ratio': num(rnd.choice([1.0, 1.0, 1.5, 2, 20.0, 20.0, 0.5, 0.99, 3.3, 10])),
        'thin_provisioning_support': thin,
        'thick_provisioning_support': thick,
        'multiattach': rnd.random() < 0.8,
    }
    # what the LVM driver's _update_volume_stats, the volume manager's _append_volume_stats and
    # host_manager's _append_backend_info put in a pool's capabilities (stacksim's poolCapabilities)
    caps = {'pool_name': pool_name, 'QoS_support': False, 'backend_state': 'up', 'filter_function': None,
            'goodness_function': None, 'volume_backend_name': backend, 'vendor_name': 'Open Source',
            'driver_version': version, 'storage_protocol': host_manager.BackendState.get_storage_protocol_variants(protocol)}
    caps.update(attrs)
    assert sorted(caps) == BASE_KEYS, sorted(caps)
    extras = {
        'tier': lambda: rnd.choice(['gold', 'silver', 'bronze']),
        'iops': lambda: rnd.choice([250, 500, 1000, 2.5]),
        'compression': lambda: rnd.choice([True, False, 'True', 'false', 1, 0]),
        'nested': lambda: rnd.choice([{'level': 'gold'}, {'level': 'platinum'}, 'flat']),
        'dedup': lambda: rnd.choice([['a', 'b'], ['c'], [], 'a']),
        'online_extend_support': lambda: rnd.choice([False, True, 'False']),
    }
    extra = {}
    for key, make in extras.items():
        if rnd.random() < 0.5:
            extra[key] = make()
    caps.update(extra)
    zone = rnd.choice(ZONES)
    name = volume_utils.append_host(host, pool_name)
    return {'name': name, 'host': host, 'pool_name': pool_name, 'availability_zone': zone, 'attrs': attrs,
            'backend': backend, 'protocol': protocol, 'version': version,
            'capabilities': {k: num(v) for k, v in caps.items()}, 'extra': {k: num(v) for k, v in extra.items()}}


# a pool in the JSON file: one array, these fields in this order (the file stays small)
POOL_FIELDS = ['name', 'pool_name', 'availability_zone', 'backend', 'protocol', 'version', 'total_capacity_gb',
               'free_capacity_gb', 'allocated_capacity_gb', 'provisioned_capacity_gb', 'reserved_percentage',
               'max_over_subscription_ratio', 'thin_provisioning_support', 'thick_provisioning_support', 'multiattach',
               'extra']


def pool_row(p):
    flat = dict(p, **p['attrs'])
    return [flat[k] for k in POOL_FIELDS]


def state_of(p):
    """The pool as Cinder's scheduler holds it: a PoolState whose attributes are set (fakes.py's way)."""
    state = host_manager.PoolState(p['host'], None, dict(p['capabilities']), p['pool_name'])
    state.update_capabilities(dict(p['capabilities']), {'availability_zone': p['availability_zone']})
    for k, v in p['attrs'].items():
        setattr(state, k, v)
    assert state.backend_id == p['name']
    return state


SPEC_CHOICES = [
    ('volume_backend_name', ['lvmdriver-1', 'ceph', 'nfs-1', 'other', '<or> lvmdriver-1 <or> ceph', 's!= ceph']),
    ('capabilities:volume_backend_name', ['s== nfs-1', 'lvmdriver-1']),
    ('storage_protocol', ['iSCSI', 'iscsi', '<in> iSCSI', 's== ceph', '<or> NFS <or> ceph', 'ceph', 'nfs', '<in> fc']),
    ('multiattach', ['<is> True', '<is> False', 'True', '<is> true', '<is> 1', '<is> yes', '<is> bogus']),
    ('thin_provisioning_support', ['<is> True', '<is> False', 'True']),
    ('capabilities:thick_provisioning_support', ['<is> True', '<is> False']),
    ('capabilities:total_capacity_gb', ['>= 100', '<= 50', '== 24', '= 10', '!= 24', '>= abc', '<in> 2', 's< 5']),
    ('free_capacity_gb', ['>= 5', '<= 1000']),
    ('reserved_percentage', ['== 0', '<= 10']),
    ('max_over_subscription_ratio', ['>= 1.5', '== 20']),
    ('vendor_name', ['Open Source', 's!= Open Source', 's< P', 's>= O', '<in> Open', 's== Open']),
    ('driver_version', ['>= 2.0', '== 3.0.0', 's>= 1.4.0', '3.0.0', '<in> 1.']),
    ('tier', ['gold', '<or> gold <or> silver', 's> bronze', '<in> ol', '<or>', '<or> gold <or>']),
    ('capabilities:nested:level', ['s== gold', '<in> pla', 'platinum']),
    ('capabilities:nested:missing', ['x']),
    ('capabilities:tier:sub', ['x']),
    ('compression', ['<is> True', '<is> False', 'True', 's== True', '<in> ru', '== 1']),
    ('dedup', ['<in> a', 'a', '<or> b <or> c', 's== c']),
    ('iops', ['>= 1000', '<= 500', '= 250', '<is> 1', 's== 500']),
    ('provisioning:type', ['thin', 'thick', 'thick', 'thick']),
    ('RESKEY:availability_zones', ['az1,az2']),
    ('missing_cap', ['<is> False']),
    ('QoS_support', ['False', '<is> False', '<is> True']),
    ('capabilities', ['<in> tier']),
    ('pool_name', ['volumes', '<in> driver']),
    ('online_extend_support', ['<is> True']),
    ('capabilities:', ['x']),
]


def make_spec(pools):
    size = rnd.choice([0, 1, 1, 1, 2, 5, 10, 10, 20, 50, 100, 500, rnd.randint(1, 3000)])
    spec = {'volume_id': 'vol-%d' % rnd.randint(0, 10 ** 6), 'size': size, 'volume_type': None,
            'availability_zone': rnd.choice([None, None, None, None, 'nova', 'nova', 'nova', 'nova', 'az1', 'az2', 'az3'])}
    if rnd.random() < 0.2:
        spec['new_size'] = size + rnd.choice([0, 1, 5, 50, 500])
        spec['attach_status'] = rnd.choice(['attached', 'detached'])
    if rnd.random() < 0.85:
        specs = {}
        for key, reqs in rnd.sample(SPEC_CHOICES, rnd.choice([0, 0, 0, 1, 1, 1, 2, 2, 3, 4])):
            specs[key] = rnd.choice(reqs)
        if rnd.random() < 0.2:
            specs['provisioning:type'] = 'thick'  # CapacityFilter's and CapacityWeigher's thick arithmetic
        spec['volume_type'] = {'id': 'type-%d' % rnd.randint(0, 99), 'name': rnd.choice(['lvmdriver-1', 'thin', 'gold']),
                               'extra_specs': specs}
    if rnd.random() < 0.1:
        spec['availability_zones'] = rnd.sample(['nova', 'az1', 'az2', 'az3'], rnd.randint(1, 2))
    if rnd.random() < 0.1:
        spec['vol_exists_on'] = rnd.choice(pools)['name']
    if rnd.random() < 0.12:
        p = rnd.choice(pools)['name']
        spec['resource_backend'] = rnd.choice([p, volume_utils.extract_host(p), 'nowhere@x'])
    return spec


def filter_properties(spec):
    """What `_get_weighted_candidates` and `populate_filter_properties` give the filters and weighers."""
    volume_type = spec['volume_type'] or {}
    vol = {'size': spec['size'], 'availability_zone': spec['availability_zone'],
           'attach_status': spec.get('attach_status', 'detached')}
    request_spec = {'volume_id': spec['volume_id'], 'volume_properties': vol, 'resource_properties': vol,
                    'volume_type': volume_type, 'operation': 'extend_volume' if 'new_size' in spec else 'create_volume'}
    if 'availability_zones' in spec:
        request_spec['availability_zones'] = spec['availability_zones']
    fp = {'context': None, 'request_spec': request_spec, 'config_options': {}, 'volume_type': volume_type,
          'resource_type': volume_type, 'size': spec['size'], 'availability_zone': spec['availability_zone'],
          'user_id': None, 'metadata': {}, 'qos_specs': None}
    if 'new_size' in spec:
        fp['new_size'] = spec['new_size']  # scheduler/manager.py extend_volume
    if 'vol_exists_on' in spec:
        fp['vol_exists_on'] = spec['vol_exists_on']  # find_retype_backend
    return fp


def failing_safe(cls):
    """The filter, answering False where Cinder's raises (stacksim fails the pool, not the request)."""
    class Safe(cls):
        def backend_passes(self, backend_state, filter_properties):
            try:
                return super().backend_passes(backend_state, filter_properties)
            except Exception:  # noqa: BLE001
                return False
    Safe.__name__ = cls.__name__
    return Safe


def verdict(cls, state, fp):
    r = outcome(lambda: cls().backend_passes(state, fp))
    return r if isinstance(r, str) else ('pass' if r else 'fail')


def schedule_case():
    pools = [make_pool(i) for i in range(rnd.randint(1, 8))]
    spec = make_spec(pools)
    r = rnd.random()
    filters = list(FILTERS) if r < 0.6 else [] if r < 0.75 else rnd.sample(list(FILTERS), rnd.randint(0, 3))
    weighers = rnd.choice([['CapacityWeigher'], ['CapacityWeigher'], ['AllocatedCapacityWeigher'],
                           ['CapacityWeigher', 'AllocatedCapacityWeigher'], ['AllocatedCapacityWeigher', 'CapacityWeigher'], []])
    config = {'scheduler_default_filters': filters, 'scheduler_default_weighers': weighers,
              'capacity_weight_multiplier': rnd.choice([1.0, 1.0, -1.0, 0.0, 2.5, -0.5, 1000.0]),
              'allocated_capacity_weight_multiplier': rnd.choice([-1.0, -1.0, 1.0, 0.0, 0.25])}
    CONF.set_override('capacity_weight_multiplier', config['capacity_weight_multiplier'])
    CONF.set_override('allocated_capacity_weight_multiplier', config['allocated_capacity_weight_multiplier'])
    fp = filter_properties(spec)
    states = [state_of(p) for p in pools]

    per_filter = {name: [verdict(cls, s, fp) for s in states] for name, cls in FILTERS.items()}

    handler = BackendFilterHandler.__new__(BackendFilterHandler)
    passing = handler.get_filtered_objects([failing_safe(FILTERS[n]) for n in filters], states, fp)
    weights = {}
    weighed = []
    if passing:
        for name in weighers:
            w = WEIGHERS[name]()
            raw = w.weigh_objects([OrderedHostWeightHandler.object_class(s, 0.0) for s in passing], fp)
            weights[name] = {'raw': raw, 'minval': w.minval, 'maxval': w.maxval}
        wh = OrderedHostWeightHandler.__new__(OrderedHostWeightHandler)
        weighed = wh.get_weighed_objects([WEIGHERS[n] for n in weighers], passing, fp)
    ranked = [[w.obj.backend_id, w.weight] for w in weighed]

    # VERBATIM cinder/scheduler/filter_scheduler.py FilterScheduler._schedule
    weighed_backends = list(weighed)
    resource_backend = spec.get('resource_backend')
    if weighed_backends and resource_backend:
        resource_backend_has_pool = bool(volume_utils.extract_host(resource_backend, 'pool'))
        for backend in weighed_backends[::-1]:
            backend_id = (backend.obj.backend_id if resource_backend_has_pool
                          else volume_utils.extract_host(backend.obj.backend_id))
            if backend_id != resource_backend:
                weighed_backends.remove(backend)
    chosen = weighed_backends[0].obj.backend_id if weighed_backends else None

    return {'pools': [pool_row(p) for p in pools], 'spec': spec, 'config': config,
            'filters': per_filter, 'passing': [s.backend_id for s in passing], 'weights': weights,
            'ranked': ranked, 'chosen': chosen}


def main():
    golden = {
        'seed': SEED,
        'base_keys': BASE_KEYS,
        'pool_fields': POOL_FIELDS,
        'match': match_cases(),
        'factors': factor_cases(400),
        'round': round_cases(400),
        'schedule': [schedule_case() for _ in range(320)],
    }
    json.dump(golden, sys.stdout, indent=None, separators=(',', ':'), ensure_ascii=False, allow_nan=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
