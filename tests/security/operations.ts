/**
 * The catalog of every public operation of a cloud, for the suites that look for CLASSES of
 * defects across modules (tests/security/*.test.ts): every method of every session API
 * (`session.identity`, `session.placement`, `session.object`, `session.image`, … and the
 * session's own `tokenInfo` / `rescope` / `logout`), the anonymous API (`cloud.anonymous.object`),
 * the operator APIs on the cloud (`cloud.hardware`, `cloud.scheduler`, `cloud.object`), the
 * cloud's own methods and accessors (`cloud.login`, `cloud.batch`, `cloud.restore`, …),
 * `cloud.policy` (and the engine it hands out), `cloud.clock` and `cloud.quotas`.
 *
 * Each entry says how to call the operation against the fixture cloud ({@link buildFixture}: the
 * devstack preset plus an image, containers and objects, a resource provider, a
 * project/user/group/role/application credential/region/service/endpoint …) with references to
 * resources that exist, and which of its arguments are references ({@link Operation.refs}), so a
 * suite can swap one for a made-up reference of the same shape ({@link reshape}).
 *
 * `catalog.test.ts` fails when a public method exists that this file does not list: a new
 * service (network, block, compute) adds its operations here, and every suite then tries them.
 */
import { createCloud, type Cloud, type CloudSnapshot, type Session } from '../../src/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { tablePrefix } from '../../src/core/index.js';

// ------------------------------------------------------------------ the fixture

/** The sessions of the fixture, each a fixed token (no re-authentication, so no hidden commit). */
export type SessionName = 'admin' | 'systemAdmin' | 'demo' | 'altDemo' | 'altReader' | 'demoReader' | 'domainReader' | 'unscoped' | 'expired' | 'revoked';

/** A reference argument: its value in the fixture and how to make up one of the same shape. */
export interface Slot {
  /** The reference to a resource that exists in the fixture. */
  readonly value: string;
  /** Other texts naming the same resource (its name or id), replaced with the value's placeholder in messages. */
  readonly aliases: readonly string[];
  /** How many leading characters a made-up reference keeps (`AUTH_`, `CUSTOM_`, a token's prefix). */
  readonly keep: number;
  /**
   * Whether the resource is hidden from a member or reader of another project (alt_demo): a 2xx
   * on it for such a caller is a defect. False for global, public things (roles, regions,
   * services, endpoints, public containers), which a caller may legitimately read.
   */
  readonly secret: boolean;
  /** Whether the resource is demo's own as a user (its token, its user, its application credential): demo's unscoped token may act on it. */
  readonly ownUser: boolean;
}

/** What the operations' arguments are built from: the reference slots, and plain values (generations). */
export interface Refs {
  readonly [name: string]: unknown;
}

/** The fixture cloud, its sessions and references, and the snapshot every call starts from. */
export interface Env {
  readonly cloud: Cloud;
  readonly sessions: Readonly<Record<SessionName, Session>>;
  /** Every reference slot of the fixture. */
  readonly slots: Readonly<Record<string, Slot>>;
  /** Slot values and plain values (generations, request id) for the operations' arguments. */
  readonly refs: Refs;
  /** The state right after the fixture was built: restore it before each call. */
  readonly base: CloudSnapshot;
}

/** The server a fixture attachment is reserved for (Nova is not there yet: any instance UUID). */
export const SEC_INSTANCE = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** The password of the fixture's own user `sec_user`. */
export const SEC_PASSWORD = 'sec-password-1';
/** The admin password of the devstack preset (and of its demo users). */
export const PASSWORD = 'secret';
/** A plan input `cloud.hardware.plan` accepts. */
export const PLAN_INPUT = {
  workload: { vms: 20 },
  host: { cpu: { sockets: 2, cores_per_socket: 10, threads_per_core: 2 }, memory_mb: 262_144, disks: [{ name: 'sda', size_gb: 2000 }] },
};
const HOST_SPEC = { cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: 8192 };

/**
 * Builds the fixture: a devstack cloud (seed 7) with, after one expired token was obtained and
 * the clock moved past its expiry, fixed-token sessions for the admin (project and system), demo,
 * alt_demo, a reader of alt_demo (`sec_reader`), demo_reader, a reader of `sec_other_domain` with
 * a domain-scoped token, demo's unscoped token and a revoked demo token; identity
 * resources (`sec_domain`, a disabled `sec_domain_off`, `sec_project`, `sec_user` in `sec_group`,
 * `sec_role` implying `sec_role2`, a grant, `sec-region`, a service and its endpoint, demo's
 * application credential); a Placement provider with inventory, a trait, an aggregate and a
 * consumer's allocation, and an empty provider; demo's images (private active with a tag, shared
 * with a member, queued, staged); demo's containers (`sec-container` with an object, an empty one,
 * a public one readable by anyone), a storage host with a failed disk and a failed compute host.
 */
export function buildFixture(seed = 7): Env {
  // nova keeps shelved servers on their host (`shelved_offload_time` -1), so shelveOffload has one to offload
  const cloud = createCloud({ seed, nova: { shelved_offload_time: -1 } });
  const login = (request: Parameters<Cloud['login']>[0]): Session => cloud.login(request);
  const expired = login({ username: 'demo', password: PASSWORD, project: 'demo' });
  cloud.clock.advance(cloud.state.identity.config.token_expiration + 1);

  const systemAdmin = login({ username: 'admin', password: PASSWORD, system: 'all' });
  const admin = login({ username: 'admin', password: PASSWORD, project: 'admin', project_domain: 'default' });
  const demo = login({ username: 'demo', password: PASSWORD, project: 'demo' });
  const altDemo = login({ username: 'alt_demo', password: PASSWORD, project: 'alt_demo' });
  const demoReader = login({ username: 'demo_reader', password: PASSWORD, project: 'demo' });
  const revoked = login({ username: 'demo', password: PASSWORD, project: 'demo' });
  revoked.logout();

  // identity: admin's resources (system scope first, project admin otherwise)
  const id = <R>(fn: (s: Session) => R): R => {
    try {
      return fn(systemAdmin);
    } catch {
      return fn(admin);
    }
  };
  const project = (name: string): string => id((s) => s.identity.getProject(name).id);
  const demoProject = project('demo');
  const altProject = project('alt_demo');
  const domain = id((s) => s.identity.createDomain({ name: 'sec_domain' }));
  const domainOff = id((s) => s.identity.createDomain({ name: 'sec_domain_off', enabled: false }));
  const secProject = id((s) => s.identity.createProject({ name: 'sec_project' }));
  const user = id((s) => s.identity.createUser({ name: 'sec_user', password: SEC_PASSWORD }));
  const readerUser = id((s) => s.identity.createUser({ name: 'sec_reader', password: PASSWORD }));
  const group = id((s) => s.identity.createGroup({ name: 'sec_group' }));
  id((s) => s.identity.addUserToGroup(group.id, user.id));
  const role = id((s) => s.identity.createRole({ name: 'sec_role' }));
  const role2 = id((s) => s.identity.createRole({ name: 'sec_role2' }));
  const member = id((s) => s.identity.getRole('member'));
  id((s) => s.identity.createImpliedRole(role.id, role2.id));
  id((s) => s.identity.createGrant({ role: role.id, user: user.id, project: secProject.id }));
  id((s) => s.identity.createGrant({ role: 'reader', user: readerUser.id, project: altProject }));
  const region = id((s) => s.identity.createRegion({ id: 'sec-region' }));
  const service = id((s) => s.identity.createService({ type: 'sec', name: 'sec-service' }));
  const endpoint = id((s) => s.identity.createEndpoint({ service_id: service.id, interface: 'public', region_id: 'RegionOne', url: 'http://sec.example:1234/' }));
  const altReader = login({ username: 'sec_reader', password: PASSWORD, project: 'alt_demo' });
  // a reader of another domain (domain-scoped), and demo's own unscoped token
  const otherDomain = id((s) => s.identity.createDomain({ name: 'sec_other_domain' }));
  const domainReaderUser = id((s) => s.identity.createUser({ name: 'sec_domain_reader', password: PASSWORD, domain_id: otherDomain.id }));
  id((s) => s.identity.createGrant({ role: 'reader', user: domainReaderUser.id, domain: otherDomain.id }));
  const domainReader = login({ username: 'sec_domain_reader', password: PASSWORD, user_domain: otherDomain.id, domain: otherDomain.id });
  const unscoped = login({ username: 'demo', password: PASSWORD, unscoped: true });
  const demoUser = demo.tokenInfo().user.id;
  const appcred = demo.identity.createApplicationCredential(demoUser, { name: 'sec_appcred' });
  const subject = login({ username: 'demo', password: PASSWORD, project: 'demo' }).token;

  // placement (system scope)
  const p = systemAdmin.placement;
  const rp = p.createResourceProvider({ name: 'sec-rp' });
  p.setInventories(rp.uuid, { resource_provider_generation: rp.generation, inventories: { VCPU: { total: 8 }, MEMORY_MB: { total: 4096 } } });
  p.createTrait('CUSTOM_SEC');
  p.createTrait('CUSTOM_SEC_FREE');
  p.ensureResourceClass('CUSTOM_SEC_RC');
  p.ensureResourceClass('CUSTOM_SEC_FREE_RC');
  p.setProviderTraits(rp.uuid, { resource_provider_generation: p.getResourceProvider(rp.uuid).generation, traits: ['CUSTOM_SEC'] });
  const aggregate = '5a9cf2a1-7b3e-4c51-9d0e-1f2a3b4c5d6e';
  p.setProviderAggregates(rp.uuid, { resource_provider_generation: p.getResourceProvider(rp.uuid).generation, aggregates: [aggregate] });
  const consumer = '0b6e3c1d-2f4a-4e5b-8c7d-9e0f1a2b3c4d';
  p.putAllocations(consumer, { allocations: { [rp.uuid]: { resources: { VCPU: 1 } } }, project_id: demoProject, user_id: demoUser, consumer_generation: null });
  const empty = p.createResourceProvider({ name: 'sec-rp-empty' });
  p.setInventories(empty.uuid, { resource_provider_generation: empty.generation, inventories: { VCPU: { total: 4 } } });

  // images (demo's)
  const im = demo.image;
  const image = im.createImage({ name: 'sec-private', visibility: 'private', disk_format: 'qcow2', container_format: 'bare' });
  im.uploadImageData(image.id, 'sec image bytes');
  im.addImageTag(image.id, 'sec-tag');
  const shared = im.createImage({ name: 'sec-shared', visibility: 'shared', disk_format: 'qcow2', container_format: 'bare' });
  im.createImageMember(shared.id, { member: secProject.id });
  const queued = im.createImage({ name: 'sec-queued', disk_format: 'raw', container_format: 'bare' });
  const staged = im.createImage({ name: 'sec-staged', disk_format: 'raw', container_format: 'bare' });
  im.stageImageData(staged.id, 'staged bytes');

  // objects (demo's account)
  const account = `AUTH_${demoProject}`;
  const o = demo.object;
  o.putContainer('sec-container');
  o.putObject('sec-container', 'sec-object', 'sec object bytes');
  o.putContainer('sec-empty');
  o.putContainer('sec-public', { 'X-Container-Read': '.r:*,.rlistings' });
  o.putObject('sec-public', 'sec-public-object', 'public bytes');

  // hardware: a storage host with one failed disk (for replaceDisk)
  cloud.hardware.addHost({ name: 'sec-storage', ...HOST_SPEC, roles: ['storage'], disks: [{ name: 'sda', size_gb: 100 }, { name: 'sdb', size_gb: 1000 }] });
  cloud.object.rebalance();
  cloud.object.failDisk('sec-storage', 'sdb');
  // hardware: a failed compute host (for recoverHost)
  cloud.hardware.addHost({ name: 'sec-down', ...HOST_SPEC, roles: ['compute'] });
  cloud.hardware.failHost('sec-down');
  const ring = cloud.object.rings().find((r) => r.name.startsWith('object-'));
  const device = ring?.devices[0]?.id ?? 0;
  // compute (Nova): demo's servers, before Neutron's part (demo's `networks: 'auto'` needs `private` to be its only network)
  const cmp = buildComputeFixture(cloud, { admin, demo }, { demoProject });
  // network (Neutron): demo's, alt_demo's and admin's resources
  const net = buildNetworkFixture({ admin, demo, altDemo }, { secProject: secProject.id, altProject });
  // block (Cinder): demo's and alt_demo's volumes
  const blk = buildBlockFixture({ admin, demo, altDemo });
  demo.tokenInfo(); // a request id for cloud.trace
  const requestId = cloud.lastRequestId;

  const s = (value: string, secret: boolean, aliases: string[] = [], keep = 0): Slot => ({ value, aliases, keep, secret, ownUser: false });
  const own = (slot: Slot): Slot => ({ ...slot, ownUser: true });
  const slots: Record<string, Slot> = {
    // identity
    token: own(s(subject, true, [], 7)),
    domain: s(domain.id, true, [domain.name]),
    domainOff: s(domainOff.id, true, [domainOff.name]),
    project: s(secProject.id, true, [secProject.name]),
    user: s(user.id, true, [user.name]),
    demoUser: own(s(demoUser, true, ['demo'])),
    group: s(group.id, true, [group.name]),
    role: s(role.id, false, [role.name]),
    role2: s(role2.id, false, [role2.name]),
    roleMember: s(member.id, false, [member.name]),
    appcred: own(s(appcred.id, true, [appcred.name])),
    region: s(region.id, false),
    service: s(service.id, false, ['sec-service']),
    endpoint: s(endpoint.id, false),
    // placement (system-scoped: hidden from every project-scoped caller)
    provider: s(rp.uuid, true, ['sec-rp']),
    emptyProvider: s(empty.uuid, true, ['sec-rp-empty']),
    consumer: s(consumer, true),
    demoProject: s(demoProject, true, ['demo']),
    trait: s('CUSTOM_SEC', true, [], 7),
    freeTrait: s('CUSTOM_SEC_FREE', true, [], 7),
    resourceClass: s('CUSTOM_SEC_RC', true, [], 7),
    freeClass: s('CUSTOM_SEC_FREE_RC', true, [], 7),
    // image
    image: s(image.id, true, ['sec-private']),
    sharedImage: s(shared.id, true, ['sec-shared']),
    queuedImage: s(queued.id, true, ['sec-queued']),
    stagedImage: s(staged.id, true, ['sec-staged']),
    member: s(secProject.id, true, [secProject.name]),
    tag: s('sec-tag', true),
    // object
    account: s(account, true, [], 5),
    container: s('sec-container', true),
    emptyContainer: s('sec-empty', true),
    object: s('sec-object', true),
    publicContainer: s('sec-public', false),
    publicObject: s('sec-public-object', false),
    // network
    ...net.slots,
    // block
    ...blk.slots,
    // compute
    ...cmp.slots,
  };
  const refs: Record<string, unknown> = Object.fromEntries(Object.entries(slots).map(([k, v]) => [k, v.value]));
  const gen = (uuid: string): number => p.getResourceProvider(uuid).generation;
  Object.assign(refs, {
    providerGeneration: gen(rp.uuid),
    emptyGeneration: gen(empty.uuid),
    consumerGeneration: p.getAllocations(consumer).consumer_generation ?? null,
    aggregate,
    altProject,
    requestId,
    ring: ring?.name ?? 'object-0',
    device,
    host: 'compute2',
    downHost: 'sec-down',
    storageHost: 'controller',
    storageDisk: 'sdb',
    failedHost: 'sec-storage',
    failedDisk: 'sdb',
    ...net.refs,
    ...blk.refs,
    ...cmp.refs,
  });
  const sessions = { admin, systemAdmin, demo, altDemo, altReader, demoReader, domainReader, unscoped, expired, revoked };
  return { cloud, sessions, slots, refs, base: cloud.state };
}

