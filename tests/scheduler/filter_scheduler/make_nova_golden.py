#!/usr/bin/python3
"""Regenerates nova_golden.json by running nova's own scheduler code on random inputs.

Needs nova's sources (Debian bookworm: `apt-get install python3-nova`, nova 26.x = Zed).
Run from this folder: `/usr/bin/python3 make_nova_golden.py`. Not part of `npm test`.
"""
import json
import random
from collections import Counter
from unittest import mock

from nova import conf, context, objects
from nova.scheduler import filters, host_manager, manager, weights
from nova.scheduler.filters import extra_specs_ops, image_props_filter, json_filter
from nova.scheduler.weights import affinity, compute, cpu, disk, io_ops, ram
from nova.tests.unit.scheduler import fakes

objects.register_all()
CONF = conf.CONF
CONF([], project='nova')
WEIGHERS = [ram.RAMWeigher(), cpu.CPUWeigher(), disk.DiskWeigher(), io_ops.IoOpsWeigher(),
            affinity.ServerGroupSoftAffinityWeigher(), affinity.ServerGroupSoftAntiAffinityWeigher(),
            compute.BuildFailureWeigher()]
WEIGHER_NAMES = [type(w).__name__ for w in WEIGHERS]


def schedule_cases(rng, count):
    hm = host_manager.HostManager.__new__(host_manager.HostManager)
    hm.filter_handler = filters.HostFilterHandler()
    classes = hm.filter_handler.get_matching_classes(['nova.scheduler.filters.all_filters'])
    hm.filter_cls_map = {c.__name__: c for c in classes}
    hm.filter_obj_map = {}
    hm.weight_handler = weights.HostWeightHandler()
    hm.weighers = WEIGHERS
    sm = manager.SchedulerManager.__new__(manager.SchedulerManager)
    sm.host_manager = hm
    names = ['ComputeFilter', 'NumInstancesFilter', 'IoOpsFilter', 'ServerGroupAntiAffinityFilter',
             'ServerGroupAffinityFilter', 'AggregateNumInstancesFilter', 'DifferentHostFilter',
             'SameHostFilter', 'AvailabilityZoneFilter']
    ctx = context.get_admin_context()
    out = []
    while len(out) < count:
        enabled = rng.sample(names, rng.randint(1, 5))
        fs = {'enabled_filters': enabled, 'weight_classes': WEIGHER_NAMES,
              'max_instances_per_host': rng.choice([2, 3, 50]), 'max_io_ops_per_host': rng.choice([2, 8]),
              'ram_weight_multiplier': rng.choice([1.0, -1.0])}
        for k, v in fs.items():
            if k != 'weight_classes':
                CONF.set_override(k, v, group='filter_scheduler')
        max_attempts = rng.choice([1, 2, 3, 5])
        CONF.set_override('max_attempts', max_attempts, group='scheduler')
        hm.enabled_filters = hm._choose_host_filters(enabled)
        hosts, raw = [], []
        for i in range(rng.randint(1, 6)):
            md = {}
            if rng.random() < 0.3:
                md['max_instances_per_host'] = rng.choice(['1', '2'])
            if rng.random() < 0.3:
                md['availability_zone'] = rng.choice(['az1', 'az2'])
            a = dict(free_ram_mb=rng.choice([512, 1024, 4096, 8192]), vcpus_total=8, cpu_allocation_ratio=16.0,
                     vcpus_used=rng.randint(0, 6), free_disk_mb=rng.choice([1024, 10240]),
                     num_io_ops=rng.randint(0, 3), num_instances=rng.randint(0, 2), failed_builds=0)
            inst = rng.sample(['e1', 'e2', 'e3'], rng.randint(0, 1))
            cell = rng.choice(['c1', 'c2'])
            disabled = rng.random() < 0.15
            h = fakes.FakeHostState('h%d' % i, 'n%d' % i, dict(a))
            h.uuid, h.cell_uuid, h.service = 'u%d' % i, cell, {'disabled': disabled, 'forced_down': False}
            h.instances = {u: objects.Instance(uuid=u) for u in inst}
            h.aggregates = [objects.Aggregate(id=i + 1, name='a', hosts=['h%d' % i], metadata=md)] if md else []
            hosts.append(h)
            r = dict(a, host='h%d' % i, nodename='n%d' % i, uuid='u%d' % i, cell_uuid=cell)
            if inst:
                r['instances'] = inst
            if disabled:
                r['service'] = {'disabled': True}
            if md:
                r['aggregates'] = [{'id': i + 1, 'name': 'a', 'metadata': md}]
            raw.append(r)
        policy = rng.choice(['affinity', 'anti-affinity', None])
        num = rng.randint(1, 3)
        uuids = ['new%d' % k for k in range(num)]
        group = (objects.InstanceGroup(policy=policy, policies=[policy], members=['e1'] + uuids, hosts=[], rules={})
                 if policy else None)
        hints = {}
        if rng.random() < 0.2:
            hints['different_host'] = ['e1']
        if rng.random() < 0.1:
            hints['same_host'] = ['e2']
        az = rng.choice([None, None, 'az1', 'nova'])
        spec = objects.RequestSpec(
            instance_group=group, scheduler_hints=dict(hints), availability_zone=az,
            flavor=objects.Flavor(memory_mb=512, root_gb=1, ephemeral_gb=0, vcpus=1, extra_specs={}),
            num_instances=num, ignore_hosts=[], force_hosts=[], force_nodes=[], pci_requests=None, numa_topology=None)
        with mock.patch('nova.servicegroup.API.service_is_up', return_value=True):
            try:
                sel = sm._legacy_find_hosts(ctx, num, spec, hosts, max_attempts - 1, instance_uuids=uuids)
                result = [[s.service_host for s in lst] for lst in sel]
            except Exception as e:  # NoValidHost
                result = type(e).__name__
        request = {'flavor': {'name': 'f', 'vcpus': 1, 'memory_mb': 512, 'root_gb': 1}, 'num_instances': num,
                   'instance_uuids': uuids}
        if az:
            request['availability_zone'] = az
        if hints:
            request['scheduler_hints'] = hints
        if policy:
            request['instance_group'] = {'policy': policy, 'members': ['e1'] + uuids}
        out.append({'hosts': raw, 'request': request, 'result': result,
                    'config': {'filter_scheduler': fs, 'scheduler': {'max_attempts': max_attempts}}})
    return out


