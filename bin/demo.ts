/**
 * `stacksim demo`: a short tour of DevStack's cloud in the terminal, drawn with `stacksim/render`'s
 * text forms — the demo user boots a few servers (a progress bar), one boot's trace step by step,
 * the hypervisors, host utilisation and the datacenter. (`npm run demo`, examples/demo.ts, is the
 * long tour through every service.)
 */
import { stderr, stdout } from 'node:process';
import { createCloud, type Cloud } from '../src/index.js';
import { datacenter, sequence, table, utilisation, type Picture } from '../src/render/index.js';
import { helpText, integer, one, parseFlags, seed, type Command } from './args.js';
import { Progress } from './progress.js';
import { bootDemoServers, MAX_TOUR_SERVERS } from './tour.js';

const FLAGS = [
  { name: '--seed', value: 'N', help: 'the seed: same seed, same tour (default 0)' },
  { name: '--servers', value: 'N', help: `servers the demo user boots, 1 to ${MAX_TOUR_SERVERS} (the demo project's instances quota; default 4)` },
] as const;

/** A picture's text indented, or why it could not be drawn. */
function text(draw: () => Picture): string {
  try {
    return draw()
      .toText()
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
  } catch (e) {
    return `  (could not draw this: ${(e as Error).message})`;
  }
}

function hypervisors(cloud: Cloud): Picture {
  const admin = cloud.fork().admin;
  return table(
    admin.compute.listHypervisorsDetail({ with_servers: true }).map((h) => ({
      hypervisor: h.hypervisor_hostname,
      state: h.state,
      status: h.status,
      type: h.hypervisor_type,
      servers: (h.servers ?? []).map((s) => s.name).join(', '),
    })),
    { title: 'Hypervisors' },
  );
}

async function run(args: readonly string[]): Promise<number> {
  const p = parseFlags(args, FLAGS);
  if (p.help) {
    stdout.write(helpText(demoCommand));
    return 0;
  }
  const seedValue = one(p, '--seed') === undefined ? 0 : seed('--seed', one(p, '--seed') as string);
  const count = one(p, '--servers') === undefined ? 4 : integer('--servers', one(p, '--servers') as string, 1, MAX_TOUR_SERVERS);
  const cloud = createCloud({ preset: 'devstack', seed: seedValue });
  const w = (s = ''): void => void stdout.write(`${s}\n`);
  w(`stacksim demo — DevStack's cloud (seed ${String(seedValue)}): ${cloud.hardware.listHosts().map((h) => h.name).join(', ')}`);
  w(`The demo user logs in to project demo and boots ${count} server(s) from cirros on networks 'auto'.`);
  w();
  const progress = new Progress('booting', count);
  const tour = bootDemoServers(cloud, count, (done, name) => progress.update(done, name));
  progress.finish(`${tour.booted.length} booted`);
  for (const problem of tour.problems) stderr.write(`stacksim demo: ${problem}\n`);
  const admin = cloud.fork().admin;
  for (const b of tour.booted) {
    const v = admin.compute.getServer(b.id) as unknown as Record<string, unknown>;
    const addresses = Object.entries((v.addresses ?? {}) as Record<string, readonly { addr: string }[]>).map(([net, list]) => `${net} ${list.map((a) => a.addr).join(', ')}`).join('; ');
    w(`  ${b.name.padEnd(8)} ${b.flavor.padEnd(9)} ${String(v.status).padEnd(7)} on ${String(v['OS-EXT-SRV-ATTR:host'])}  ${addresses}`);
  }
  if (tour.floatingIp !== undefined) w(`  ${tour.booted[0]?.name} also has floating IP ${tour.floatingIp} (DNAT on router1)`);
  const first = tour.booted[0];
  const trace = first?.requestId === undefined ? undefined : cloud.trace(first.requestId);
  if (trace !== undefined) {
    w();
    w(`What happened when '${first?.name}' booted (request ${trace.request_id}), step by step:`);
    w(text(() => sequence(trace)));
  }
  w();
  w('The hypervisors (GET /os-hypervisors/detail?with_servers=true, as the admin):');
  w(text(() => hypervisors(cloud)));
  w();
  w('Host utilisation: physical capacity, overcommitted capacity (× allocation_ratio) and what Placement allocated:');
  w(text(() => utilisation(cloud)));
  w();
  w('The datacenter:');
  w(text(() => datacenter(cloud)));
  w();
  w('Next: stacksim report --out report.html (all of this and more as one page) · stacksim plan --vms 200 (the capacity question) · npm run demo (every service)');
  return 0;
}

/** `stacksim demo`. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'a short tour in the terminal: boots, a boot trace, hypervisors, utilisation, the datacenter',
  description: [
    "On DevStack's cloud the demo user boots a few servers (a progress bar on stderr), then the tour",
    'prints one boot step by step (Keystone → nova-api → conductor → scheduler and Placement →',
    'nova-compute with Neutron and Glance), the hypervisors, host utilisation and the datacenter.',
  ].join('\n'),
  flags: FLAGS,
  examples: ['stacksim demo', 'stacksim demo --seed 3 --servers 8'],
  run,
};