/** The network part of the fixture: its reference slots and plain values. */
interface NetworkFixture {
  readonly slots: Record<string, Slot>;
  readonly refs: Record<string, unknown>;
}

/**
 * Neutron's part of the fixture, on top of the devstack preset's networks (`public`, demo's
 * `private`, `router1`, the default subnet pools and security groups): demo's network `sec-net`
 * with `sec-subnet` (DHCP) and the port `sec-port`, the router `sec-router` (gateway on `public`,
 * an interface on `sec-subnet`), a second network `sec-net2` with `sec-subnet2` (only its DHCP
 * port: deletable, and a free subnet for a new router interface), an empty router `sec-router2`,
 * an unassociated floating IP from `public`, the security group `sec-sg` with an ingress rule,
 * the subnet pool `sec-pool` and an RBAC policy sharing `sec-net` with `sec_project`;
 * alt_demo's `sec-alt-net` / `sec-alt-subnet` (the same addresses as demo's: overlapping tenant
 * address spaces) / `sec-alt-port`; and, admin's, compute1's Open vSwitch agent.
 */
function buildNetworkFixture(sessions: { admin: Session; demo: Session; altDemo: Session }, ids: { secProject: string; altProject: string }): NetworkFixture {
  const { admin, demo, altDemo } = sessions;
  const n = demo.network;
  const pub = admin.network.getNetwork('public');
  const net = n.createNetwork({ name: 'sec-net' });
  const subnet = n.createSubnet({ name: 'sec-subnet', network_id: net.id, ip_version: 4, cidr: '192.168.50.0/24' });
  const net2 = n.createNetwork({ name: 'sec-net2' });
  const subnet2 = n.createSubnet({ name: 'sec-subnet2', network_id: net2.id, ip_version: 4, cidr: '192.168.51.0/24' });
  const port = n.createPort({ name: 'sec-port', network_id: net.id });
  const router = n.createRouter({ name: 'sec-router', external_gateway_info: { network_id: pub.id } });
  n.addRouterInterface(router.id, { subnet_id: subnet.id });
  const router2 = n.createRouter({ name: 'sec-router2' });
  const fip = n.createFloatingIp({ floating_network_id: pub.id, description: 'sec-fip' });
  const sg = n.createSecurityGroup({ name: 'sec-sg' });
  const rule = n.createSecurityGroupRule({ security_group_id: sg.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22 });
  const pool = n.createSubnetPool({ name: 'sec-pool', prefixes: ['192.168.128.0/20'], default_prefixlen: 26 });
  const rbac = n.createRbacPolicy({ object_type: 'network', object_id: net.id, action: 'access_as_shared', target_tenant: ids.secProject });
  const a = altDemo.network;
  const altNet = a.createNetwork({ name: 'sec-alt-net' });
  const altSubnet = a.createSubnet({ name: 'sec-alt-subnet', network_id: altNet.id, ip_version: 4, cidr: '192.168.50.0/24' });
  const altPort = a.createPort({ name: 'sec-alt-port', network_id: altNet.id });
  const agent = admin.network.listAgents({ agent_type: 'Open vSwitch agent', host: 'compute1' })[0];
  if (agent === undefined) throw new Error('the fixture has no Open vSwitch agent on compute1');
  const s = (value: string, aliases: string[] = []): Slot => ({ value, aliases, keep: 0, secret: true, ownUser: false });
  return {
    slots: {
      network: s(net.id, ['sec-net']),
      network2: s(net2.id, ['sec-net2']),
      subnet: s(subnet.id, ['sec-subnet']),
      subnet2: s(subnet2.id, ['sec-subnet2']),
      port: s(port.id, ['sec-port']),
      router: s(router.id, ['sec-router']),
      router2: s(router2.id, ['sec-router2']),
      floatingip: s(fip.id),
      securityGroup: s(sg.id, ['sec-sg']),
      securityGroupRule: s(rule.id),
      subnetPool: s(pool.id, ['sec-pool']),
      rbacPolicy: s(rbac.id),
      agent: s(agent.id),
    },
    refs: { publicNetwork: pub.id, altNetwork: altNet.id, altSubnet: altSubnet.id, altPort: altPort.id, portAddress: port.fixed_ips[0]?.ip_address ?? '' },
  };
}

/**
 * Cinder's part of the fixture, on DevStack's `lvmdriver-1` backend: demo's volumes `sec-vol`
 * (available, with bytes written) and `sec-vol2` (deletable), alt_demo's `sec-alt-vol`; snapshots
 * of `sec-vol` (`sec-snap2`, then `sec-snap` with metadata: the latest, for a revert); backups of
 * both volumes (`sec-backup`, `sec-backup2`); `sec-att-vol` reserved for a server by an attachment;
 * admin's private volume type `sec-type` (demo has access) and QoS specs `sec-qos`; `sec-vol3`
 * offered as the transfer `sec-transfer`.
 */
function buildBlockFixture(sessions: { admin: Session; demo: Session; altDemo: Session }): NetworkFixture {
  const { admin, demo, altDemo } = sessions;
  const b = demo.block;
  const vol = b.createVolume({ name: 'sec-vol', size: 1, metadata: { sec: 'meta' } });
  b.writeVolumeData(vol.id, 0, 'sec bytes');
  b.setVolumeImageMetadata(vol.id, { metadata: { sec_image: 'x' } });
  const vol2 = b.createVolume({ name: 'sec-vol2', size: 1 });
  const altVol = altDemo.block.createVolume({ name: 'sec-alt-vol', size: 1 });
  const snap2 = b.createSnapshot({ volume_id: vol.id, name: 'sec-snap2' });
  const snap = b.createSnapshot({ volume_id: vol.id, name: 'sec-snap', metadata: { sec: 'x' } });
  const bk = b.createBackup({ volume_id: vol.id, name: 'sec-backup' });
  const bk2 = b.createBackup({ volume_id: vol2.id, name: 'sec-backup2' });
  const attVol = b.createVolume({ name: 'sec-att-vol', size: 1 });
  const att = b.createAttachment({ volume_uuid: attVol.id, instance_uuid: SEC_INSTANCE });
  const demoProject = demo.tokenInfo().project?.id ?? '';
  const altProject = altDemo.tokenInfo().project?.id ?? '';
  const type = admin.block.createVolumeType({ name: 'sec-type', 'os-volume-type-access:is_public': false, extra_specs: { 'sec:key': 'v' } });
  admin.block.addVolumeTypeAccess(type.id, { project: demoProject });
  const qos = admin.block.createQosSpecs({ name: 'sec-qos', total_iops_sec: '100' });
  const xv = b.createVolume({ name: 'sec-vol3', size: 1 });
  const xfer = b.createVolumeTransfer({ volume_id: xv.id, name: 'sec-transfer' });
  const s = (value: string, aliases: string[] = []): Slot => ({ value, aliases, keep: 0, secret: true, ownUser: false });
  return {
    slots: {
      volume: s(vol.id, ['sec-vol']),
      volume2: s(vol2.id, ['sec-vol2']),
      snapshot: s(snap.id, ['sec-snap']),
      snapshot2: s(snap2.id, ['sec-snap2']),
      backup: s(bk.id, ['sec-backup']),
      backup2: s(bk2.id, ['sec-backup2']),
      attachment: s(att.id),
      volumeType: s(type.id, ['sec-type']),
      qos: s(qos.id, ['sec-qos']),
      transfer: s(xfer.id, ['sec-transfer']),
    },
    refs: { altVolume: altVol.id, transferKey: xfer.auth_key, altProjectId: altProject, demoProjectId: demoProject },
  };
}

