/**
 * `stacksim plan`: the lecture's capacity question — "how many compute hosts do 200 VMs need?" —
 * from flags, answered by `planCapacity` (the hardware module's planner: logical CPUs, allocation
 * ratios, the RAM check with the host overhead, tenant bandwidth) with every step of the
 * arithmetic; `--verify` then builds that datacenter and boots the VMs through the scheduler.
 */
import { stdout } from 'node:process';
import { CloudError, DEFAULT_PLANNER_FLAVORS, DEVSTACK_FLAVORS, DEVSTACK_TOPOLOGY, PLANNER_DEFAULTS, planCapacity, type CapacityPlan, type CapacityPlanInput, type HostModel } from '../src/index.js';
import { table, utilisation } from '../src/render/index.js';
import { decimal, given, helpText, integer, one, parseFlags, seed, UsageError, type Command, type Parsed } from './args.js';
import { Progress } from './progress.js';
import { readTopology } from './report.js';
import { MAX_VERIFY_HOSTS, MAX_VERIFY_VMS, verifyPlan, type VerifyResult } from './verify.js';

/** One flavor of the planner's mix. */
type PlannerFlavor = NonNullable<CapacityPlanInput['workload']['flavors']>[number];

/** DevStack's node, the host model unless --topology / --model say otherwise. */
const DEVSTACK_NODE = DEVSTACK_TOPOLOGY.models?.['devstack-node'] as unknown as HostModel;
const DEVSTACK_TENANT_MBPS = (DEVSTACK_NODE.nics ?? []).filter((n) => n.network === 'tenant').reduce((s, n) => s + n.speed_mbps, 0);
const D = PLANNER_DEFAULTS;

/** DevStack's flavors (`DEVSTACK_FLAVORS`: flavorid, name, memory_mb, root_gb, vcpus), by name, so `--flavor m1.small:0.5` works. */
const DEVSTACK_FLAVOR_BY_NAME: ReadonlyMap<string, { readonly vcpus: number; readonly ram_mb: number; readonly disk_gb: number }> = new Map(
  DEVSTACK_FLAVORS.map(([, name, ram_mb, disk_gb, vcpus]) => [name, { vcpus, ram_mb, disk_gb }] as const),
);

