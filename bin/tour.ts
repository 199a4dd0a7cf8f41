/**
 * What `stacksim demo` and `stacksim report` (without a scenario) do to a fresh cloud so every
 * picture has something in it: DevStack's `demo` user boots a few servers from the cirros image
 * on `networks: 'auto'` (its `private` network), and gives the first one a floating IP from
 * `public` — the lecture's "VM creation" and "how does the internet reach a VM".
 */
import type { Cloud } from '../src/index.js';

/** One server the tour booted. */
export interface Booted {
  readonly name: string;
  readonly id: string;
  readonly flavor: string;
  /** The boot's request id (`cloud.trace(id)`). */
  readonly requestId: string | undefined;
}

/** What the tour did, and what it could not do (each problem one readable line). */
export interface TourResult {
  readonly booted: readonly Booted[];
  readonly floatingIp: string | undefined;
  readonly problems: readonly string[];
}

const NAMES = ['web', 'db', 'cache', 'worker', 'queue', 'search', 'batch', 'proxy', 'api', 'backup'];
const FLAVORS = ['m1.tiny', 'm1.small', 'm1.tiny', 'm1.tiny'];

/** The most servers the tour boots: the DevStack `demo` project's `instances` quota (nova's default 10). */
export const MAX_TOUR_SERVERS = 10;

/**
 * The demo user boots `count` servers (web, db, cache, …; m1.tiny and m1.small), then puts a
 * floating IP on the first. Nothing throws: a step that fails (no demo user on an empty preset,
 * no image on a topology without storage hosts) is a line in `problems`. `onBoot` is called
 * after each boot (a progress bar).
 */
export function bootDemoServers(cloud: Cloud, count: number, onBoot: (done: number, name: string) => void = () => {}): TourResult {
  const problems: string[] = [];
  const booted: Booted[] = [];
  let demo;
  try {
    demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  } catch (e) {
    return { booted, floatingIp: undefined, problems: [`the demo user cannot log in (${(e as Error).message}); nothing was booted`] };
  }
  const image = demo.image.listImages().images.find((i) => i.status === 'active' && String(i.name).startsWith('cirros')) ?? demo.image.listImages().images.find((i) => i.status === 'active');
  if (image === undefined) return { booted, floatingIp: undefined, problems: ['the demo user sees no active image (a cloud without a storage host has no cirros); nothing was booted'] };
  for (let i = 0; i < count; i++) {
    const name = NAMES[i] ?? `vm-${i + 1}`;
    const flavor = FLAVORS[i % FLAVORS.length] as string;
    try {
      const server = demo.compute.createServer({ name, flavorRef: flavor, imageRef: image.id, networks: 'auto' });
      const id = 'id' in server ? server.id : name;
      booted.push({ name, id, flavor, requestId: cloud.lastRequestId });
    } catch (e) {
      problems.push(`booting ${name} (${flavor}) failed: ${(e as Error).message}`);
    }
    onBoot(i + 1, name);
  }
  let floatingIp: string | undefined;
  const first = booted[0];
  if (first !== undefined) {
    try {
      const port = demo.network.listPorts({ device_id: first.id })[0];
      const external = demo.network.listNetworks({ 'router:external': true })[0];
      if (port !== undefined && external !== undefined) floatingIp = demo.network.createFloatingIp({ floating_network_id: external.id, port_id: port.id }).floating_ip_address ?? undefined;
    } catch (e) {
      problems.push(`a floating IP for ${first.name} failed: ${(e as Error).message}`);
    }
  }
  return { booted, floatingIp, problems };
}