/** A key pair's public key for the fixture (ed25519, made-up key material). */
export const SEC_PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAswVXqfxOkOM1h9osfsETZbgKXK7xQ5XoOozfIXPGGG sec@stacksim';
/** The API id of the fixture's private flavor. */
export const SEC_FLAVOR = 'sec-flavor';

/** The `id` of a view (aggregates answer a number). */
function idOf(view: unknown): string {
  const id = (view as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`a view without an id: ${JSON.stringify(view)}`);
  return String(id);
}

/**
 * Nova's part of the fixture, on DevStack's flavors, cirros image and `private` network: demo's
 * key pair `sec-key`, admin's private flavor `sec-private-flavor` (demo has access; extra spec
 * `hw:cpu_policy`), demo's server group `sec-group` (affinity), demo's server `sec-server`
 * (`m1.tiny`, cirros, `networks: 'auto'`, in `sec-group`, with the key pair, metadata `sec`, tag
 * `sec-tag`, the volume `sec-srv-vol` attached, a daily backup image), and demo's servers in the
 * other states the actions start from (`sec-stopped` SHUTOFF, `sec-paused` PAUSED,
 * `sec-suspended` SUSPENDED, `sec-rescued` RESCUE, `sec-locked` locked, `sec-resized` VERIFY_RESIZE,
 * `sec-shelved` SHELVED, `sec-stranded` in zone `sec-evac-az` (hosts `sec-evac1`, `sec-evac2`) on a
 * host whose nova-compute is forced down); admin's aggregates
 * `sec-agg` (holding `compute2`) and an empty `sec-agg2`; compute1's hypervisor; compute2's and
 * the failed `sec-down`'s nova-compute services.
 */
