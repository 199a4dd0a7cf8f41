/**
 * `npm run bench` (second part): what Keystone costs per call — creating a cloud, forking it,
 * logging in (PBKDF2 at the default cost and at 1 round), and a policy-checked read.
 * Medians of 5 runs after a warm-up; the machine may be shared, so compare within one run.
 */
import { core, createCloud } from '../src/index.js';
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

// What the public wrapper costs (a request id for every call, views frozen deeply): the same
// reads through the session's API and through the API object behind it.
{
  // the API object behind the public wrapper (src/core/service.ts keeps it under Symbol('stacksim.api'))
  const apiKey = Object.getOwnPropertySymbols(demo.identity).find((k) => k.description === 'stacksim.api');
  if (apiKey === undefined) throw new Error('the public wrapper no longer keeps its API object under Symbol(stacksim.api)');
  const raw = (demo.identity as unknown as Record<symbol, typeof demo.identity>)[apiKey] as typeof demo.identity;
  const runs: [number, number][] = [];
  for (let r = 0; r < 5; r++) {
    const n = 3000;
    let t0 = now();
    for (let i = 0; i < n; i++) raw.getProject('demo');
    const bare = ((now() - t0) / n) * 1000;
    t0 = now();
    for (let i = 0; i < n; i++) demo.identity.getProject('demo');
    runs.push([bare, ((now() - t0) / n) * 1000]);
  }
  const bare = median(runs.map((x) => x[0]));
  const wrapped = median(runs.map((x) => x[1]));
  console.log(`${'demo: identity.getProject, bare / public'.padEnd(48)} ${bare.toFixed(1).padStart(8)} µs ${wrapped.toFixed(1).padStart(8)} µs  ×${(wrapped / bare).toFixed(2)}`);
}

// Validation against many revocation events: each logout records one (Keystone's revoke by
// audit id). The clock stands still, so nothing is old enough to purge: the index must keep a
// validated read flat however many events there are.
const revoking = createCloud({ seed: 3, identity: { password_hash_rounds: 1 } });
const reader = revoking.login({ username: 'demo', password: 'secret', project: 'demo' });
let events = 0;
for (const target of [1_000, 20_000]) {
  for (; events < target; events++) revoking.login({ username: 'demo', password: 'secret', project: 'demo' }).logout();
  perCall(`validated read with ${target.toLocaleString('en')} revocation events`, 2000, () => reader.identity.getProject('demo'), 'µs');
}

// A long run of logins and logouts with the clock moving (10 s per cycle): the token flush keeps
// the state bounded, and validation cost flat.
const long = createCloud({ seed: 4, identity: { password_hash_rounds: 1 } });
let cycles = 0;
for (const target of [1_000, 20_000]) {
  for (; cycles < target; cycles++) {
    long.login({ username: 'demo', password: 'secret', project: 'demo' }).logout();
    long.clock.advance(10);
  }
  const fresh = long.login({ username: 'demo', password: 'secret', project: 'demo' });
  const held = core.tableToArray(long.state.identity.tokens).length;
  const revoked = core.tableToArray(long.state.identity.revocations).length;
  perCall(`after ${target.toLocaleString('en')} login/logout cycles (${held} tokens, ${revoked} events held)`, 2000, () => fresh.identity.getProject('demo'), 'µs');
}