def weighing_cases(rng, count):
    handler = weights.HostWeightHandler()
    out = []
    for _ in range(count):
        policy = rng.choice(['soft-affinity', 'soft-anti-affinity', None])
        members = ['m%d' % i for i in range(4)]
        hosts, raw = [], []
        for i in range(rng.randint(1, 6)):
            md = {}
            if rng.random() < 0.3:
                md['ram_weight_multiplier'] = rng.choice(['2', '-1.5', 'x', '0'])
            if rng.random() < 0.2:
                md['io_ops_weight_multiplier'] = rng.choice(['3', '-0.5'])
            a = dict(free_ram_mb=rng.choice([-512, 0, 512, 1024, 4096, 8192]), vcpus_total=rng.choice([0, 4, 8]),
                     cpu_allocation_ratio=rng.choice([1.0, 16.0]), vcpus_used=rng.randint(0, 20),
                     free_disk_mb=rng.choice([0, 1024, 10240, -10]), num_io_ops=rng.randint(0, 5),
                     failed_builds=rng.choice([0, 0, 1, 3]))
            inst = rng.sample(members + ['x1', 'x2'], rng.randint(0, 3))
            h = fakes.FakeHostState('h%d' % i, 'n%d' % i, dict(a))
            h.instances = {u: objects.Instance(uuid=u) for u in inst}
            h.aggregates = [objects.Aggregate(id=1, name='a', hosts=['h%d' % i], metadata=md)] if md else []
            hosts.append(h)
            r = dict(a, host='h%d' % i, instances=inst)
            if md:
                r['aggregates'] = [{'id': 1, 'name': 'a', 'metadata': md}]
            raw.append(r)
        cfg = {'ram_weight_multiplier': rng.choice([1.0, -1.0, 2.0]), 'io_ops_weight_multiplier': rng.choice([-1.0, 1.0]),
               'build_failure_weight_multiplier': rng.choice([1000000.0, 0.0])}
        for k, v in cfg.items():
            CONF.set_override(k, v, group='filter_scheduler')
        group = objects.InstanceGroup(policy=policy, members=members, hosts=[]) if policy else None
        res = handler.get_weighed_objects(WEIGHERS, hosts, objects.RequestSpec(instance_group=group))
        out.append({'hosts': raw, 'config': cfg, 'policy': policy, 'members': members,
                    'result': [[w.obj.host, w.weight] for w in res]})
    return out