function buildComputeFixture(cloud: Cloud, sessions: { admin: Session; demo: Session }, ids: { demoProject: string }): NetworkFixture {
  const { admin, demo } = sessions;
  const c = demo.compute;
  const a = admin.compute;
  // demo's key pair; admin's private flavor, with access for demo and an extra spec; demo's server group
  c.importKeypair({ name: 'sec-key', public_key: SEC_PUBLIC_KEY });
  a.createFlavor({ name: 'sec-private-flavor', id: SEC_FLAVOR, ram: 512, vcpus: 1, disk: 1, 'os-flavor-access:is_public': false });
  a.addFlavorAccess(SEC_FLAVOR, { tenant: ids.demoProject });
  a.createFlavorExtraSpecs(SEC_FLAVOR, { extra_specs: { 'hw:cpu_policy': 'shared' } });
  const group = idOf(c.createServerGroup({ name: 'sec-group', policy: 'affinity' }));
  // demo's servers, each in the state its actions start from
  const status = (id: string, want: string): void => {
    const view = c.getServer(id);
    if (view.status !== want) throw new Error(`the fixture's server ${view.name} is ${view.status}, not ${want}: ${JSON.stringify(view.fault ?? null)}`);
  };
  const boot = (name: string, extra: Record<string, unknown> = {}): string => {
    const created = c.createServer({ name, flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto', ...extra });
    if (!('id' in created)) throw new Error(`the fixture's server ${name} was not created`);
    status(created.id, 'ACTIVE');
    return created.id;
  };
  const server = boot('sec-server', { metadata: { sec: 'meta' }, tags: ['sec-tag'], key_name: 'sec-key', 'os:scheduler_hints': { group } });
  const image = c.getServer(server).image;
  const imageId = typeof image === 'object' && image !== null && 'id' in image ? String(image.id) : CIRROS_IMAGE_NAME;
  const action = tablePrefix(cloud.state.compute.actions, `${server}/`)[0]?.[1];
  if (action === undefined) throw new Error('the fixture server has no instance action');
  const port = demo.network.listPorts({ device_id: server })[0];
  if (port === undefined) throw new Error('the fixture server has no port');
  const volume = demo.block.createVolume({ name: 'sec-srv-vol', size: 1 });
  c.attachVolume(server, { volumeId: volume.id });
  c.createServerBackup(server, { name: 'sec-backup-0', backup_type: 'daily', rotation: 2 });
  status(server, 'ACTIVE');
  const stopped = boot('sec-stopped');
  c.stopServer(stopped);
  status(stopped, 'SHUTOFF');
  const paused = boot('sec-paused');
  c.pauseServer(paused);
  status(paused, 'PAUSED');
  const suspended = boot('sec-suspended');
  c.suspendServer(suspended);
  status(suspended, 'SUSPENDED');
  const rescued = boot('sec-rescued');
  c.rescueServer(rescued, {});
  status(rescued, 'RESCUE');
  const locked = boot('sec-locked');
  c.lockServer(locked, { locked_reason: 'sec' });
  // the moves (issue 15): a server resized and awaiting its confirmation; a shelved one (the fixture's
  // nova keeps shelved servers on their host: `shelved_offload_time` -1); a server on a host whose
  // nova-compute is forced down, in a zone of two hosts (so its evacuation has somewhere to go)
  const resized = boot('sec-resized');
  c.resizeServer(resized, { flavorRef: 'c1' });
  status(resized, 'VERIFY_RESIZE');
  const shelved = boot('sec-shelved');
  c.shelveServer(shelved);
  status(shelved, 'SHELVED');
  cloud.hardware.addAvailabilityZone({ name: 'sec-evac-az' });
  for (const name of ['sec-evac1', 'sec-evac2']) cloud.hardware.addHost({ name, ...HOST_SPEC, disks: [{ name: 'sda', size_gb: 100 }], roles: ['compute'], availability_zone: 'sec-evac-az' });
  const stranded = boot('sec-stranded', { availability_zone: 'sec-evac-az' });
  // admin's aggregates; compute1's hypervisor; nova-compute services
  const aggregate = idOf(a.createAggregate({ name: 'sec-agg' }));
  a.addAggregateHost(aggregate, { host: 'compute2' });
  const aggregate2 = idOf(a.createAggregate({ name: 'sec-agg2' }));
  const hypervisor = cloud.hardware.getHost('compute1').id;
  const serviceOf = (host: string): string => idOf(a.listComputeServices({ binary: 'nova-compute', host })[0]);
  a.updateComputeService(serviceOf(String(a.getServer(stranded)['OS-EXT-SRV-ATTR:host'])), { forced_down: true });
  const s = (value: string, aliases: string[] = [], keep = 0): Slot => ({ value, aliases, keep, secret: true, ownUser: false });
  return {
    slots: {
      server: s(server, ['sec-server']),
      stoppedServer: s(stopped, ['sec-stopped']),
      pausedServer: s(paused, ['sec-paused']),
      suspendedServer: s(suspended, ['sec-suspended']),
      rescuedServer: s(rescued, ['sec-rescued']),
      lockedServer: s(locked, ['sec-locked']),
      resizedServer: s(resized, ['sec-resized']),
      shelvedServer: s(shelved, ['sec-shelved']),
      strandedServer: s(stranded, ['sec-stranded']),
      // a key pair is its user's: demo's unscoped token is demo
      keypair: { ...s('sec-key'), ownUser: true },
      privateFlavor: s(SEC_FLAVOR, ['sec-private-flavor']),
      // DevStack's public flavor: every project may read it
      publicFlavor: { ...s('1', ['m1.tiny']), secret: false },
      serverGroup: s(group),
      serverVolume: s(volume.id),
      serverPort: s(port.id),
      serverTag: s('sec-tag'),
      metaKey: s('sec'),
      actionRequest: s(action.request_id, [], 4),
      // admin-only resources: hidden from every project-scoped caller
      computeAggregate: s(aggregate),
      computeAggregate2: s(aggregate2),
      hypervisor: s(hypervisor),
      computeService: s(serviceOf('compute2')),
      computeService2: s(serviceOf('sec-down')),
    },
    // (`demoProjectId` / `altProjectId` are Cinder's part's)
    refs: { cirrosImage: imageId, serverNetwork: 'private' },
  };
}

// ------------------------------------------------------------------ made-up references

/** The same shape as `value` (each letter a letter of the same case, each digit a digit), keeping the first `keep` characters. */
export function reshape(value: string, keep: number, draws: readonly number[]): string {
  const lower = 'abcdefghijklmnopqrstuvwxyz';
  const hexish = /^[0-9a-f-]+$/.test(value.slice(keep));
  let out = value.slice(0, keep);
  for (let i = keep; i < value.length; i++) {
    const c = value.charAt(i);
    const n = draws[i % Math.max(1, draws.length)] ?? i;
    if (hexish && /[0-9a-f]/.test(c)) out += '0123456789abcdef'.charAt((n + i) % 16);
    else if (/[a-z]/.test(c)) out += lower.charAt((n + i) % 26);
    else if (/[A-Z]/.test(c)) out += lower.toUpperCase().charAt((n + i) % 26);
    else if (/[0-9]/.test(c)) out += String((n + i) % 10);
    else out += c;
  }
  return out;
}

// ------------------------------------------------------------------ operations

/** The module a finding is dispatched to. */
export type Module = 'identity' | 'placement/scheduler' | 'image' | 'network' | 'block' | 'compute' | 'object' | 'hardware' | 'core/cloud';

/** One public operation. */
export interface Operation {
  /** `<api>.<method>`, e.g. `session.identity.getProject`, `cloud.object.rebalance`. */
  readonly name: string;
  /**
   * Where the method lives, as a path from a session (`session`, `session.identity`) or from the
   * cloud (`cloud`, `cloud.hardware`, `cloud.anonymous.object`, `cloud.policy.engine()`).
   */
  readonly api: string;
  readonly method: string;
  /** `getter` for an accessor (`cloud.state`, `session.token`). */
  readonly kind: 'method' | 'getter';
  readonly module: Module;
  /** Whether a successful call commits a change (to the state, or to something a later call sees). */
  readonly writes: boolean;
  /** For `session…` operations: the sessions tried in order until one succeeds. */
  readonly callers: readonly SessionName[];
  /** The reference slots the arguments use, each swapped alone for a made-up one by policy_before_lookup. */
  readonly refs: readonly string[];
  /** Arguments that succeed for one of {@link callers} on the fixture (every declared parameter). */
  args(r: Refs): unknown[];
  /** Arguments a caller without the right would send, when they differ (a wrong original password). */
  readonly probeArgs?: (r: Refs) => unknown[];
  /** Why this operation never succeeds on the fixture (an anonymous write): the success-based suites skip it. */
  readonly neverSucceeds?: string;
}

interface Spec {
  readonly refs?: readonly string[];
  readonly writes?: boolean;
  readonly callers?: readonly SessionName[];
  readonly args?: (r: Refs) => unknown[];
  readonly probeArgs?: (r: Refs) => unknown[];
  readonly neverSucceeds?: string;
  readonly kind?: 'method' | 'getter';
}

const ADMINS: readonly SessionName[] = ['systemAdmin', 'admin', 'demo'];
const SYSTEM: readonly SessionName[] = ['systemAdmin'];
const DEMO_FIRST: readonly SessionName[] = ['demo', 'admin', 'systemAdmin'];

function group(api: string, module: Module, defaults: { callers?: readonly SessionName[] }, specs: Record<string, Spec>): Operation[] {
  return Object.entries(specs).map(([method, s]) => ({
    name: `${api}.${method}`,
    api,
    method,
    kind: s.kind ?? 'method',
    module,
    writes: s.writes ?? false,
    callers: s.callers ?? defaults.callers ?? [],
    refs: s.refs ?? [],
    args: s.args ?? (() => []),
    ...(s.probeArgs ? { probeArgs: s.probeArgs } : {}),
    ...(s.neverSucceeds ? { neverSucceeds: s.neverSucceeds } : {}),
  }));
}

const W = true;
const acct = (r: Refs) => ({ account: r.account });

const IDENTITY = group('session.identity', 'identity', { callers: ADMINS }, {
  getToken: {},
  validateToken: { refs: ['token'], args: (r) => [r.token] },
  checkToken: { refs: ['token'], args: (r) => [r.token] },
  revokeToken: { writes: W, refs: ['token'], args: (r) => [r.token] },
  getAuthProjects: {},
  getAuthDomains: {},
  getAuthSystem: {},
  getAuthCatalog: {},
  createDomain: { writes: W, args: () => [{ name: 'sec_new_domain' }] },
  getDomain: { refs: ['domain'], args: (r) => [r.domain] },
  listDomains: { args: () => [{}] },
  updateDomain: { writes: W, refs: ['domain'], args: (r) => [r.domain, { description: 'changed' }] },
  deleteDomain: { writes: W, refs: ['domainOff'], args: (r) => [r.domainOff] },
  createProject: { writes: W, args: () => [{ name: 'sec_new_project' }] },
  getProject: { refs: ['project'], args: (r) => [r.project, {}] },
  listProjects: { args: () => [{}] },
  listUserProjects: { refs: ['user'], args: (r) => [r.user] },
  updateProject: { writes: W, refs: ['project'], args: (r) => [r.project, { description: 'changed' }] },
  deleteProject: { writes: W, refs: ['project'], args: (r) => [r.project] },
  createUser: { writes: W, args: () => [{ name: 'sec_new_user', password: 'new-password-1' }] },
  getUser: { refs: ['user'], args: (r) => [r.user, {}] },
  listUsers: { args: () => [{}] },
  updateUser: { writes: W, refs: ['user'], args: (r) => [r.user, { description: 'changed' }] },
  deleteUser: { writes: W, refs: ['user'], args: (r) => [r.user] },
  changePassword: {
    writes: W,
    refs: ['user'],
    args: (r) => [r.user, { original_password: SEC_PASSWORD, password: 'sec-password-2' }],
    // anyone who knows the original password may change it (Keystone asks no policy): probe with a wrong one
    probeArgs: (r) => [r.user, { original_password: 'not-the-password', password: 'sec-password-2' }],
  },
  createGroup: { writes: W, args: () => [{ name: 'sec_new_group' }] },
  getGroup: { refs: ['group'], args: (r) => [r.group] },
  listGroups: { args: () => [{}] },
  updateGroup: { writes: W, refs: ['group'], args: (r) => [r.group, { description: 'changed' }] },
  deleteGroup: { writes: W, refs: ['group'], args: (r) => [r.group] },
  addUserToGroup: { writes: W, refs: ['group', 'demoUser'], args: (r) => [r.group, r.demoUser] },
  removeUserFromGroup: { writes: W, refs: ['group', 'user'], args: (r) => [r.group, r.user] },
  checkUserInGroup: { refs: ['group', 'user'], args: (r) => [r.group, r.user] },
  listUsersInGroup: { refs: ['group'], args: (r) => [r.group] },
  listGroupsForUser: { refs: ['user'], args: (r) => [r.user] },
  createRole: { writes: W, args: () => [{ name: 'sec_new_role' }] },
  getRole: { refs: ['role'], args: (r) => [r.role] },
  listRoles: { args: () => [{}] },
  updateRole: { writes: W, refs: ['role'], args: (r) => [r.role, { description: 'changed' }] },
  deleteRole: { writes: W, refs: ['role'], args: (r) => [r.role] },
  createImpliedRole: { writes: W, refs: ['role', 'roleMember'], args: (r) => [r.role, r.roleMember] },
  deleteImpliedRole: { writes: W, refs: ['role', 'role2'], args: (r) => [r.role, r.role2] },
  listImpliedRoles: { refs: ['role'], args: (r) => [r.role] },
  getImpliedRole: { refs: ['role', 'role2'], args: (r) => [r.role, r.role2, {}] },
  listRoleInferenceRules: {},
  createGrant: { writes: W, refs: ['role2', 'user', 'project'], args: (r) => [{ role: r.role2, user: r.user, project: r.project }] },
  deleteGrant: { writes: W, refs: ['role', 'user', 'project'], args: (r) => [{ role: r.role, user: r.user, project: r.project }] },
  checkGrant: { refs: ['role', 'user', 'project'], args: (r) => [{ role: r.role, user: r.user, project: r.project }] },
  listRoleAssignments: { refs: ['user'], args: (r) => [{ user: r.user }] },
  createApplicationCredential: { writes: W, callers: ['demo'], refs: ['demoUser'], args: (r) => [r.demoUser, { name: 'sec_new_appcred' }] },
  listApplicationCredentials: { callers: DEMO_FIRST, refs: ['demoUser'], args: (r) => [r.demoUser] },
  getApplicationCredential: { callers: DEMO_FIRST, refs: ['demoUser', 'appcred'], args: (r) => [r.demoUser, r.appcred] },
  deleteApplicationCredential: { writes: W, callers: DEMO_FIRST, refs: ['demoUser', 'appcred'], args: (r) => [r.demoUser, r.appcred] },
  createRegion: { writes: W, args: () => [{ id: 'sec-new-region' }] },
  listRegions: {},
  getRegion: { refs: ['region'], args: (r) => [r.region] },
  deleteRegion: { writes: W, refs: ['region'], args: (r) => [r.region] },
  createService: { writes: W, args: () => [{ type: 'sec-new' }] },
  listServices: { args: () => [{}] },
  getService: { refs: ['service'], args: (r) => [r.service] },
  deleteService: { writes: W, refs: ['service'], args: (r) => [r.service] },
  createEndpoint: { writes: W, refs: ['service'], args: (r) => [{ service_id: r.service, interface: 'internal', region_id: 'RegionOne', url: 'http://sec.example:4321/' }] },
  listEndpoints: { args: () => [{}] },
  getEndpoint: { refs: ['endpoint'], args: (r) => [r.endpoint] },
  deleteEndpoint: { writes: W, refs: ['endpoint'], args: (r) => [r.endpoint] },
});

const inv = (total: number) => ({ total });
const PLACEMENT = group('session.placement', 'placement/scheduler', { callers: SYSTEM }, {
  listResourceProviders: { args: () => [{}] },
  createResourceProvider: { writes: W, args: () => [{ name: 'sec-rp-new' }] },
  getResourceProvider: { refs: ['provider'], args: (r) => [r.provider] },
  updateResourceProvider: { writes: W, refs: ['provider'], args: (r) => [r.provider, { name: 'sec-rp-renamed' }] },
  deleteResourceProvider: { writes: W, refs: ['emptyProvider'], args: (r) => [r.emptyProvider] },
  getInventories: { refs: ['provider'], args: (r) => [r.provider] },
  setInventories: { writes: W, refs: ['provider'], args: (r) => [r.provider, { resource_provider_generation: r.providerGeneration, inventories: { VCPU: inv(16), MEMORY_MB: inv(4096) } }] },
  createInventory: { writes: W, refs: ['provider'], args: (r) => [r.provider, { resource_class: 'DISK_GB', total: 100, resource_provider_generation: r.providerGeneration }] },
  getInventory: { refs: ['provider'], args: (r) => [r.provider, 'VCPU'] },
  setInventory: { writes: W, refs: ['provider'], args: (r) => [r.provider, 'VCPU', { total: 16, resource_provider_generation: r.providerGeneration }] },
  deleteInventories: { writes: W, refs: ['emptyProvider'], args: (r) => [r.emptyProvider] },
  deleteInventory: { writes: W, refs: ['emptyProvider'], args: (r) => [r.emptyProvider, 'VCPU', r.emptyGeneration] },
  getProviderUsages: { refs: ['provider'], args: (r) => [r.provider] },
  getUsages: { refs: ['demoProject'], args: (r) => [r.demoProject, {}] },
  getUsagesByConsumerType: { refs: ['demoProject'], args: (r) => [r.demoProject, {}] },
  getProviderTraits: { refs: ['provider'], args: (r) => [r.provider] },
  setProviderTraits: { writes: W, refs: ['provider', 'trait'], args: (r) => [r.provider, { resource_provider_generation: r.providerGeneration, traits: [r.trait, 'HW_CPU_X86_AVX2'] }] },
  deleteProviderTraits: { writes: W, refs: ['provider'], args: (r) => [r.provider] },
  getProviderAggregates: { refs: ['provider'], args: (r) => [r.provider] },
  setProviderAggregates: { writes: W, refs: ['provider'], args: (r) => [r.provider, { resource_provider_generation: r.providerGeneration, aggregates: [r.aggregate, '6b0de3b2-8c4f-4d62-ae1f-203b4c5d6e7f'] }] },
  listTraits: { args: () => [{}] },
  createTrait: { writes: W, args: () => ['CUSTOM_SEC_NEW'] },
  getTrait: { refs: ['trait'], args: (r) => [r.trait] },
  deleteTrait: { writes: W, refs: ['freeTrait'], args: (r) => [r.freeTrait] },
  listResourceClasses: {},
  createResourceClass: { writes: W, args: () => ['CUSTOM_SEC_NEW_RC'] },
  getResourceClass: { refs: ['resourceClass'], args: (r) => [r.resourceClass] },
  ensureResourceClass: { writes: W, args: () => ['CUSTOM_SEC_NEW_RC2'] },
  deleteResourceClass: { writes: W, refs: ['freeClass'], args: (r) => [r.freeClass] },
  getAllocations: { refs: ['consumer'], args: (r) => [r.consumer] },
  putAllocations: {
    writes: W,
    refs: ['consumer', 'provider'],
    args: (r) => [r.consumer, { allocations: { [r.provider as string]: { resources: { VCPU: 2 } } }, project_id: r.demoProject, user_id: r.demoUser, consumer_generation: r.consumerGeneration }],
  },
  postAllocations: {
    writes: W,
    refs: ['provider'],
    args: (r) => [{ '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f': { allocations: { [r.provider as string]: { resources: { VCPU: 1 } } }, project_id: r.demoProject, user_id: r.demoUser, consumer_generation: null } }],
  },
  deleteAllocations: { writes: W, refs: ['consumer'], args: (r) => [r.consumer] },
  getProviderAllocations: { refs: ['provider'], args: (r) => [r.provider] },
  getAllocationCandidates: { args: () => [{ resources: { VCPU: 1 } }] },
  capacityOf: { refs: ['provider'], args: (r) => [r.provider, 'VCPU'] },
});

const IMAGE = group('session.image', 'image', { callers: DEMO_FIRST }, {
  createImage: { writes: W, args: () => [{ name: 'sec-new-image', disk_format: 'raw', container_format: 'bare' }] },
  getImage: { refs: ['image'], args: (r) => [r.image] },
  listImages: { args: () => [{}] },
  updateImage: { writes: W, refs: ['image'], args: (r) => [r.image, [{ op: 'replace', path: '/name', value: 'sec-renamed' }]] },
  deleteImage: { writes: W, refs: ['image'], args: (r) => [r.image] },
  deactivateImage: { writes: W, refs: ['image'], args: (r) => [r.image] },
  reactivateImage: { writes: W, refs: ['image'], args: (r) => [r.image] },
  addImageTag: { writes: W, refs: ['image'], args: (r) => [r.image, 'sec-tag-new'] },
  deleteImageTag: { writes: W, refs: ['image', 'tag'], args: (r) => [r.image, r.tag] },
  uploadImageData: { writes: W, refs: ['queuedImage'], args: (r) => [r.queuedImage, 'new image bytes'] },
  downloadImageData: { refs: ['image'], args: (r) => [r.image] },
  downloadImageFile: { refs: ['image'], args: (r) => [r.image] },
  getImportInfo: {},
  listStores: { neverSucceeds: "Glance answers 404 'Multi backend is not supported at this site.' without enabled_backends" },
  getSchema: { args: () => ['image'] },
  stageImageData: { writes: W, refs: ['queuedImage'], args: (r) => [r.queuedImage, 'new staged bytes'] },
  importImage: { writes: W, refs: ['stagedImage'], args: (r) => [r.stagedImage, { method: { name: 'glance-direct' } }] },
  listImageTasks: { refs: ['image'], args: (r) => [r.image] },
  createImageMember: { writes: W, refs: ['sharedImage'], args: (r) => [r.sharedImage, { member: r.altProject }] },
  listImageMembers: { refs: ['sharedImage'], args: (r) => [r.sharedImage] },
  getImageMember: { refs: ['sharedImage', 'member'], args: (r) => [r.sharedImage, r.member] },
  updateImageMember: { writes: W, callers: ['admin', 'systemAdmin', 'demo'], refs: ['sharedImage', 'member'], args: (r) => [r.sharedImage, r.member, { status: 'accepted' }] },
  deleteImageMember: { writes: W, refs: ['sharedImage', 'member'], args: (r) => [r.sharedImage, r.member] },
});

/**
 * Neutron's methods. Demo's resources are the references (each hidden from alt_demo); the
 * public network, which every project sees, is a plain value. Deletions take what may go
 * (`sec-net2` with only its DHCP port, the empty `sec-router2`); admin-only calls (agents,
 * another project's quotas, the agents hosting a network or router) succeed for the admin.
 */
const NETWORK = group('session.network', 'network', { callers: DEMO_FIRST }, {
  createNetwork: { writes: W, args: () => [{ name: 'sec-new-net' }] },
  getNetwork: { refs: ['network'], args: (r) => [r.network] },
  listNetworks: { args: () => [{}] },
  updateNetwork: { writes: W, refs: ['network'], args: (r) => [r.network, { name: 'sec-renamed-net' }] },
  deleteNetwork: { writes: W, refs: ['network2'], args: (r) => [r.network2] },
  createSubnet: { writes: W, refs: ['network'], args: (r) => [{ network_id: r.network, ip_version: 4, cidr: '192.168.60.0/24', name: 'sec-new-subnet' }] },
  getSubnet: { refs: ['subnet'], args: (r) => [r.subnet] },
  listSubnets: { args: () => [{}] },
  updateSubnet: { writes: W, refs: ['subnet'], args: (r) => [r.subnet, { name: 'sec-renamed-subnet' }] },
  deleteSubnet: { writes: W, refs: ['subnet2'], args: (r) => [r.subnet2] },
  createSubnetPool: { writes: W, args: () => [{ name: 'sec-new-pool', prefixes: ['192.168.192.0/20'], default_prefixlen: 26 }] },
  getSubnetPool: { refs: ['subnetPool'], args: (r) => [r.subnetPool] },
  listSubnetPools: { args: () => [{}] },
  updateSubnetPool: { writes: W, refs: ['subnetPool'], args: (r) => [r.subnetPool, { name: 'sec-renamed-pool' }] },
  deleteSubnetPool: { writes: W, refs: ['subnetPool'], args: (r) => [r.subnetPool] },
  createPort: { writes: W, refs: ['network'], args: (r) => [{ network_id: r.network, name: 'sec-new-port' }] },
  getPort: { refs: ['port'], args: (r) => [r.port] },
  listPorts: { args: () => [{}] },
  updatePort: { writes: W, refs: ['port'], args: (r) => [r.port, { name: 'sec-renamed-port' }] },
  deletePort: { writes: W, refs: ['port'], args: (r) => [r.port] },
  createRouter: { writes: W, args: (r) => [{ name: 'sec-new-router', external_gateway_info: { network_id: r.publicNetwork } }] },
  getRouter: { refs: ['router'], args: (r) => [r.router] },
  listRouters: { args: () => [{}] },
  updateRouter: { writes: W, refs: ['router'], args: (r) => [r.router, { name: 'sec-renamed-router' }] },
  deleteRouter: { writes: W, refs: ['router2'], args: (r) => [r.router2] },
  addRouterInterface: { writes: W, refs: ['router', 'subnet2'], args: (r) => [r.router, { subnet_id: r.subnet2 }] },
  removeRouterInterface: { writes: W, refs: ['router', 'subnet'], args: (r) => [r.router, { subnet_id: r.subnet }] },
  listL3AgentsHostingRouter: { refs: ['router'], args: (r) => [r.router] },
  createFloatingIp: { writes: W, args: (r) => [{ floating_network_id: r.publicNetwork }] },
  getFloatingIp: { refs: ['floatingip'], args: (r) => [r.floatingip] },
  listFloatingIps: { args: () => [{}] },
  updateFloatingIp: { writes: W, refs: ['floatingip', 'port'], args: (r) => [r.floatingip, { port_id: r.port }] },
  deleteFloatingIp: { writes: W, refs: ['floatingip'], args: (r) => [r.floatingip] },
  createSecurityGroup: { writes: W, args: () => [{ name: 'sec-new-sg' }] },
  getSecurityGroup: { refs: ['securityGroup'], args: (r) => [r.securityGroup] },
  listSecurityGroups: { args: () => [{}] },
  updateSecurityGroup: { writes: W, refs: ['securityGroup'], args: (r) => [r.securityGroup, { description: 'changed' }] },
  deleteSecurityGroup: { writes: W, refs: ['securityGroup'], args: (r) => [r.securityGroup] },
  createSecurityGroupRule: {
    writes: W,
    refs: ['securityGroup'],
    args: (r) => [{ security_group_id: r.securityGroup, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 443, port_range_max: 443 }],
  },
  getSecurityGroupRule: { refs: ['securityGroupRule'], args: (r) => [r.securityGroupRule] },
  listSecurityGroupRules: { args: () => [{}] },
  deleteSecurityGroupRule: { writes: W, refs: ['securityGroupRule'], args: (r) => [r.securityGroupRule] },
  createRbacPolicy: { writes: W, refs: ['network'], args: (r) => [{ object_type: 'network', object_id: r.network, action: 'access_as_shared', target_tenant: r.altProject }] },
  getRbacPolicy: { refs: ['rbacPolicy'], args: (r) => [r.rbacPolicy] },
  listRbacPolicies: { args: () => [{}] },
  updateRbacPolicy: { writes: W, refs: ['rbacPolicy'], args: (r) => [r.rbacPolicy, { target_tenant: r.altProject }] },
  deleteRbacPolicy: { writes: W, refs: ['rbacPolicy'], args: (r) => [r.rbacPolicy] },
  getQuota: { refs: ['demoProject'], args: (r) => [r.demoProject] },
  getQuotaDetails: { refs: ['demoProject'], args: (r) => [r.demoProject] },
  getQuotaDefault: { refs: ['demoProject'], args: (r) => [r.demoProject] },
  listQuotas: {},
  updateQuota: { writes: W, refs: ['demoProject'], args: (r) => [r.demoProject, { network: 20 }] },
  resetQuota: { writes: W, refs: ['demoProject'], args: (r) => [r.demoProject] },
  listAgents: { args: () => [{}] },
  getAgent: { refs: ['agent'], args: (r) => [r.agent] },
  updateAgent: { writes: W, refs: ['agent'], args: (r) => [r.agent, { description: 'changed' }] },
  deleteAgent: { writes: W, refs: ['agent'], args: (r) => [r.agent] },
  listDhcpAgentsHostingNetwork: { refs: ['network'], args: (r) => [r.network] },
  explainReachability: { refs: ['port'], args: (r) => [{ from: r.port, to: 'internet', protocol: 'tcp', port: 80 }] },
});

/** Swift's methods with the fixture's arguments; `pub` gives the public container's instead. */
function objectSpecs(pub: boolean): Record<string, Spec> {
  const c = pub ? 'publicContainer' : 'container';
  const o = pub ? 'publicObject' : 'object';
  const never = pub ? 'anonymous requests may only read (.r: ACLs)' : undefined;
  const w = (spec: Spec): Spec => ({ ...spec, writes: W, ...(never ? { neverSucceeds: never } : {}) });
  return {
    info: {},
    headAccount: { ...(pub ? { neverSucceeds: 'an account is its owner\'s only' } : {}), refs: ['account'], args: (r) => [acct(r)] },
    getAccount: { ...(pub ? { neverSucceeds: 'an account is its owner\'s only' } : {}), refs: ['account'], args: (r) => [{}, acct(r)] },
    postAccount: w({ refs: ['account'], args: (r) => [{ 'X-Account-Meta-Sec': '1' }, acct(r)] }),
    putContainer: w({ refs: ['account'], args: (r) => ['sec-new-container', {}, acct(r)] }),
    headContainer: { refs: ['account', c], args: (r) => [r[c], acct(r)] },
    getContainer: { refs: ['account', c], args: (r) => [r[c], {}, acct(r)] },
    postContainer: w({ refs: ['account', c], args: (r) => [r[c], { 'X-Container-Meta-Sec': '1' }, acct(r)] }),
    deleteContainer: w({ refs: ['account', pub ? c : 'emptyContainer'], args: (r) => [r[pub ? c : 'emptyContainer'], acct(r)] }),
    putObject: w({ refs: ['account', c], args: (r) => [r[c], 'sec-new-object', 'new object bytes', {}, acct(r)] }),
    putStaticLargeObject: w({ refs: ['account', c, o], args: (r) => [r[c], 'sec-slo', [{ path: `${String(r[c])}/${String(r[o])}` }], {}, acct(r)] }),
    headObject: { refs: ['account', c, o], args: (r) => [r[c], r[o], acct(r)] },
    getObject: { refs: ['account', c, o], args: (r) => [r[c], r[o], {}, acct(r)] },
    postObject: w({ refs: ['account', c, o], args: (r) => [r[c], r[o], { 'X-Object-Meta-Sec': '1' }, acct(r)] }),
    deleteObject: w({ refs: ['account', c, o], args: (r) => [r[c], r[o], acct(r)] }),
    copyObject: w({ refs: ['account', c, o], args: (r) => [r[c], r[o], `${String(r[c])}/sec-copy`, {}, acct(r)] }),
  };
}

const OBJECT = group('session.object', 'object', { callers: DEMO_FIRST }, objectSpecs(false));
const ANONYMOUS_OBJECT = group('cloud.anonymous.object', 'object', {}, objectSpecs(true));

const SESSION = group('session', 'identity', { callers: DEMO_FIRST }, {
  token: { kind: 'getter' },
  tokenInfo: {},
  rescope: { writes: W, args: () => [{ project: 'demo' }] },
  logout: { writes: W },
});

const HARDWARE = group('cloud.hardware', 'hardware', {}, {
  addRegion: { writes: W, args: () => [{ name: 'SecRegion' }] },
  addAvailabilityZone: { writes: W, args: () => [{ name: 'sec-az' }] },
  addRack: { writes: W, args: () => [{ name: 'sec-rack' }] },
  addHostModel: { writes: W, args: () => [{ name: 'sec-model', ...HOST_SPEC }] },
  addHost: { writes: W, args: () => [{ name: 'sec-host', ...HOST_SPEC, roles: ['compute'] }] },
  updateHost: { writes: W, args: (r) => [r.host, { memory_mb: 32768 }] },
  removeHost: { writes: W, args: (r) => [r.host] },
  failHost: { writes: W, args: (r) => [r.host, 'injected'] },
  recoverHost: { writes: W, args: (r) => [r.downHost] },
  startMaintenance: { writes: W, args: (r) => [r.host, 'planned'] },
  getHost: { args: (r) => [r.host] },
  listHosts: { args: () => [{}] },
  listRegions: {},
  listAvailabilityZones: {},
  listRacks: {},
  inventory: { args: () => [{}] },
  plan: { args: () => [PLAN_INPUT] },
});

const SCHEDULER = group('cloud.scheduler', 'placement/scheduler', {}, {
  computeConfig: { args: (r) => [r.host] },
  setComputeConfig: { writes: W, args: (r) => [r.host, { cpu_allocation_ratio: 4 }] },
  schedulerConfig: {},
  setSchedulerConfig: { writes: W, args: () => [{ filter_scheduler: { host_subset_size: 2 } }] },
  selectDestinations: { writes: W, args: () => [{ flavor: { name: 'f', vcpus: 1, memory_mb: 512, root_gb: 0 }, project_id: 'p', user_id: 'u', num_instances: 1 }] },
  usage: {},
});

const OBJECT_OPERATOR = group('cloud.object', 'object', {}, {
  rings: {},
  builderOf: { args: (r) => [r.ring] },
  addDevice: { writes: W, args: (r) => [r.ring, { region: 1, zone: 1, ip: 'sec-storage', port: 6200, device: 'sdc', weight: 100 }] },
  removeDevice: { writes: W, args: (r) => [r.ring, r.device] },
  setDeviceWeight: { writes: W, args: (r) => [r.ring, r.device, 50] },
  setOverload: { writes: W, args: (r) => [r.ring, 0.1] },
  setReplicas: { writes: W, args: (r) => [r.ring, 2] },
  rebalance: { writes: W, args: (r) => [r.ring] },
  getNodes: { args: (r) => [r.account, r.container, r.object] },
  locate: { args: (r) => [r.account, r.container, r.object] },
  usage: {},
  failDisk: { writes: W, args: (r) => [r.storageHost, r.storageDisk] },
  replaceDisk: { writes: W, args: (r) => [r.failedHost, r.failedDisk] },
  replicate: { writes: W },
});

const CLOUD = group('cloud', 'core/cloud', {}, {
  login: { writes: W, args: () => [{ username: 'demo', password: PASSWORD, project: 'demo' }] },
  session: { args: () => ['gAAAAAsecurity-made-up-token'] },
  admin: { kind: 'getter', writes: W },
  systemAdmin: { kind: 'getter', writes: W },
  clock: { kind: 'getter' },
  quotas: { kind: 'getter' },
  state: { kind: 'getter' },
  events: { kind: 'getter' },
  lastRequestId: { kind: 'getter' },
  batch: { writes: W, args: () => [() => 1] },
  run: { writes: W },
  snapshot: {},
  restore: { writes: W, args: (r) => [r.base] },
  fork: {},
  toJSON: {},
  trace: { args: (r) => [r.requestId] },
  picture: {}, // the datacenter, drawn on a fork: the cloud's state stays the same object
  toHTML: {},
  toSVG: {},
});

const ADMIN_CREDS = { user_id: 'u', project_id: 'p', roles: ['admin', 'member', 'reader'], system_scope: 'all' };
const POLICY_SPECS: Record<string, Spec> = {
  getRule: { args: () => ['identity:get_project'] },
  listRules: {},
  setRule: { writes: W, args: () => ['sec:custom', '@'] },
  resetRule: { writes: W, args: () => ['identity:get_project'] },
  enforce: { args: () => ['identity:list_regions', ADMIN_CREDS, {}] },
  authorize: { args: () => ['identity:list_regions', ADMIN_CREDS, {}] },
};
const POLICY = group('cloud.policy', 'core/cloud', {}, {
  ...POLICY_SPECS,
  configure: { writes: W, args: () => [{ enforceScope: true }] },
});
const CLOCK = group('cloud.clock', 'core/cloud', {}, {
  now: {},
  iso: { args: () => [0] },
  advance: { writes: W, args: () => [1] },
});
const QUOTAS = group('cloud.quotas', 'core/cloud', {}, {
  resources: {},
  show: { args: (r) => [r.demoProject, undefined] },
  setLimit: { writes: W, args: (r) => [r.demoProject, 'network.port', 10] },
  setDefault: { writes: W, args: () => ['network.port', 10] },
});

/**
 * Cinder's methods. Demo's volumes are the references (each hidden from alt_demo); deletions take
 * `sec-vol2`; admin-only calls (force delete, the scheduler's explanation, which shows the pools)
 * succeed for the admin.
 */
const BLOCK = group('session.block', 'block', { callers: DEMO_FIRST }, {
  createVolume: { writes: W, args: () => [{ size: 1, name: 'sec-new-vol' }] },
  getVolume: { refs: ['volume'], args: (r) => [r.volume] },
  listVolumes: { args: () => [{}] },
  listVolumeSummaries: { args: () => [{}] },
  updateVolume: { writes: W, refs: ['volume'], args: (r) => [r.volume, { name: 'sec-renamed-vol' }] },
  deleteVolume: { writes: W, refs: ['volume2'], args: (r) => [r.volume2, { cascade: false }] },
  forceDeleteVolume: { writes: W, callers: ['admin'], refs: ['volume2'], args: (r) => [r.volume2] },
  extendVolume: { writes: W, refs: ['volume'], args: (r) => [r.volume, { new_size: 2 }] },
  writeVolumeData: { writes: W, refs: ['volume'], args: (r) => [r.volume, 0, 'sec'] },
  readVolumeData: { refs: ['volume'], args: (r) => [r.volume, 0, 3] },
  explainVolumeScheduling: { callers: ['admin'], args: () => [{ size: 1 }] },
  createSnapshot: { writes: W, refs: ['volume'], args: (r) => [{ volume_id: r.volume, name: 'sec-new-snap' }] },
  getSnapshot: { refs: ['snapshot'], args: (r) => [r.snapshot] },
  listSnapshots: { args: () => [{}] },
  listSnapshotSummaries: { args: () => [{}] },
  updateSnapshot: { writes: W, refs: ['snapshot'], args: (r) => [r.snapshot, { name: 'sec-renamed-snap' }] },
  deleteSnapshot: { writes: W, refs: ['snapshot2'], args: (r) => [r.snapshot2] },
  forceDeleteSnapshot: { writes: W, callers: ['admin'], refs: ['snapshot2'], args: (r) => [r.snapshot2] },
  resetSnapshotStatus: { writes: W, callers: ['admin'], refs: ['snapshot'], args: (r) => [r.snapshot, { status: 'available' }] },
  getSnapshotMetadata: { refs: ['snapshot'], args: (r) => [r.snapshot] },
  getSnapshotMetadataItem: { refs: ['snapshot'], args: (r) => [r.snapshot, 'sec'] },
  createSnapshotMetadata: { writes: W, refs: ['snapshot'], args: (r) => [r.snapshot, { metadata: { a: 'b' } }] },
  replaceSnapshotMetadata: { writes: W, refs: ['snapshot'], args: (r) => [r.snapshot, { metadata: { sec: 'x' } }] },
  updateSnapshotMetadataItem: { writes: W, refs: ['snapshot'], args: (r) => [r.snapshot, 'sec', { meta: { sec: 'y' } }] },
  deleteSnapshotMetadataItem: { writes: W, refs: ['snapshot'], args: (r) => [r.snapshot, 'sec'] },
  revertVolumeToSnapshot: { writes: W, refs: ['volume', 'snapshot'], args: (r) => [r.volume, { snapshot_id: r.snapshot }] },
  createBackup: { writes: W, refs: ['volume'], args: (r) => [{ volume_id: r.volume }] },
  getBackup: { refs: ['backup'], args: (r) => [r.backup] },
  listBackups: { args: () => [{}] },
  listBackupSummaries: { args: () => [{}] },
  updateBackup: { writes: W, refs: ['backup'], args: (r) => [r.backup, { name: 'sec-renamed-backup' }] },
  deleteBackup: { writes: W, refs: ['backup2'], args: (r) => [r.backup2] },
  restoreBackup: { writes: W, refs: ['backup'], args: (r) => [r.backup, {}] },
  getQuotaSet: { refs: ['demoProject'], args: (r) => [r.demoProject, { usage: true }] },
  getQuotaSetDefaults: { refs: ['demoProject'], args: (r) => [r.demoProject] },
  updateQuotaSet: { writes: W, callers: ['admin'], refs: ['demoProject'], args: (r) => [r.demoProject, { volumes: 20 }] },
  deleteQuotaSet: { writes: W, callers: ['admin'], refs: ['demoProject'], args: (r) => [r.demoProject] },
  getLimits: { args: () => [{}] },
  listPools: { callers: ['admin'], args: () => [{ detail: true }] },
  listServices: { callers: ['admin'], args: () => [{}] },
  updateService: { writes: W, callers: ['admin'], args: () => ['enable', { host: 'controller', binary: 'cinder-volume' }] },
  listAvailabilityZones: { args: () => [] },
  createAttachment: { writes: W, refs: ['volume2'], args: (r) => [{ volume_uuid: r.volume2, instance_uuid: SEC_INSTANCE }, {}] },
  getAttachment: { refs: ['attachment'], args: (r) => [r.attachment, {}] },
  listAttachments: { args: () => [{}, {}] },
  listAttachmentSummaries: { args: () => [{}, {}] },
  updateAttachment: { writes: W, refs: ['attachment'], args: (r) => [r.attachment, { connector: { initiator: 'iqn.sec', host: 'sec-host' } }, {}] },
  completeAttachment: { writes: W, refs: ['attachment'], args: (r) => [r.attachment, {}] },
  deleteAttachment: { writes: W, refs: ['attachment'], args: (r) => [r.attachment, {}] },
  retypeVolume: { writes: W, refs: ['volume'], args: (r) => [r.volume, { new_type: '__DEFAULT__' }] },
  migrateVolume: { writes: W, callers: ['admin'], refs: ['volume2'], args: (r) => [r.volume2, { host: 'sec-storage@lvmdriver-1' }] },
  uploadVolumeToImage: { writes: W, refs: ['volume'], args: (r) => [r.volume, { image_name: 'sec-upload' }] },
  resetVolumeStatus: { writes: W, callers: ['admin'], refs: ['volume'], args: (r) => [r.volume, { status: 'available' }] },
  updateVolumeReadonlyFlag: { writes: W, refs: ['volume'], args: (r) => [r.volume, { readonly: true }] },
  setVolumeBootable: { writes: W, refs: ['volume'], args: (r) => [r.volume, { bootable: true }] },
  getVolumeMetadata: { refs: ['volume'], args: (r) => [r.volume] },
  getVolumeMetadataEtag: { refs: ['volume'], args: (r) => [r.volume] },
  createVolumeMetadata: { writes: W, refs: ['volume'], args: (r) => [r.volume, { metadata: { sec2: 'x' } }] },
  replaceVolumeMetadata: { writes: W, refs: ['volume'], args: (r) => [r.volume, { metadata: { sec: 'y' } }, {}] },
  getVolumeMetadataItem: { refs: ['volume'], args: (r) => [r.volume, 'sec'] },
  updateVolumeMetadataItem: { writes: W, refs: ['volume'], args: (r) => [r.volume, 'sec', { meta: { sec: 'z' } }, {}] },
  deleteVolumeMetadataItem: { writes: W, refs: ['volume'], args: (r) => [r.volume, 'sec'] },
  getVolumeImageMetadata: { refs: ['volume'], args: (r) => [r.volume] },
  setVolumeImageMetadata: { writes: W, refs: ['volume'], args: (r) => [r.volume, { metadata: { sec_image: 'y' } }] },
  unsetVolumeImageMetadata: { writes: W, refs: ['volume'], args: (r) => [r.volume, { key: 'sec_image' }] },
  createVolumeType: { writes: W, callers: ['admin'], args: () => [{ name: 'sec-new-type' }] },
  getVolumeType: { refs: ['volumeType'], args: (r) => [r.volumeType] },
  getDefaultVolumeType: {},
  listVolumeTypes: { args: () => [{}] },
  updateVolumeType: { writes: W, callers: ['admin'], refs: ['volumeType'], args: (r) => [r.volumeType, { description: 'changed' }] },
  deleteVolumeType: { writes: W, callers: ['admin'], refs: ['volumeType'], args: (r) => [r.volumeType] },
  listVolumeTypeExtraSpecs: { refs: ['volumeType'], args: (r) => [r.volumeType] },
  getVolumeTypeExtraSpec: { callers: ['admin'], refs: ['volumeType'], args: (r) => [r.volumeType, 'sec:key'] },
  createVolumeTypeExtraSpecs: { writes: W, callers: ['admin'], refs: ['volumeType'], args: (r) => [r.volumeType, { extra_specs: { 'sec:new': 'v' } }] },
  updateVolumeTypeExtraSpec: { writes: W, callers: ['admin'], refs: ['volumeType'], args: (r) => [r.volumeType, 'sec:key', { 'sec:key': 'w' }] },
  deleteVolumeTypeExtraSpec: { writes: W, callers: ['admin'], refs: ['volumeType'], args: (r) => [r.volumeType, 'sec:key'] },
  listVolumeTypeAccess: { callers: ['admin'], refs: ['volumeType'], args: (r) => [r.volumeType] },
  addVolumeTypeAccess: { writes: W, callers: ['admin'], refs: ['volumeType'], args: (r) => [r.volumeType, { project: r.altProjectId }] },
  removeVolumeTypeAccess: { writes: W, callers: ['admin'], refs: ['volumeType'], args: (r) => [r.volumeType, { project: r.demoProjectId }] },
  createQosSpecs: { writes: W, callers: ['admin'], args: () => [{ name: 'sec-new-qos', total_iops_sec: '10' }] },
  getQosSpecs: { callers: ['admin'], refs: ['qos'], args: (r) => [r.qos] },
  listQosSpecs: { callers: ['admin'], args: () => [{}] },
  setQosSpecsKeys: { writes: W, callers: ['admin'], refs: ['qos'], args: (r) => [r.qos, { read_iops_sec: '10' }] },
  unsetQosSpecsKeys: { writes: W, callers: ['admin'], refs: ['qos'], args: (r) => [r.qos, { keys: ['total_iops_sec'] }] },
  deleteQosSpecs: { writes: W, callers: ['admin'], refs: ['qos'], args: (r) => [r.qos, { force: true }] },
  listQosSpecsAssociations: { callers: ['admin'], refs: ['qos'], args: (r) => [r.qos] },
  associateQosSpecs: { writes: W, callers: ['admin'], refs: ['qos', 'volumeType'], args: (r) => [r.qos, r.volumeType] },
  disassociateQosSpecs: { writes: W, callers: ['admin'], refs: ['qos', 'volumeType'], args: (r) => [r.qos, r.volumeType] },
  disassociateAllQosSpecs: { writes: W, callers: ['admin'], refs: ['qos'], args: (r) => [r.qos] },
  createVolumeTransfer: { writes: W, refs: ['volume2'], args: (r) => [{ volume_id: r.volume2 }] },
  getVolumeTransfer: { refs: ['transfer'], args: (r) => [r.transfer] },
  listVolumeTransfers: { args: () => [{}] },
  listVolumeTransferSummaries: { args: () => [{}] },
  deleteVolumeTransfer: { writes: W, refs: ['transfer'], args: (r) => [r.transfer] },
  acceptVolumeTransfer: { writes: W, args: (r) => [r.transfer, { auth_key: r.transferKey }], probeArgs: (r) => [r.transfer, { auth_key: '0000000000000000' }] },
});

/**
 * Nova's methods (every method of `src/compute/api.ts`). Demo's servers, key pair, server group
 * and the private flavor are the references (each hidden from alt_demo); DevStack's public flavor
 * is a reference every project may read. Each action runs on the server in the state it starts
 * from (`sec-stopped` for start, `sec-paused` for unpause, …); deletions take what may go (the
 * empty aggregate `sec-agg2`, the nova-compute service of the failed host `sec-down`); admin-only
 * calls (flavor management, quotas of a project, hypervisors, cells, aggregates, services) succeed
 * for the admin.
 */
/** Why the server migrations' calls on one migration never succeed on the fixture. */
const NO_LIVE_MIGRATION = "a live migration in progress: an 'immediate' cloud ends every one inside its call (tests/compute/live_migration.test.ts and server_migrations.test.ts cover them in 'clock')";

const COMPUTE = group('session.compute', 'compute', { callers: DEMO_FIRST }, {
  // servers
  createServer: { writes: W, args: () => [{ name: 'sec-new-server', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'none' }] },
  getServer: { refs: ['server'], args: (r) => [r.server] },
  listServers: { args: () => [{}] },
  listServerSummaries: { args: () => [{}] },
  updateServer: { writes: W, refs: ['server'], args: (r) => [r.server, { name: 'sec-renamed-server' }] },
  deleteServer: { writes: W, refs: ['server'], args: (r) => [r.server] },
  // flavors, their access and extra specs
  listFlavors: { args: () => [{}] },
  listFlavorSummaries: { args: () => [{}] },
  getFlavor: { refs: ['privateFlavor'], args: (r) => [r.privateFlavor] },
  createFlavor: { writes: W, callers: ['admin'], args: () => [{ name: 'sec-new-flavor', ram: 512, vcpus: 1, disk: 1 }] },
  updateFlavor: { writes: W, callers: ['admin'], refs: ['privateFlavor'], args: (r) => [r.privateFlavor, { description: 'changed' }] },
  deleteFlavor: { writes: W, callers: ['admin'], refs: ['privateFlavor'], args: (r) => [r.privateFlavor] },
  listFlavorAccess: { callers: ['admin'], refs: ['privateFlavor'], args: (r) => [r.privateFlavor] },
  addFlavorAccess: { writes: W, callers: ['admin'], refs: ['privateFlavor'], args: (r) => [r.privateFlavor, { tenant: r.altProjectId }] },
  removeFlavorAccess: { writes: W, callers: ['admin'], refs: ['privateFlavor'], args: (r) => [r.privateFlavor, { tenant: r.demoProjectId }] },
  listFlavorExtraSpecs: { refs: ['privateFlavor'], args: (r) => [r.privateFlavor] },
  getFlavorExtraSpec: { refs: ['privateFlavor'], args: (r) => [r.privateFlavor, 'hw:cpu_policy'] },
  createFlavorExtraSpecs: { writes: W, callers: ['admin'], refs: ['privateFlavor'], args: (r) => [r.privateFlavor, { extra_specs: { 'hw:numa_nodes': '1' } }] },
  updateFlavorExtraSpec: { writes: W, callers: ['admin'], refs: ['privateFlavor'], args: (r) => [r.privateFlavor, 'hw:cpu_policy', { 'hw:cpu_policy': 'dedicated' }] },
  deleteFlavorExtraSpec: { writes: W, callers: ['admin'], refs: ['privateFlavor'], args: (r) => [r.privateFlavor, 'hw:cpu_policy'] },
  // key pairs
  listKeypairs: { args: () => [{}] },
  getKeypair: { refs: ['keypair'], args: (r) => [r.keypair, {}] },
  importKeypair: { writes: W, args: () => [{ name: 'sec-new-key', public_key: SEC_PUBLIC_KEY }] },
  generateKeypair: { writes: W, args: () => [{ name: 'sec-generated-key' }] },
  deleteKeypair: { writes: W, refs: ['keypair'], args: (r) => [r.keypair, {}] },
  // quotas and limits
  getQuotaSet: { refs: ['demoProject'], args: (r) => [r.demoProject, {}] },
  getDefaultQuotaSet: { refs: ['demoProject'], args: (r) => [r.demoProject] },
  updateQuotaSet: { writes: W, callers: ['admin'], refs: ['demoProject'], args: (r) => [r.demoProject, { instances: 20 }] },
  deleteQuotaSet: { writes: W, callers: ['admin'], refs: ['demoProject'], args: (r) => [r.demoProject] },
  getLimits: { args: () => [{}] },
  // server actions, each from the state it starts from
  startServer: { writes: W, refs: ['stoppedServer'], args: (r) => [r.stoppedServer] },
  stopServer: { writes: W, refs: ['server'], args: (r) => [r.server] },
  rebootServer: { writes: W, refs: ['server'], args: (r) => [r.server, { type: 'SOFT' }] },
  pauseServer: { writes: W, refs: ['server'], args: (r) => [r.server] },
  unpauseServer: { writes: W, refs: ['pausedServer'], args: (r) => [r.pausedServer] },
  suspendServer: { writes: W, refs: ['server'], args: (r) => [r.server] },
  resumeServer: { writes: W, refs: ['suspendedServer'], args: (r) => [r.suspendedServer] },
  lockServer: { writes: W, refs: ['server'], args: (r) => [r.server, { locked_reason: 'sec' }] },
  unlockServer: { writes: W, refs: ['lockedServer'], args: (r) => [r.lockedServer] },
  rescueServer: { writes: W, refs: ['server'], args: (r) => [r.server, {}] },
  unrescueServer: { writes: W, refs: ['rescuedServer'], args: (r) => [r.rescuedServer] },
  changePassword: { writes: W, refs: ['server'], args: (r) => [r.server, { adminPass: 'sec-new-pass' }] },
  rebuildServer: { writes: W, refs: ['server'], args: (r) => [r.server, { imageRef: r.cirrosImage }] },
  createServerImage: { writes: W, refs: ['server'], args: (r) => [r.server, { name: 'sec-server-image' }] },
  createServerBackup: { writes: W, refs: ['server'], args: (r) => [r.server, { name: 'sec-backup-1', backup_type: 'daily', rotation: 1 }] },
  // metadata and tags
  listServerMetadata: { refs: ['server'], args: (r) => [r.server] },
  getServerMetadataItem: { refs: ['server', 'metaKey'], args: (r) => [r.server, r.metaKey] },
  replaceServerMetadata: { writes: W, refs: ['server'], args: (r) => [r.server, { metadata: { sec: 'x' } }] },
  updateServerMetadata: { writes: W, refs: ['server'], args: (r) => [r.server, { metadata: { sec2: 'y' } }] },
  setServerMetadataItem: { writes: W, refs: ['server', 'metaKey'], args: (r) => [r.server, r.metaKey, { meta: { [r.metaKey as string]: 'z' } }] },
  deleteServerMetadataItem: { writes: W, refs: ['server', 'metaKey'], args: (r) => [r.server, r.metaKey] },
  listServerTags: { refs: ['server'], args: (r) => [r.server] },
  checkServerTag: { refs: ['server', 'serverTag'], args: (r) => [r.server, r.serverTag] },
  replaceServerTags: { writes: W, refs: ['server'], args: (r) => [r.server, { tags: ['sec-a', 'sec-b'] }] },
  addServerTag: { writes: W, refs: ['server'], args: (r) => [r.server, 'sec-tag2'] },
  deleteServerTag: { writes: W, refs: ['server', 'serverTag'], args: (r) => [r.server, r.serverTag] },
  deleteServerTags: { writes: W, refs: ['server'], args: (r) => [r.server] },
  // instance actions
  listInstanceActions: { refs: ['server'], args: (r) => [r.server, {}] },
  getInstanceAction: { refs: ['server', 'actionRequest'], args: (r) => [r.server, r.actionRequest] },
  // volume attachments (the fixture server's `sec-srv-vol`; block's `sec-vol2` is available)
  listVolumeAttachments: { refs: ['server'], args: (r) => [r.server] },
  getVolumeAttachment: { refs: ['server', 'serverVolume'], args: (r) => [r.server, r.serverVolume] },
  attachVolume: { writes: W, refs: ['server', 'volume2'], args: (r) => [r.server, { volumeId: r.volume2 }] },
  updateVolumeAttachment: { writes: W, callers: ['admin'], refs: ['server', 'serverVolume'], args: (r) => [r.server, r.serverVolume, { volumeId: r.serverVolume, delete_on_termination: true }] },
  detachVolume: { writes: W, refs: ['server', 'serverVolume'], args: (r) => [r.server, r.serverVolume] },
  // interfaces and addresses (Neutron's `sec-net` is demo's)
  listInterfaces: { refs: ['server'], args: (r) => [r.server] },
  getInterface: { refs: ['server', 'serverPort'], args: (r) => [r.server, r.serverPort] },
  attachInterface: { writes: W, refs: ['server', 'network'], args: (r) => [r.server, { net_id: r.network }] },
  detachInterface: { writes: W, refs: ['server', 'serverPort'], args: (r) => [r.server, r.serverPort] },
  listServerAddresses: { refs: ['server'], args: (r) => [r.server] },
  getServerAddresses: { refs: ['server'], args: (r) => [r.server, r.serverNetwork] },
  // server groups
  listServerGroups: { args: () => [{}] },
  getServerGroup: { refs: ['serverGroup'], args: (r) => [r.serverGroup] },
  createServerGroup: { writes: W, args: () => [{ name: 'sec-new-group', policy: 'anti-affinity' }] },
  deleteServerGroup: { writes: W, refs: ['serverGroup'], args: (r) => [r.serverGroup] },
  // availability zones, hypervisors, cells
  listAvailabilityZones: {},
  listAvailabilityZonesDetail: { callers: ['admin'] },
  listHypervisors: { callers: ['admin'], args: () => [{}] },
  listHypervisorsDetail: { callers: ['admin'], args: () => [{}] },
  getHypervisor: { callers: ['admin'], refs: ['hypervisor'], args: (r) => [r.hypervisor, {}] },
  getHypervisorStatistics: { callers: ['admin'] },
  listCells: { callers: ['admin'] },
  // aggregates
  listAggregates: { callers: ['admin'] },
  getAggregate: { callers: ['admin'], refs: ['computeAggregate'], args: (r) => [r.computeAggregate] },
  createAggregate: { writes: W, callers: ['admin'], args: () => [{ name: 'sec-new-agg' }] },
  updateAggregate: { writes: W, callers: ['admin'], refs: ['computeAggregate'], args: (r) => [r.computeAggregate, { name: 'sec-renamed-agg' }] },
  deleteAggregate: { writes: W, callers: ['admin'], refs: ['computeAggregate2'], args: (r) => [r.computeAggregate2] },
  addAggregateHost: { writes: W, callers: ['admin'], refs: ['computeAggregate'], args: (r) => [r.computeAggregate, { host: 'compute1' }] },
  removeAggregateHost: { writes: W, callers: ['admin'], refs: ['computeAggregate'], args: (r) => [r.computeAggregate, { host: 'compute2' }] },
  setAggregateMetadata: { writes: W, callers: ['admin'], refs: ['computeAggregate'], args: (r) => [r.computeAggregate, { metadata: { sec: 'x' } }] },
  // moves (issue 15): resize and its confirm / revert (the fixture's `sec-resized` is VERIFY_RESIZE
  // when there is one, else the calls are refused in the server's state), cold and live migration
  // (admin), the live migrations' API (admin; migration 1 is no live migration in progress:
  // refused), shelve / offload (admin) / unshelve, evacuate (admin; the server's host is up: refused)
  resizeServer: { writes: W, refs: ['server'], args: (r) => [r.server, { flavorRef: '2' }] },
  confirmResize: { writes: W, refs: ['resizedServer'], args: (r) => [r.resizedServer] },
  revertResize: { writes: W, refs: ['resizedServer'], args: (r) => [r.resizedServer] },
  migrateServer: { writes: W, callers: ['admin'], refs: ['server'], args: (r) => [r.server, null] },
  liveMigrateServer: { writes: W, callers: ['admin'], refs: ['server'], args: (r) => [r.server, { host: null, block_migration: 'auto' }] },
  forceCompleteMigration: { writes: W, callers: ['admin'], refs: ['server'], args: (r) => [r.server, 1], neverSucceeds: NO_LIVE_MIGRATION },
  abortMigration: { writes: W, callers: ['admin'], refs: ['server'], args: (r) => [r.server, 1], neverSucceeds: NO_LIVE_MIGRATION },
  listServerMigrations: { callers: ['admin'], refs: ['server'], args: (r) => [r.server] },
  getServerMigration: { callers: ['admin'], refs: ['server'], args: (r) => [r.server, 1], neverSucceeds: NO_LIVE_MIGRATION },
  listMigrations: { callers: ['admin'], args: () => [{}] },
  shelveServer: { writes: W, refs: ['server'], args: (r) => [r.server] },
  shelveOffloadServer: { writes: W, callers: ['admin'], refs: ['shelvedServer'], args: (r) => [r.shelvedServer] },
  unshelveServer: { writes: W, refs: ['shelvedServer'], args: (r) => [r.shelvedServer, null] },
  evacuateServer: { writes: W, callers: ['admin'], refs: ['strandedServer'], args: (r) => [r.strandedServer, {}] },
  // services
  listComputeServices: { callers: ['admin'], args: () => [{}] },
  updateComputeService: { writes: W, callers: ['admin'], refs: ['computeService'], args: (r) => [r.computeService, { status: 'disabled', disabled_reason: 'sec' }] },
  deleteComputeService: { writes: W, callers: ['admin'], refs: ['computeService2'], args: (r) => [r.computeService2] },
});

/** Every public operation. */
export const OPERATIONS: readonly Operation[] = [
  ...IDENTITY,
  ...PLACEMENT,
  ...IMAGE,
  ...NETWORK,
  ...BLOCK,
  ...COMPUTE,
  ...OBJECT,
  ...ANONYMOUS_OBJECT,
  ...SESSION,
  ...HARDWARE,
  ...SCHEDULER,
  ...OBJECT_OPERATOR,
  ...CLOUD,
  ...POLICY,
  ...CLOCK,
  ...QUOTAS,
];

// ------------------------------------------------------------------ calling

/** Whether the operation is reached through a session. */
export function isSessionOp(op: Operation): boolean {
  return op.api === 'session' || op.api.startsWith('session.');
}

/** The object whose method the operation is (`session.identity`, `cloud.policy.engine()`, …). */
export function targetOf(op: Operation, env: Env, caller?: SessionName | Session): Record<string, unknown> {
  const [root, ...path] = op.api.split('.');
  let t: unknown;
  if (root === 'session') {
    t = typeof caller === 'object' ? caller : env.sessions[caller ?? op.callers[0] ?? 'admin'];
  } else t = env.cloud;
  for (const part of path) {
    const call = part.endsWith('()');
    const key = call ? part.slice(0, -2) : part;
    const holder = t as Record<string, unknown>;
    t = call ? (holder[key] as () => unknown).call(holder) : holder[key];
  }
  return t as Record<string, unknown>;
}

/** The arguments with the fixture's references (and `base` for `cloud.restore`). */
export function argsOf(op: Operation, env: Env, refs: Refs = env.refs): unknown[] {
  return op.args({ ...refs, base: env.base });
}

/** Calls the operation as `caller` (a session name, or a session such as the anonymous API's stand-in) with `args`. */
export function invoke(op: Operation, env: Env, caller: SessionName | Session | undefined, args: readonly unknown[]): unknown {
  const target = targetOf(op, env, caller);
  if (op.kind === 'getter') return target[op.method];
  const fn = target[op.method];
  if (typeof fn !== 'function') throw new Error(`${op.name}: not a function`);
  return (fn as (...a: unknown[]) => unknown).apply(target, [...args]);
}

/** The outcome of a call: its value, or what it threw. */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Runs `fn`, catching what it throws. */
export function attempt(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A short description of a thrown value: `CloudError 404 identity.project.not_found: …`, `TypeError: …`. */
export function describeError(e: unknown, max = 160): string {
  if (e instanceof Error) {
    const ce = e as Error & { status?: unknown; code?: unknown };
    const head = typeof ce.status === 'number' ? `${e.name} ${ce.status} ${String(ce.code)}` : e.name;
    const msg = e.message.length > max ? `${e.message.slice(0, max)}…` : e.message;
    return `${head}: ${msg}`;
  }
  return `non-Error thrown: ${String(e)}`;
}

/**
 * Runs the operation on the base state with its fixture arguments, trying its callers in order
 * until one succeeds (operator and cloud operations have no caller); restores the base state
 * after each try. Gives the caller and the value, or the last error's description.
 */
export function succeed(op: Operation, env: Env): { ok: true; caller: SessionName | undefined; value: unknown } | { ok: false; error: string } {
  const callers: readonly (SessionName | undefined)[] = isSessionOp(op) ? op.callers : [undefined];
  let last = 'no caller';
  for (const caller of callers) {
    env.cloud.restore(env.base);
    const out = attempt(() => invoke(op, env, caller, argsOf(op, env)));
    env.cloud.restore(env.base);
    if (out.ok) return { ok: true, caller, value: out.value };
    last = `${caller ?? 'operator'}: ${describeError(out.error)}`;
  }
  return { ok: false, error: last };
}