const FLAGS = [
  { name: '--vms', value: 'N', help: 'VMs running today (default 200, the lecture’s question)' },
  { name: '--flavor', value: 'SPEC', help: `a flavor of the mix as NAME:VCPUS:RAM_MB:DISK_GB[:SHARE], or a DevStack flavor as NAME[:SHARE] (${[...DEVSTACK_FLAVOR_BY_NAME.keys()].join(', ')}); shares sum to 1, none given: equal (default ${DEFAULT_PLANNER_FLAVORS.map((f) => f.name).join(', ')})`, repeat: true },
  { name: '--growth', value: 'FRACTION', help: 'expected growth, 0.2 = 20 % (default 0)' },
  { name: '--cpu-ratio', value: 'R', help: `nova cpu_allocation_ratio (default ${D.cpu_allocation_ratio})` },
  { name: '--ram-ratio', value: 'R', help: `nova ram_allocation_ratio (default ${D.ram_allocation_ratio})` },
  { name: '--disk-ratio', value: 'R', help: `nova disk_allocation_ratio (default ${D.disk_allocation_ratio})` },
  { name: '--reserved-ram-mb', value: 'MB', help: `nova reserved_host_memory_mb, the host overhead (default ${D.reserved_host_memory_mb})` },
  { name: '--reserved-cpus', value: 'N', help: `nova reserved_host_cpus (default ${D.reserved_host_cpus})` },
  { name: '--reserved-disk-mb', value: 'MB', help: `nova reserved_host_disk_mb (default ${D.reserved_host_disk_mb})` },
  { name: '--spare', value: 'N', help: `spare hosts for redundancy, 1 = N+1 (default ${D.spare_hosts})` },
  { name: '--bandwidth', value: 'MBPS', help: 'tenant-network bandwidth each VM needs (default 0)' },
  { name: '--floating-ips', value: 'FRACTION', help: 'share of VMs with a floating IP (default 0)' },
  { name: '--volume-gb', value: 'GB', help: 'persistent (Cinder) storage per VM (default 0)' },
  { name: '--topology', value: 'file.json', help: 'take the host model from a topology file…' },
  { name: '--model', value: 'NAME', help: '…by name (needed when the file has several models)' },
  { name: '--sockets', value: 'N', help: `host CPU sockets (default: DevStack’s node, ${DEVSTACK_NODE.cpu.sockets})` },
  { name: '--cores', value: 'N', help: `cores per socket (default ${DEVSTACK_NODE.cpu.cores_per_socket})` },
  { name: '--threads', value: 'N', help: `threads per core, 2 with hyper-threading (default ${DEVSTACK_NODE.cpu.threads_per_core})` },
  { name: '--ram-gb', value: 'GB', help: `host RAM (default ${DEVSTACK_NODE.memory_mb / 1024})` },
  { name: '--disk-gb', value: 'GB', help: `host local disk, one disk (default ${(DEVSTACK_NODE.disks ?? []).reduce((s, d) => s + d.size_gb, 0)})` },
  { name: '--tenant-nic-mbps', value: 'MBPS', help: `host tenant-network NIC speed, one NIC (default ${DEVSTACK_TENANT_MBPS})` },
  { name: '--json', help: 'print { input, plan, verify } as JSON instead of text' },
  { name: '--verify', help: `build the planned hosts, boot the VMs through the scheduler (at most ${MAX_VERIFY_VMS} VMs) and check vCPU, RAM, disk and tenant bandwidth per host; exit 1 if they do not fit` },
  { name: '--seed', value: 'N', help: 'the seed of the --verify cloud (default 0)' },
] as const;

function flavors(values: readonly string[]): PlannerFlavor[] | undefined {
  if (values.length === 0) return undefined;
  const parsed = values.map((text) => {
    const parts = text.split(':');
    const name = parts[0] ?? '';
    if (name === '') throw new UsageError('--flavor', `'${text}': the flavor needs a name`);
    if (parts.length <= 2) {
      const known = DEVSTACK_FLAVOR_BY_NAME.get(name);
      if (known === undefined) throw new UsageError('--flavor', `'${text}': '${name}' is no DevStack flavor (${[...DEVSTACK_FLAVOR_BY_NAME.keys()].join(', ')}); give NAME:VCPUS:RAM_MB:DISK_GB[:SHARE]`);
      return { name, ...known, share: parts[1] === undefined ? undefined : decimal('--flavor', parts[1], 0, 1) };
    }
    if (parts.length !== 4 && parts.length !== 5) throw new UsageError('--flavor', `'${text}': expected NAME:VCPUS:RAM_MB:DISK_GB[:SHARE], e.g. m1.small:1:2048:20:0.5`);
    return {
      name,
      vcpus: integer('--flavor', parts[1] as string, 1, 2_147_483_647),
      ram_mb: integer('--flavor', parts[2] as string, 1, 2_147_483_647),
      disk_gb: integer('--flavor', parts[3] as string, 0, 2_147_483_647),
      share: parts[4] === undefined ? undefined : decimal('--flavor', parts[4], 0, 1),
    };
  });
  const withShare = parsed.filter((f) => f.share !== undefined).length;
  if (withShare !== 0 && withShare !== parsed.length) throw new UsageError('--flavor', 'give a share to every flavor, or to none (equal shares)');
  return parsed.map((f) => ({ ...f, share: f.share ?? 1 / parsed.length }));
}

