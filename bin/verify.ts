/**
 * `stacksim plan --verify`: the planner pools demand across hosts; this builds the planned
 * datacenter for real and boots the planned VMs through nova's scheduler and Placement, one
 * request each, to see whether they fit once packing and the filters have their say.
 *
 * The cloud: DevStack's deployment (users, cirros, networks) on a topology of one `controller`
 * (controller + network + storage, DevStack's node model; it takes no VMs) and the plan's compute
 * hosts of the planned model, with the plan's allocation ratios and reservations as nova.conf
 * options. The `spare_hosts` spares have their nova-compute disabled, so the VMs must fit on the
 * working hosts. The VMs are the admin's (quota lifted), booted with `networks: 'none'` from the
 * first active image, flavors interleaved in proportion to the mix.
 *
 * What it checks: VCPU, MEMORY_MB and DISK_GB, which Placement claims for every boot; and, after
 * the boots, each working host's tenant-network load (its VMs × the bandwidth per VM) against its
 * tenant NICs — nova's scheduler does not place by bandwidth, so packing can overload a host the
 * pooled plan thought fine. What it does not: floating IPs (the VMs have no ports) and Cinder
 * volumes (they live on storage nodes, which the plan does not size); the result says so.
 */
import { createCloud, DEVSTACK_TOPOLOGY, type CapacityPlan, type CapacityPlanInput, type Cloud, type HostUsage, type Topology } from '../src/index.js';

/** Most VMs `--verify` boots (about 1–2 ms each). */
export const MAX_VERIFY_VMS = 20_000;
/** Most compute hosts `--verify` builds. */
export const MAX_VERIFY_HOSTS = 2_000;

/** What the run found. */
export interface VerifyResult {
  readonly compute_hosts: number;
  readonly spare_hosts: number;
  readonly vms: number;
  /** Servers by status (`ACTIVE`, `ERROR` for "No valid host", …). */
  readonly statuses: Readonly<Record<string, number>>;
  /** Requests nova-api refused outright (none expected), with the first refusal. */
  readonly refused: number;
  readonly first_refusal: string | null;
  /**
   * The tenant network after the boots (null when the VMs need no bandwidth): each working host's
   * VMs × `bandwidth_mbps_per_vm` must stay strictly below its tenant NICs' summed speed.
   */
  readonly bandwidth: {
    readonly per_vm_mbps: number;
    readonly tenant_nic_mbps: number;
    readonly busiest_host: string | null;
    readonly busiest_mbps: number;
    /** Working hosts whose load is not below their tenant NICs, busiest first. */
    readonly overloaded: readonly { readonly host: string; readonly vms: number; readonly mbps: number }[];
  } | null;
  /** What the run checked: `VCPU`, `MEMORY_MB`, `DISK_GB` (Placement) and, when the VMs need bandwidth, `tenant bandwidth`. */
  readonly checked: readonly string[];
  /** What the plan asks for that the run did not check, each with why (floating IPs, Cinder volumes). */
  readonly not_checked: readonly string[];
  /** Every VM is ACTIVE and no working host's tenant NICs are overloaded. */
  readonly fits: boolean;
  /** Per working host: VMs and the fullest resource class's use of its capacity. */
  readonly hosts: readonly { readonly host: string; readonly vms: number; readonly vcpu: string; readonly ram_mb: string; readonly disk_gb: string }[];
}

/** The topology of the planned datacenter. */
export function plannedTopology(input: CapacityPlanInput, plan: CapacityPlan): Topology {
  const devstackNode = DEVSTACK_TOPOLOGY.models?.['devstack-node'];
  if (devstackNode === undefined) throw new Error("DEVSTACK_TOPOLOGY has no 'devstack-node' model");
  const digits = String(plan.hosts).length;
  return {
    models: { 'devstack-node': devstackNode, planned: input.host },
    hosts: [
      {
        name: 'controller',
        model: 'devstack-node',
        roles: ['controller', 'network', 'storage'],
        nics: [...devstackNode.nics ?? [], { name: 'eno3', speed_mbps: 10000, network: 'external' }],
        disks: [...devstackNode.disks ?? [], { name: 'sdb', size_gb: 1920, type: 'hdd' }],
      },
      { name: `compute-{${'n'.repeat(Math.min(3, Math.max(2, digits)))}}`, count: plan.hosts, model: 'planned', roles: ['compute'] },
    ],
  };
}

/** The planned flavors, one entry per VM, interleaved in proportion (a smooth weighted round robin). */
export function bootOrder(plan: CapacityPlan): number[] {
  const counts = plan.flavors.map((f) => f.count);
  const given = counts.map(() => 0);
  const order: number[] = [];
  for (let n = 0; n < plan.planned_vms; n++) {
    let best = -1;
    for (let i = 0; i < counts.length; i++) {
      if ((given[i] as number) >= (counts[i] as number)) continue;
      if (best < 0 || ((given[i] as number) + 0.5) / (counts[i] as number) < ((given[best] as number) + 0.5) / (counts[best] as number)) best = i;
    }
    order.push(best);
    given[best] = (given[best] as number) + 1;
  }
  return order;
}

