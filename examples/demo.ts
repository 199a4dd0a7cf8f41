/**
 * `npm run demo`: a small datacenter from a topology, its host inventory, what a host failure
 * looks like on the event bus, the capacity planner's answer to the lecture's question
 * "how many hosts do 200 VMs need?", Keystone (the demo user logs in and we look inside the
 * token), nova's scheduler over Placement, Swift's rings and replicas through a host failure,
 * a Glance image whose bytes live in Swift, Neutron's three questions, and Cinder: a volume from
 * cirros, a snapshot, a backup into Swift, a restore, the pools and the volume scheduler's reasoning,
 * and Nova: the demo user boots servers, one boot's trace step by step (Keystone → nova-api →
 * conductor → scheduler and Placement → nova-compute with Neutron, Glance and Cinder), the
 * hypervisor table, "can this server reach the internet, and can the internet reach it?", and a
 * compute host failing under a server: `host_status`, the hypervisor table, the admin's evacuation
 * step by step, and the host's return finishing it.
 */
import { createCloud, type Topology } from '../src/index.js';
import { formatExplanation } from '../src/scheduler/index.js';
import { formatVolumeExplanation } from '../src/block/index.js';

const topology: Topology = {
  availability_zones: [{ name: 'az1' }, { name: 'az2' }],
  racks: [
    { name: 'r1', availability_zone: 'az1' },
    { name: 'r2', availability_zone: 'az2' },
  ],
  models: {
    'compute-2s': {
      cpu: { model: 'Intel Xeon Gold 6230', sockets: 2, cores_per_socket: 20, threads_per_core: 2, mhz: 2100, flags: ['avx2', 'avx512f', 'sse4_2', 'vmx'] },
      memory_mb: 384 * 1024,
      disks: [{ name: 'nvme0n1', size_gb: 3840, type: 'nvme' }],
      nics: [
        { name: 'eno1', speed_mbps: 10_000, network: 'management' },
        { name: 'ens1f0', speed_mbps: 25_000, network: 'tenant' },
      ],
    },
    'controller-1s': {
      cpu: { model: 'Intel Xeon Silver 4214', sockets: 1, cores_per_socket: 12, threads_per_core: 2, mhz: 2200 },
      memory_mb: 128 * 1024,
      disks: [{ name: 'sda', size_gb: 960, type: 'ssd' }],
      nics: [
        { name: 'eno1', speed_mbps: 10_000, network: 'management' },
        { name: 'eno2', speed_mbps: 10_000, network: 'external' },
        { name: 'ens1f0', speed_mbps: 25_000, network: 'tenant' },
      ],
    },
  },
  hosts: [
    { name: 'ctl-{n}', count: 3, model: 'controller-1s', rack: 'r1', roles: ['controller', 'network'] },
    { name: 'cmp-a{nn}', count: 4, model: 'compute-2s', rack: 'r1' },
    { name: 'cmp-b{nn}', count: 4, model: 'compute-2s', rack: 'r2' },
    { name: 'stor-{n}', count: 3, model: 'compute-2s', rack: 'r2', roles: ['storage'], disks: [{ name: 'sdb', size_gb: 16_000, type: 'hdd' }] },
  ],
};

const cloud = createCloud({ seed: 2022, topology });

console.log('stacksim demo — a datacenter from a topology\n');
console.table(cloud.hardware.inventory());

cloud.events.on('hardware.host.failed', (n) => {
  console.log(`event ${n.event_type} at ${n.timestamp}: ${n.payload.host.name} (${n.payload.host.availability_zone}) is ${n.payload.host.state}: ${n.payload.host.state_reason}`);
});
cloud.clock.advance(3600);
cloud.hardware.failHost('cmp-b03', 'power supply failure');
const trace = cloud.trace();
console.log(`trace of ${trace?.request_id}: ${trace?.steps.map((s) => `${s.service}: ${s.action}`).join(' → ')}`);
console.log(`hosts up: ${cloud.hardware.listHosts({ state: 'up' }).length} of ${cloud.hardware.listHosts().length}\n`);