def json_cases(rng, count):
    f = json_filter.JsonFilter()
    attrs = {'free_ram_mb': 1024, 'free_disk_mb': 300, 'num_instances': 3, 'host': 'h1',
             'service': {'disabled': False, 'up': True}, 'stats': {'a': 'x', 'n': 5}}
    leaves = [1, 2, 3, 0, True, False, None, 'x', '', 'h1', '$free_ram_mb', '$free_disk_mb', '$num_instances',
              '$host', '$service.disabled', '$stats.a', '$stats.n', '$nope', '$service.nope', 1.5, -1]
    ops = ['=', '<', '>', 'in', '<=', '>=', 'not', 'or', 'and']

    def gen(depth):
        args = []
        for _ in range(rng.randint(0, 4)):
            if depth < 3 and rng.random() < 0.35:
                args.append(gen(depth + 1))
            elif depth < 3 and rng.random() < 0.05:
                args.append([])
            else:
                args.append(rng.choice(leaves))
        return [rng.choice(ops)] + args
    out = []
    for _ in range(count):
        q = gen(0)
        spec = objects.RequestSpec(scheduler_hints=dict(query=[json.dumps(q)]))
        try:
            r = bool(f.host_passes(fakes.FakeHostState('h1', 'n1', dict(attrs)), spec))
        except (TypeError, KeyError, AttributeError):
            r = 'error'
        out.append({'q': q, 'r': r})
    return out


def extra_specs_cases(rng, count):
    vals = ['1', '2', '12', '123', '1.5', 'abc', '', 'aes', "['aes', 'mmx']", '10', '-3']
    ops = ['=', '==', '!=', '>=', '<=', 's==', 's!=', 's<', 's<=', 's>', 's>=', '<in>', '<all-in>', '<or>', '>', 'x']
    out = []
    for _ in range(count):
        words = [w for w in (rng.choice(vals + ['<or>']) for _ in range(rng.randint(0, 4))) if w]
        req = ' '.join([rng.choice(ops)] + words)
        v = rng.choice(vals)
        try:
            r = bool(extra_specs_ops.match(v, req))
        except (ValueError, IndexError):
            r = 'error'
        out.append({'v': v, 'req': req, 'r': r})
    return out


def image_cases(rng, count):
    f = image_props_filter.ImagePropertiesFilter()
    pools = [('hw_architecture', ['x86_64', 'i686', 'aarch64', 'x86_32', 'AMD64', 'i386', 'x86']),
             ('img_hv_type', ['kvm', 'qemu', 'xen', 'xapi', 'KVM', 'docker-ish']),
             ('hw_vm_mode', ['hvm', 'xen', 'pv', 'hv', 'baremetal', 'exe', 'para']),
             ('img_hv_requested_version', ['>=6.0', '>=6.0,<6.2', '<7', '==6.0.0', '!=6.0', '>7.2.0', '>=7.2a1', '<7.0', ''])]
    legacy = {'hw_architecture': 'architecture', 'img_hv_type': 'hypervisor_type', 'hw_vm_mode': 'vm_mode',
              'img_hv_requested_version': 'hypervisor_version_requires'}
    out = []
    for _ in range(count):
        props = {}
        for key, pool in pools:
            for name in (key, legacy[key]):
                if rng.random() < 0.25:
                    props[name] = rng.choice(pool)
        supp = [[rng.choice(['x86_64', 'i686', 'aarch64']), rng.choice(['kvm', 'qemu', 'xen']),
                 rng.choice(['hvm', 'xen', 'exe'])] for _ in range(rng.randint(0, 3))]
        hv = rng.choice([None, 0, 6000000, 6002000, 7002000, 5000])
        default = rng.choice([None, None, 'x86_64', 'aarch64'])
        CONF.set_override('image_properties_default_architecture', default, group='filter_scheduler')
        try:
            spec = objects.RequestSpec(image=objects.ImageMeta.from_dict({'properties': props}))
        except ValueError:
            out.append({'props': props, 'supp': supp, 'hv': hv, 'default': default, 'r': 'invalid'})
            continue
        h = fakes.FakeHostState('h', 'n', {'supported_instances': supp, 'hypervisor_version': hv})
        out.append({'props': props, 'supp': supp, 'hv': hv, 'default': default, 'r': bool(f.host_passes(h, spec))})
    return out


if __name__ == '__main__':
    rng = random.Random(2024)
    golden = {
        'source': 'generated by make_nova_golden.py running nova 26.x (Zed, Debian bookworm python3-nova) '
                  'scheduler code on random inputs',
        'schedule': schedule_cases(rng, 24),
        'json_filter': json_cases(rng, 120),
        'extra_specs_ops': extra_specs_cases(rng, 160),
        'weighing': weighing_cases(rng, 15),
        'image_properties': image_cases(rng, 100),
    }
    with open('nova_golden.json', 'w') as f:
        json.dump(golden, f, separators=(',', ':'))
    print({k: len(v) for k, v in golden.items() if k != 'source'},
          Counter(str(c['result']) == 'NoValidHost' for c in golden['schedule']))