/** Builds the planned cloud and boots the planned VMs; `onBoot(done, statusCounts)` after each. */
export function verifyPlan(input: CapacityPlanInput, plan: CapacityPlan, seed: number | string, onBoot: (done: number, note: string) => void = () => {}): { cloud: Cloud; result: VerifyResult } {
  const cloud = createCloud({ seed, topology: plannedTopology(input, plan) });
  cloud.scheduler.setComputeConfig(null, {
    ...(input.cpu_allocation_ratio !== undefined ? { cpu_allocation_ratio: input.cpu_allocation_ratio } : {}),
    ...(input.ram_allocation_ratio !== undefined ? { ram_allocation_ratio: input.ram_allocation_ratio } : {}),
    ...(input.disk_allocation_ratio !== undefined ? { disk_allocation_ratio: input.disk_allocation_ratio } : {}),
    ...(input.reserved_host_memory_mb !== undefined ? { reserved_host_memory_mb: input.reserved_host_memory_mb } : {}),
    ...(input.reserved_host_cpus !== undefined ? { reserved_host_cpus: input.reserved_host_cpus } : {}),
    ...(input.reserved_host_disk_mb !== undefined ? { reserved_host_disk_mb: input.reserved_host_disk_mb } : {}),
  });
  const admin = cloud.admin;
  const computes = cloud.hardware.listHosts({ role: 'compute' }).map((h) => h.name).sort();
  const spare = input.spare_hosts ?? 0;
  for (const host of computes.slice(computes.length - spare)) {
    for (const service of admin.compute.listComputeServices({ binary: 'nova-compute', host })) {
      admin.compute.updateComputeService(String(service.id), { status: 'disabled', disabled_reason: 'spare host (spare_hosts)' });
    }
  }
  const project = admin.identity.listProjects({ name: 'admin' })[0];
  if (project === undefined) throw new Error('the verification cloud has no admin project');
  admin.compute.updateQuotaSet(project.id, { instances: -1, cores: -1, ram: -1 });
  const image = admin.image.listImages().images.find((i) => i.status === 'active');
  if (image === undefined) throw new Error('the verification cloud has no active image to boot from');
  const existing = admin.compute.listFlavors();
  const flavorIds = plan.flavors.map((f) => {
    const same = existing.find((e) => e.name === f.name && e.vcpus === f.vcpus && e.ram === f.ram_mb && e.disk === f.disk_gb);
    if (same !== undefined) return same.id;
    const name = existing.some((e) => e.name === f.name) ? `${f.name}-planned` : f.name;
    return admin.compute.createFlavor({ name, vcpus: f.vcpus, ram: f.ram_mb, disk: f.disk_gb }).id;
  });
  const statuses: Record<string, number> = {};
  let refused = 0;
  let firstRefusal: string | null = null;
  const order = bootOrder(plan);
  order.forEach((flavor, i) => {
    try {
      const server = admin.compute.createServer({ name: `vm-${i + 1}`, flavorRef: flavorIds[flavor] as string, imageRef: image.id, networks: 'none' });
      const status = 'id' in server ? String(admin.compute.getServer(server.id).status) : 'UNKNOWN';
      statuses[status] = (statuses[status] ?? 0) + 1;
    } catch (e) {
      refused += 1;
      firstRefusal ??= (e as Error).message;
    }
    onBoot(i + 1, Object.entries(statuses).map(([s, n]) => `${n} ${s}`).join(', ') + (refused > 0 ? `, ${refused} refused` : ''));
  });
  const working = new Set(computes.slice(0, computes.length - spare));
  const perHost = new Map<string, number>();
  const usage: HostUsage[] = cloud.scheduler.usage().filter((u) => working.has(u.host));
  const cell = (u: HostUsage, rc: string): string => {
    const r = u.resources[rc];
    return r === undefined ? '—' : `${r.used} / ${r.capacity}`;
  };
  for (const u of usage) perHost.set(u.host, 0);
  for (const h of admin.compute.listHypervisorsDetail({ with_servers: true })) if (perHost.has(h.hypervisor_hostname)) perHost.set(h.hypervisor_hostname, (h.servers ?? []).length);
  const active = statuses.ACTIVE ?? 0;
  const bw = input.workload.bandwidth_mbps_per_vm ?? 0;
  const tenantMbps = (input.host.nics ?? []).filter((n) => n.network === 'tenant').reduce((s, n) => s + n.speed_mbps, 0);
  const loads = [...perHost].map(([host, vms]) => ({ host, vms, mbps: vms * bw })).sort((a, b) => b.mbps - a.mbps || (a.host < b.host ? -1 : 1));
  const bandwidth =
    bw > 0
      ? { per_vm_mbps: bw, tenant_nic_mbps: tenantMbps, busiest_host: loads[0]?.host ?? null, busiest_mbps: loads[0]?.mbps ?? 0, overloaded: loads.filter((l) => l.mbps >= tenantMbps) }
      : null;
  const notChecked = [
    ...(plan.public_ips > 0 ? [`${plan.public_ips} floating IPs (the VMs boot without ports; the external subnet is not planned)`] : []),
    ...(plan.persistent_gb > 0 ? [`${plan.persistent_gb} GB of Cinder volumes (they live on storage nodes, which the plan does not size)`] : []),
  ];
  return {
    cloud,
    result: {
      compute_hosts: computes.length,
      spare_hosts: spare,
      vms: order.length,
      statuses,
      refused,
      first_refusal: firstRefusal,
      bandwidth,
      checked: ['VCPU', 'MEMORY_MB', 'DISK_GB', ...(bandwidth !== null ? ['tenant bandwidth'] : [])],
      not_checked: notChecked,
      fits: active === order.length && (bandwidth === null || bandwidth.overloaded.length === 0),
      hosts: usage.map((u) => ({ host: u.host, vms: perHost.get(u.host) ?? 0, vcpu: cell(u, 'VCPU'), ram_mb: cell(u, 'MEMORY_MB'), disk_gb: cell(u, 'DISK_GB') })),
    },
  };
}