// The lecture's question: 200 VMs with a flavor mix and 20 % growth, on the compute model above.
const plan = cloud.hardware.plan({
  workload: {
    vms: 200,
    growth: 0.2,
    flavors: [
      { name: 'm1.small', vcpus: 1, ram_mb: 2048, disk_gb: 20, share: 0.5 },
      { name: 'm1.medium', vcpus: 2, ram_mb: 4096, disk_gb: 40, share: 0.3 },
      { name: 'm1.large', vcpus: 4, ram_mb: 8192, disk_gb: 80, share: 0.2 },
    ],
    bandwidth_mbps_per_vm: 100,
    floating_ip_fraction: 0.25,
    persistent_gb_per_vm: 50,
  },
  host: topology.models?.['compute-2s'] as never,
  cpu_allocation_ratio: 16,
  ram_allocation_ratio: 1.5,
  spare_hosts: 1,
});

console.log('How many compute hosts do 200 VMs need?');
for (const step of plan.steps) console.log(`  ${step}`);
console.table(plan.resources.map((r) => ({ resource: r.resource, demand: `${r.demand} ${r.unit}`, 'per host': `${r.per_host_capacity} ${r.unit}`, hosts: r.hosts })));
console.log(`→ ${plan.hosts} compute hosts (${plan.binding} binds, ${plan.vms_per_host} VMs per host), ${plan.public_ips} floating IPs, ${plan.ephemeral_gb} GB ephemeral + ${plan.persistent_gb} GB persistent storage.`);

// Keystone: DevStack's demo user logs in; what does the token hold?
console.log('\nKeystone: demo logs in to project demo');
const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
const token = demo.tokenInfo();
console.log(`  token ${demo.token.slice(0, 24)}… methods=${token.methods.join(',')} issued ${token.issued_at}, expires ${token.expires_at}`);
console.log(`  user ${token.user.name} (${token.user.domain.name}), project ${token.project?.name}, roles ${token.roles?.map((r) => r.name).join(', ')} (reader comes from member, an implied role)`);
console.log(`  catalog: ${token.catalog?.map((c) => `${c.type} → ${c.endpoints.find((e) => e.interface === 'public')?.url}`).join('; ')}`);
console.log(`  projects demo may scope to: ${demo.identity.getAuthProjects().map((p) => p.name).join(', ')}`);
try {
  demo.identity.listProjects();
} catch (e) {
  console.log(`  demo lists all projects → ${(e as { status: number }).status}: ${(e as Error).message}`);
}
try {
  demo.identity.getProject('alt_demo');
} catch (e) {
  console.log(`  demo reads alt_demo → ${(e as { status: number }).status}: ${(e as Error).message}`);
}
cloud.clock.advance(3600);
try {
  demo.tokenInfo();
} catch (e) {
  console.log(`  an hour later → ${(e as { status: number }).status}: ${(e as Error).message}`);
}

// nova's scheduler: a burst of 12 VMs through Placement's candidates, the filters and the weighers
console.log('\nnova-scheduler: a burst of 12 m1.large VMs');
const burst = cloud.scheduler.selectDestinations({
  flavor: { name: 'm1.large', vcpus: 4, memory_mb: 8192, root_gb: 80 },
  availability_zone: 'az1',
  project_id: token.project?.id ?? null,
  user_id: token.user.id,
  num_instances: 12,
});
console.log(`  placed on: ${burst.selections.map((sel) => sel.host).join(', ')}`);
console.log('  how the first one was decided:');
for (const line of formatExplanation(burst.explanation).slice(0, 24)) console.log(`    ${line}`);
console.log('\nPer-host usage (physical → overcommitted capacity → used):');
console.table(
  cloud.scheduler.usage().map((u) => ({
    host: u.host,
    vcpu: `${u.resources.VCPU?.total} ×${u.resources.VCPU?.allocation_ratio} → ${u.resources.VCPU?.capacity} → ${u.resources.VCPU?.used}`,
    ram_mb: `${u.resources.MEMORY_MB?.total} −${u.resources.MEMORY_MB?.reserved} ×${u.resources.MEMORY_MB?.allocation_ratio} → ${u.resources.MEMORY_MB?.capacity} → ${u.resources.MEMORY_MB?.used}`,
    disk_gb: `${u.resources.DISK_GB?.total} → ${u.resources.DISK_GB?.capacity} → ${u.resources.DISK_GB?.used}`,
  })),
);

