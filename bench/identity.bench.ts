/**
 * `npm run bench` (second part): what Keystone costs per call — creating a cloud, forking it,
 * logging in (PBKDF2 at the default cost and at 1 round), and a policy-checked read.
 * Medians of 5 runs after a warm-up; the machine may be shared, so compare within one run.
 */
import { createCloud } from '../src/index.js';
import { median, now } from './lib.js';

function perCall(label: string, n: number, fn: (i: number) => void, unit: 'ms' | 'µs'): void {
  for (let i = 0; i < Math.min(n, 50); i++) fn(i);
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = now();
    for (let i = 0; i < n; i++) fn(i);
    runs.push(((now() - t0) / n) * (unit === 'ms' ? 1 : 1000));
  }
  console.log(`${label.padEnd(48)} ${median(runs).toFixed(unit === 'ms' ? 2 : 1).padStart(8)} ${unit}`);
}

console.log('\nstacksim identity benchmark (median of 5)');
perCall("createCloud({ preset: 'empty' })", 40, (i) => createCloud({ seed: i, preset: 'empty' }), 'ms');
perCall('createCloud() (DevStack preset, 4 password hashes)', 20, (i) => createCloud({ seed: i }), 'ms');
const cloud = createCloud({ seed: 1 });
perCall('cloud.fork()', 2000, () => cloud.fork(), 'µs');
perCall('login, password_hash_rounds 1000 (default)', 100, () => cloud.login({ username: 'demo', password: 'secret', project: 'demo' }), 'ms');
const cheap = createCloud({ seed: 1, identity: { password_hash_rounds: 1 } });
perCall('login, password_hash_rounds 1', 300, () => cheap.login({ username: 'demo', password: 'secret', project: 'demo' }), 'ms');
const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
perCall('demo: identity.getProject (token check + policy)', 3000, () => demo.identity.getProject('demo'), 'µs');
perCall('admin: identity.listProjects', 3000, () => cloud.admin.identity.listProjects(), 'µs');