function hostModel(p: Parsed): { model: HostModel; name: string; file: string | undefined; key: string } {
  const file = one(p, '--topology');
  const wanted = one(p, '--model');
  let name = "DevStack's node";
  let base = DEVSTACK_NODE;
  if (file !== undefined) {
    const models: unknown = readTopology('--topology', file).models ?? {};
    if (typeof models !== 'object' || models === null || Array.isArray(models)) throw new UsageError('--topology', `${file}: "models" must be an object of host models by name, got ${JSON.stringify(models)}`);
    const names = Object.keys(models);
    if (wanted === undefined && names.length !== 1) throw new UsageError('--model', `${file} has ${names.length === 0 ? 'no models' : `models ${names.join(', ')}`}: name the compute model with --model`);
    name = wanted ?? (names[0] as string);
    if (!Object.hasOwn(models, name)) throw new UsageError('--model', `${file} has no model '${name}' (models: ${names.join(', ') || 'none'})`);
    const found: unknown = (models as Record<string, unknown>)[name];
    if (typeof found !== 'object' || found === null || Array.isArray(found)) {
      throw new UsageError('--model', `${file}: model '${name}' is ${JSON.stringify(found)}, not a host model; write { "cpu": { "sockets", "cores_per_socket", "threads_per_core" }, "memory_mb", "disks", "nics" }`);
    }
    const cpu: unknown = (found as { cpu?: unknown }).cpu;
    if (typeof cpu !== 'object' || cpu === null || Array.isArray(cpu)) {
      throw new UsageError('--model', `${file}: model '${name}' has cpu ${JSON.stringify(cpu) ?? 'missing'}; write "cpu": { "sockets", "cores_per_socket", "threads_per_core" }`);
    }
    base = found as HostModel;
  } else if (wanted !== undefined) {
    throw new UsageError('--model', 'needs --topology file.json (the file the model is in)');
  }
  const n = (flag: string, min: number, max: number): number | undefined => (one(p, flag) === undefined ? undefined : integer(flag, one(p, flag) as string, min, max));
  const sockets = n('--sockets', 1, 64);
  const cores = n('--cores', 1, 1024);
  const threads = n('--threads', 1, 8);
  const ramGb = n('--ram-gb', 1, 1_000_000);
  const diskGb = n('--disk-gb', 0, 10_000_000);
  const nic = n('--tenant-nic-mbps', 1, 10_000_000);
  const cpu = { ...base.cpu, ...(sockets !== undefined ? { sockets } : {}), ...(cores !== undefined ? { cores_per_socket: cores } : {}), ...(threads !== undefined ? { threads_per_core: threads } : {}) };
  const model: HostModel = {
    ...base,
    cpu,
    ...(ramGb !== undefined ? { memory_mb: ramGb * 1024 } : {}),
    ...(diskGb !== undefined ? { disks: [{ name: 'sda', size_gb: diskGb, type: 'ssd' as const }] } : {}),
    ...(nic !== undefined ? { nics: [...(base.nics ?? []).filter((x) => x.network !== 'tenant'), { name: 'tenant0', speed_mbps: nic, network: 'tenant' as const }] } : {}),
  };
  const changed = [sockets, cores, threads, ramGb, diskGb, nic].some((x) => x !== undefined);
  return { model, name: changed ? `${name}, changed by the flags` : name, file, key: name };
}