// Swift: six storage hosts in three racks, 3 replicas; where an object's copies live, a host
// failure (the write goes to a handoff), and the replicator putting the copy back
console.log('\nSwift: six storage hosts in three racks, rings of 2^10 partitions × 3 replicas');
const swiftCloud = createCloud({
  seed: 11,
  topology: {
    racks: [{ name: 'ra' }, { name: 'rb' }, { name: 'rc' }],
    models: { storage: { cpu: { sockets: 1, cores_per_socket: 8, threads_per_core: 2 }, memory_mb: 65536, disks: [{ name: 'sda', size_gb: 480 }, { name: 'sdb', size_gb: 8000 }, { name: 'sdc', size_gb: 8000 }] } },
    hosts: [
      { name: 'swift-a{n}', count: 2, model: 'storage', roles: ['storage'], rack: 'ra' },
      { name: 'swift-b{n}', count: 2, model: 'storage', roles: ['storage'], rack: 'rb' },
      { name: 'swift-c{n}', count: 2, model: 'storage', roles: ['storage'], rack: 'rc' },
    ],
  },
});
const objRing = swiftCloud.object.rings().find((r) => r.name === 'object-0')!;
console.log(`  object ring: ${objRing.devices.length} devices, balance ${objRing.balance.toFixed(2)} %, dispersion ${objRing.dispersion} %`);
const alice = swiftCloud.login({ username: 'demo', password: 'secret', project: 'demo' });
const account = alice.object.headAccount().account;
alice.object.putContainer('backups');
const where = () => swiftCloud.object.locate(account, 'backups', 'db.dump').map((c) => `${c.host}/${c.disk}${c.primary ? '' : ' (handoff)'}`);
const nodes = swiftCloud.object.getNodes(account, 'backups', 'db.dump');
console.log(`  /${account}/backups/db.dump → partition ${nodes.partition}, primaries ${nodes.primaries.map((n) => `${n.host}/${n.disk} (zone ${n.zone})`).join(', ')}`);
swiftCloud.hardware.failHost(nodes.primaries[0]!.host, 'demo: power cut');
alice.object.putObject('backups', 'db.dump', 'pg_dump output …');
console.log(`  ${nodes.primaries[0]!.host} down, PUT still reaches a quorum: ${where().join(', ')}`);
swiftCloud.hardware.recoverHost(nodes.primaries[0]!.host);
swiftCloud.clock.advance(30);
console.log(`  recovered; 30 s later the replicator moved it back: ${where().join(', ')}`);

// Glance: an image uploaded by demo, its checksums, and where its bytes are in Swift
const image = alice.image.createImage({ name: 'ubuntu-22.04', disk_format: 'qcow2', container_format: 'bare' });
alice.image.uploadImageData(image.id, new Uint8Array(4096).map((_, i) => i % 251));
const uploaded = alice.image.getImage(image.id);
console.log(`\nGlance: ${uploaded.name} is ${uploaded.status}, ${uploaded.size} bytes, md5 ${uploaded.checksum}, ${uploaded.os_hash_algo} ${String(uploaded.os_hash_value).slice(0, 16)}…`);
const glanceObject = swiftCloud.object.locate(`AUTH_${swiftCloud.admin.identity.listProjects({ name: 'service' })[0]!.id}`, 'glance', image.id);
console.log(`  its data: AUTH_<service project>/glance/${image.id} on ${glanceObject.map((c) => `${c.host}/${c.disk}`).join(', ')}`);