/** The flag a planner error's field comes from. */
function flagOf(field: string): string {
  const table: readonly (readonly [string, string])[] = [
    ['workload.vms', '--vms'],
    ['workload.flavors', '--flavor'],
    ['workload.growth', '--growth'],
    ['workload.bandwidth_mbps_per_vm', '--bandwidth'],
    ['workload.floating_ip_fraction', '--floating-ips'],
    ['workload.persistent_gb_per_vm', '--volume-gb'],
    ['cpu_allocation_ratio', '--cpu-ratio'],
    ['ram_allocation_ratio', '--ram-ratio'],
    ['disk_allocation_ratio', '--disk-ratio'],
    ['reserved_host_memory_mb', '--reserved-ram-mb'],
    ['reserved_host_cpus', '--reserved-cpus'],
    ['reserved_host_disk_mb', '--reserved-disk-mb'],
    ['spare_hosts', '--spare'],
    ['host.cpu', '--sockets / --cores / --threads'],
    ['host.memory_mb', '--ram-gb'],
    ['host.disks', '--disk-gb'],
    ['host.nics', '--tenant-nic-mbps'],
    ['host', '--model'],
  ];
  return table.find(([prefix]) => field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`))?.[1] ?? field;
}

/** The planner's input from the flags. */
export function planInput(p: Parsed): { input: CapacityPlanInput; modelName: string; modelFile: string | undefined; modelKey: string } {
  const d = (flag: string, min: number, max: number): number | undefined => (one(p, flag) === undefined ? undefined : decimal(flag, one(p, flag) as string, min, max));
  const i = (flag: string, min: number, max: number): number | undefined => (one(p, flag) === undefined ? undefined : integer(flag, one(p, flag) as string, min, max));
  const mix = flavors(p.values.get('--flavor') ?? []);
  const { model, name, file, key } = hostModel(p);
  const opt = <K extends string>(key: K, v: number | undefined): Partial<Record<K, number>> => (v === undefined ? {} : ({ [key]: v } as Record<K, number>));
  const input: CapacityPlanInput = {
    workload: {
      vms: i('--vms', 1, 10_000_000) ?? 200,
      ...(mix !== undefined ? { flavors: mix } : {}),
      ...opt('growth', d('--growth', 0, 100)),
      ...opt('bandwidth_mbps_per_vm', d('--bandwidth', 0, 2_147_483_647)),
      ...opt('floating_ip_fraction', d('--floating-ips', 0, 1)),
      ...opt('persistent_gb_per_vm', d('--volume-gb', 0, 2_147_483_647)),
    },
    host: model,
    ...opt('cpu_allocation_ratio', d('--cpu-ratio', 0, 10_000)),
    ...opt('ram_allocation_ratio', d('--ram-ratio', 0, 10_000)),
    ...opt('disk_allocation_ratio', d('--disk-ratio', 0, 10_000)),
    ...opt('reserved_host_memory_mb', i('--reserved-ram-mb', 0, 2_147_483_647)),
    ...opt('reserved_host_cpus', i('--reserved-cpus', 0, 1_000_000)),
    ...opt('reserved_host_disk_mb', i('--reserved-disk-mb', 0, 2_147_483_647)),
    ...opt('spare_hosts', i('--spare', 0, 10_000_000)),
  };
  return { input, modelName: name, modelFile: file, modelKey: key };
}

/** A fraction as a percentage without floating-point noise: 0.07 → "7". */
function percent(fraction: number): string {
  return String(Number((fraction * 100).toPrecision(12)));
}

/** Each nova option the planner reads: the flag's value, or nova's default (PLANNER_DEFAULTS). */
function novaOptions(input: CapacityPlanInput): string {
  const keys = ['cpu_allocation_ratio', 'ram_allocation_ratio', 'disk_allocation_ratio', 'reserved_host_memory_mb', 'reserved_host_cpus', 'reserved_host_disk_mb'] as const;
  return `${keys.map((k) => `${k} ${input[k] ?? PLANNER_DEFAULTS[k]}`).join(', ')}, spare hosts ${input.spare_hosts ?? PLANNER_DEFAULTS.spare_hosts}`;
}

function describe(input: CapacityPlanInput, plan: CapacityPlan, modelName: string): string[] {
  const h = input.host;
  const tenant = (h.nics ?? []).filter((n) => n.network === 'tenant').reduce((s, n) => s + n.speed_mbps, 0);
  const w = input.workload;
  return [
    `How many compute hosts do ${w.vms} VMs need?`,
    `  workload: ${w.vms} VMs${w.growth ? ` + ${percent(w.growth)} % growth` : ''}; ${plan.flavors.map((f) => `${f.name} (${f.vcpus} vCPU, ${f.ram_mb} MB, ${f.disk_gb} GB)`).join(', ')}`,
    `  host model (${modelName}): ${h.cpu.sockets} sockets × ${h.cpu.cores_per_socket} cores × ${h.cpu.threads_per_core} threads, ${h.memory_mb} MB RAM, ${(h.disks ?? []).reduce((s, x) => s + x.size_gb, 0)} GB disk, ${tenant} Mbps tenant NICs`,
    `  nova: ${novaOptions(input)}`,
  ];
}

function answer(plan: CapacityPlan): string {
  return `→ ${plan.hosts} compute hosts (${plan.binding} binds, ${plan.vms_per_host} VMs per host), ${plan.public_ips} floating IPs, ${plan.ephemeral_gb} GB ephemeral + ${plan.persistent_gb} GB persistent storage.`;
}

/** "a, b and c". */
function andList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The verdict of --verify: what held, what did not, and what was not checked at all. */
function verdict(r: VerifyResult): string[] {
  const working = r.compute_hosts - r.spare_hosts;
  const statuses = Object.entries(r.statuses).map(([s, n]) => `${n} ${s}`).join(', ');
  const allActive = (r.statuses.ACTIVE ?? 0) === r.vms;
  const lines: string[] = [];
  const bw = r.bandwidth;
  if (!allActive) {
    lines.push(`✗ the VMs do not all fit on ${working} working host(s): ${statuses}${r.refused > 0 ? `, ${r.refused} refused (${r.first_refusal})` : ''}. The planner pools demand; packing VMs onto hosts needs more (ERROR is nova's "No valid host was found").`);
  }
  if (bw !== null && bw.overloaded.length > 0) {
    const worst = bw.overloaded[0] as (typeof bw.overloaded)[number];
    lines.push(
      `✗ the tenant NICs of ${bw.overloaded.length} working host(s) are overloaded: ${worst.host} runs ${worst.vms} VMs × ${bw.per_vm_mbps} Mbps = ${worst.mbps} Mbps, not below its ${bw.tenant_nic_mbps} Mbps. Nova's scheduler does not place by bandwidth (unless ports ask for a QoS minimum), so packing can put more VMs on a host than the planner's per-host share.`,
    );
  }
  if (r.fits) {
    const load = bw === null ? '' : `; busiest tenant NICs: ${bw.busiest_host} ${bw.busiest_mbps} Mbps < ${bw.tenant_nic_mbps} Mbps`;
    lines.push(`✓ all ${r.vms} VMs ACTIVE on ${working} working host(s)${r.spare_hosts > 0 ? ` (${r.spare_hosts} spare disabled)` : ''}${load}: the plan holds for ${andList(r.checked)}.`);
  } else if (allActive) {
    lines.push(`  (all ${r.vms} VMs ACTIVE: VCPU, MEMORY_MB and DISK_GB fit.)`);
  }
  if (r.not_checked.length > 0) lines.push(`  Not checked: ${r.not_checked.join('; ')}.`);
  return lines;
}

async function run(args: readonly string[]): Promise<number> {
  const p = parseFlags(args, FLAGS);
  if (p.help) {
    stdout.write(helpText(planCommand));
    return 0;
  }
  const { input, modelName, modelFile, modelKey } = planInput(p);
  const seedValue = one(p, '--seed') === undefined ? 0 : seed('--seed', one(p, '--seed') as string);
  if (one(p, '--seed') !== undefined && !given(p, '--verify')) throw new UsageError('--seed', 'only --verify builds a cloud; add --verify or leave --seed out');
  let plan: CapacityPlan;
  try {
    plan = planCapacity(input);
  } catch (e) {
    if (e instanceof CloudError) {
      const field = String((e.details as { field?: unknown }).field ?? '');
      const ofModel = modelFile !== undefined && (field === 'host' || field.startsWith('host.') || field.startsWith('host['));
      throw new UsageError(ofModel ? '--model' : flagOf(field), ofModel ? `${modelFile} model '${modelKey}': ${e.message}` : e.message);
    }
    throw e;
  }
  if (given(p, '--verify')) {
    if (plan.planned_vms > MAX_VERIFY_VMS) throw new UsageError('--verify', `${plan.planned_vms} VMs is more than --verify boots (at most ${MAX_VERIFY_VMS}); plan fewer --vms to check by booting`);
    if (plan.hosts > MAX_VERIFY_HOSTS) throw new UsageError('--verify', `${plan.hosts} hosts is more than --verify builds (at most ${MAX_VERIFY_HOSTS})`);
  }
  const json = given(p, '--json');
  const w = (s = ''): void => void stdout.write(`${s}\n`);
  if (!json) {
    for (const line of describe(input, plan, modelName)) w(line);
    w();
    w('Steps:');
    plan.steps.forEach((step, k) => w(`  ${String(k + 1).padStart(2)}. ${step}`));
    w();
    w(table(plan.resources.map((r) => ({ resource: r.resource, demand: `${r.demand} ${r.unit}`, 'per host': `${r.per_host_capacity} ${r.unit}`, hosts: r.hosts })), { title: 'Hosts per resource' }).toText());
    w();
    w(answer(plan));
  }
  if (!given(p, '--verify')) {
    if (json) w(JSON.stringify({ input, plan }, null, 2));
    return 0;
  }
  if (!json) {
    w();
    w(`Verifying: ${plan.hosts} compute hosts of the model (+ a controller that takes no VMs)${(input.spare_hosts ?? 0) > 0 ? `, ${input.spare_hosts} of them spare (nova-compute disabled)` : ''}; the admin boots ${plan.planned_vms} VMs, one request each, through nova's scheduler and Placement (seed ${String(seedValue)}).`);
  }
  const progress = new Progress('booting', plan.planned_vms);
  const { cloud, result } = verifyPlan(input, plan, seedValue, (done, note) => progress.update(done, note));
  progress.finish(Object.entries(result.statuses).map(([s, n]) => `${n} ${s}`).join(', '));
  if (json) {
    w(JSON.stringify({ input, plan, verify: result }, null, 2));
  } else {
    for (const line of verdict(result)) w(line);
    w();
    const shown = result.hosts.length <= 40;
    if (shown) {
      try {
        w(utilisation(cloud).toText());
      } catch {
        w(table(result.hosts, { title: 'Working hosts' }).toText());
      }
    } else {
      w(table(result.hosts, { title: 'Working hosts', maxRows: 40 }).toText());
    }
  }
  return result.fits ? 0 : 1;
}

/** `stacksim plan`. */
export const planCommand: Command = {
  name: 'plan',
  summary: 'the capacity question: how many compute hosts does a workload need?',
  description: [
    "Answers the lecture's question with stacksim's planner (src/hardware's planCapacity): logical CPUs =",
    'sockets × cores × threads, placement capacity int((total − reserved) × allocation_ratio) per resource,',
    'the RAM check with the host overhead, tenant bandwidth, spares — printing every step. The host model',
    "is DevStack's node unless --topology/--model or the host flags say otherwise. --verify builds those",
    "hosts and boots the VMs through nova's scheduler (a progress bar on stderr) to check that they fit:",
    'VCPU, MEMORY_MB and DISK_GB through Placement, then each host\'s tenant bandwidth; floating IPs and',
    'Cinder volumes are not checked (it says so).',
  ].join('\n'),
  flags: FLAGS,
  examples: [
    'stacksim plan --vms 200',
    'stacksim plan --vms 200 --growth 0.2 --flavor m1.small:1:2048:20:0.5 --flavor m1.medium:2:4096:40:0.3 --flavor m1.large:4:8192:80:0.2 --spare 1',
    'stacksim plan --vms 200 --topology dc.json --model compute-2s --cpu-ratio 4 --verify',
  ],
  run,
};