// Neutron: the lecture's three questions, answered by running the DevStack cloud's network.
const net = createCloud({ seed: 12 });
const demoUser = net.login({ username: 'demo', password: 'secret', project: 'demo' });
const privateNet = demoUser.network.listNetworks({ name: 'private' })[0]!;
// what nova does for a server on compute1: a port for the device (as the user), bound to the host (as nova's admin context)
const created = demoUser.network.createPort({ network_id: privateNet.id, name: 'vm1-eth0', device_id: 'vm1', device_owner: 'compute:nova' });
const vm = net.admin.network.updatePort(created.id, { 'binding:host_id': 'compute1' });
const show = (title: string, answer: ReturnType<typeof demoUser.network.explainReachability>): void => {
  console.log(`\n${title}: ${answer.allowed ? 'yes' : `no (${answer.deniedBy?.message})`}`);
  answer.path.forEach((hop, i) => console.log(`  ${String(i + 1).padStart(2)}. ${hop.passed ? ' ' : '✗'} ${hop.description}`));
};
console.log(`\nNeutron: vm1's port ${vm.fixed_ips.map((f) => f.ip_address).join(', ')} on ${privateNet.name} (vxlan ${net.admin.network.getNetwork(privateNet.id)['provider:segmentation_id']}), ${vm.status} on ${vm['binding:host_id']}`);
show('1. How does a VM reach the internet? (vm1 → internet, tcp 443)', demoUser.network.explainReachability({ from: vm.id, to: 'internet', protocol: 'tcp', port: 443 }));
const fip = demoUser.network.createFloatingIp({ floating_network_id: demoUser.network.listNetworks({ name: 'public' })[0]!.id, port_id: vm.id });
const defaultGroup = demoUser.network.listSecurityGroups({ name: 'default' })[0]!;
demoUser.network.createSecurityGroupRule({ security_group_id: defaultGroup.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0' });
show(`2. How does the internet reach a VM? (internet → ${fip.floating_ip_address}, tcp 22)`, demoUser.network.explainReachability({ from: 'internet', to: fip.floating_ip_address, protocol: 'tcp', port: 22 }));
const alt = net.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' });
const altNet = alt.network.createNetwork({ name: 'alt-private' });
alt.network.createSubnet({ network_id: altNet.id, ip_version: 4, cidr: '10.0.0.0/26' });
const altVm = net.admin.network.updatePort(alt.network.createPort({ network_id: altNet.id, device_id: 'vm2', device_owner: 'compute:nova' }).id, { 'binding:host_id': 'compute2' });
console.log(`\nalt_demo's vm2 has ${altVm.fixed_ips[0]!.ip_address} in its own 10.0.0.0/26: the same address space as demo's, on vxlan ${net.admin.network.getNetwork(altNet.id)['provider:segmentation_id']}`);
show('3. How do tenant networks stay apart? (demo vm1 → alt_demo vm2, icmp)', net.admin.network.explainReachability({ from: vm.id, to: altVm.id, protocol: 'icmp' }));

// Cinder: a bootable volume from cirros on DevStack's lvmdriver-1, a snapshot, a backup into
// Swift, a restore into a new volume, and the pools and the volume scheduler's reasoning.
const blockCloud = createCloud({ seed: 13 });
const cinderUser = blockCloud.login({ username: 'demo', password: 'secret', project: 'demo' });
const cirros = cinderUser.image.listImages().images.find((i) => i.name?.startsWith('cirros'))!;
const boot = cinderUser.block.createVolume({ name: 'boot-vol', size: 1, imageRef: cirros.id });
console.log(`\nCinder: volume ${boot.name} answered '${boot.status}'; a moment later it is '${cinderUser.block.getVolume(boot.id).status}' on ${blockCloud.admin.block.getVolume(boot.id)['os-vol-host-attr:host']}, bootable ${cinderUser.block.getVolume(boot.id).bootable}, from image ${cinderUser.block.getVolume(boot.id).volume_image_metadata?.image_name}`);
cinderUser.block.writeVolumeData(boot.id, 1_048_576, 'written after the image');
const snapshot = cinderUser.block.createSnapshot({ volume_id: boot.id, name: 'boot-snap' });
const backup = cinderUser.block.createBackup({ volume_id: boot.id, name: 'boot-backup' });
const backupView = cinderUser.block.getBackup(backup.id);
console.log(`  snapshot ${snapshot.name}: ${cinderUser.block.getSnapshot(snapshot.id).status}; backup ${backupView.name}: ${backupView.status}, ${backupView.object_count} object(s) in Swift container '${backupView.container}'`);
const restored = cinderUser.block.restoreBackup(backup.id, { name: 'restored-vol' });
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const bytes = (id: string): Uint8Array => cinderUser.block.readVolumeData(id, 0, 2 * 1_048_576);
console.log(`  restored into ${restored.volume_name}: its first 2 MiB ${same(bytes(restored.volume_id), bytes(boot.id)) ? 'equal' : 'DIFFER from'} the original's`);
console.log('\n  pools (GET /scheduler-stats/get_pools?detail=true):');
console.table(
  blockCloud.admin.block.listPools({ detail: true }).map((p) => ({
    pool: p.name,
    total_gb: p.capabilities?.total_capacity_gb,
    free_gb: p.capabilities?.free_capacity_gb,
    allocated_gb: p.capabilities?.allocated_capacity_gb,
    provisioned_gb: p.capabilities?.provisioned_capacity_gb,
    thin: p.capabilities?.thin_provisioning_support,
    over_subscription: p.capabilities?.max_over_subscription_ratio,
  })),
);
for (const size of [100, 500]) {
  console.log(`  the volume scheduler for a ${size} GB volume (thin: 22.8 GB × 20 over-subscription):`);
  for (const line of formatVolumeExplanation(blockCloud.admin.block.explainVolumeScheduling({ size }))) console.log(`    ${line}`);
}

// Nova: the demo user boots servers on DevStack; one boot's trace, the hypervisors, and the
// lecture's question for a real server.
const novaCloud = createCloud({ seed: 14 });
const novaUser = novaCloud.login({ username: 'demo', password: 'secret', project: 'demo' });
const novaImage = novaUser.image.listImages().images.find((i) => i.name?.startsWith('cirros'))!;
const first = novaUser.compute.createServer({ name: 'web', flavorRef: 'm1.tiny', imageRef: novaImage.id, networks: 'auto' });
const bootTrace = novaCloud.trace()!;
console.log(`\nNova: demo boots 'web' (m1.tiny, ${novaImage.name}, networks 'auto'); the request ${bootTrace.request_id}, step by step:`);
bootTrace.steps.forEach((step, i) => console.log(`  ${String(i + 1).padStart(2)}. [t=${step.time.toFixed(1)}s] ${step.service}: ${step.action}`));
novaUser.compute.createServer({ name: 'db', flavorRef: 'm1.small', imageRef: novaImage.id, networks: 'auto', min_count: 2 });
const web = novaUser.compute.getServer('id' in first ? first.id : 'web');
console.log(`  ${web.name} is ${web.status} with ${Object.entries(web.addresses).map(([net, list]) => `${net} ${list.map((a) => a.addr).join(', ')}`).join('; ')}`);
console.log('\n  hypervisors (GET /os-hypervisors/detail, as the admin):');
console.table(
  novaCloud.admin.compute.listHypervisorsDetail({ with_servers: true }).map((h) => ({
    hypervisor: h.hypervisor_hostname,
    state: h.state,
    status: h.status,
    type: h.hypervisor_type,
    servers: (h.servers ?? []).map((sv) => sv.name).join(', '),
  })),
);
console.table(novaCloud.admin.compute.getHypervisorStatistics());
const reach = (title: string, answer: ReturnType<typeof novaUser.network.explainReachability>): void => {
  console.log(`\n  ${title}: ${answer.allowed ? 'yes' : `no (${answer.deniedBy?.message})`}`);
  answer.path.forEach((hop, i) => console.log(`    ${String(i + 1).padStart(2)}. ${hop.passed ? ' ' : '✗'} ${hop.description}`));
};
reach(`can ${web.name} reach the internet? (tcp 443)`, novaUser.network.explainReachability({ from: { server: web.id }, to: 'internet', protocol: 'tcp', port: 443 }));
reach(`can the internet reach ${web.name}, without a floating IP? (tcp 22)`, novaUser.network.explainReachability({ from: 'internet', to: { server: web.id }, protocol: 'tcp', port: 22 }));
const webPort = novaUser.network.listPorts({ device_id: web.id })[0]!;
const webFip = novaUser.network.createFloatingIp({ floating_network_id: novaUser.network.listNetworks({ name: 'public' })[0]!.id, port_id: webPort.id });
const webGroup = novaUser.network.listSecurityGroups({ name: 'default' })[0]!;
novaUser.network.createSecurityGroupRule({ security_group_id: webGroup.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0' });
reach(`and with floating IP ${webFip.floating_ip_address} and ssh open in its security group?`, novaUser.network.explainReachability({ from: 'internet', to: { server: web.id }, protocol: 'tcp', port: 22 }));

// Nova through a host failure: a compute host under one of demo's servers fails; after
// service_down_time its nova-compute is down, the servers stay there (host_status UNKNOWN), the
// admin evacuates one, and the host's return finishes the evacuation.
const novaAdmin = novaCloud.admin;
const hostOf = (id: string): string => String((novaAdmin.compute.getServer(id) as unknown as Record<string, unknown>)['OS-EXT-SRV-ATTR:host']);
const victim = novaUser.compute.listServers().find((sv) => hostOf(sv.id) !== 'controller') ?? web;
const failedHost = hostOf(victim.id);
novaCloud.hardware.failHost(failedHost, 'power supply');
novaCloud.clock.advance(61);
console.log(`\nNova: ${failedHost} fails (power supply); 61 s later, past service_down_time (60 s), as the admin sees it:`);
for (const sv of novaAdmin.compute.listServers({ all_tenants: true, host: failedHost })) {
  const v = sv as unknown as Record<string, unknown>;
  console.log(`  ${String(v.name)} is ${String(v.status)} on ${failedHost}, host_status ${String(v.host_status)}`);
}
console.table(
  novaAdmin.compute.listHypervisorsDetail({ with_servers: true }).map((h) => ({ hypervisor: h.hypervisor_hostname, state: h.state, status: h.status, servers: (h.servers ?? []).map((sv) => sv.name).join(', ') })),
);
novaAdmin.compute.evacuateServer(victim.id);
const evacTrace = novaCloud.trace()!;
const evacuated = novaAdmin.compute.getServer(victim.id) as unknown as Record<string, unknown>;
console.log(`  the admin evacuates ${victim.name}: ${String(evacuated.status)} on ${String(evacuated['OS-EXT-SRV-ATTR:host'])}; the request ${evacTrace.request_id}, step by step:`);
evacTrace.steps.forEach((step, i) => console.log(`  ${String(i + 1).padStart(2)}. [t=${step.time.toFixed(1)}s] ${step.service}: ${step.action}`));
const migrationOf = (id: string): Record<string, unknown> | undefined => novaAdmin.compute.listMigrations({ instance_uuid: id })[0] as unknown as Record<string, unknown> | undefined;
console.log(`  migration ${String(migrationOf(victim.id)?.id)} (evacuation): ${String(migrationOf(victim.id)?.status)}; ${failedHost} keeps its part of the allocation until its nova-compute comes back`);
novaCloud.hardware.recoverHost(failedHost);
console.log(`  ${failedHost} recovers: its nova-compute destroys the evacuated guest and frees it, the migration is ${String(migrationOf(victim.id)?.status)}`);
