/**
 * The request pipeline validates a session's token once per call, for every service, and
 * `cloud.admin` (which re-authenticates when its token stops validating) too.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const counted = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../src/identity/tokens.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/identity/tokens.js')>();
  return {
    ...original,
    validateToken: (...args: Parameters<typeof original.validateToken>) => {
      counted.calls += 1;
      return original.validateToken(...args);
    },
  };
});

const { createCloud } = await import('../../src/index.js');

describe('one validation per call', () => {
  const cloud = createCloud({ seed: 91, identity: { password_hash_rounds: 1 } });
  const admin = cloud.admin;
  admin.token; // authenticated before counting
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  beforeEach(() => {
    counted.calls = 0;
  });

  const calls: [string, () => unknown][] = [
    ['cloud.admin: identity.listProjects (read)', () => admin.identity.listProjects()],
    ['cloud.admin: identity.createProject (write)', () => admin.identity.createProject({ name: 'pipeline-project' })],
    ['cloud.admin: image.listImages', () => admin.image.listImages()],
    ['cloud.admin: object.headAccount', () => admin.object.headAccount()],
    ['cloud.systemAdmin: placement.listResourceProviders', () => cloud.systemAdmin.placement.listResourceProviders()],
    ['demo: identity.getProject', () => demo.identity.getProject('demo')],
    ['demo: object.putContainer (write)', () => demo.object.putContainer('c')],
  ];
  for (const [name, call] of calls) {
    it(name, () => {
      call();
      expect(counted.calls).toBe(1);
    });
  }

  it('an expired cloud.admin token: one failed validation, the login, one validation of the new token', () => {
    cloud.clock.advance(3600);
    counted.calls = 0;
    admin.identity.listProjects();
    expect(counted.calls).toBe(2);
    counted.calls = 0;
    admin.identity.listProjects();
    expect(counted.calls).toBe(1);
  });

  it('a write refused for its token answers 401 with a request id the trace log knows, and changes nothing', () => {
    const c = createCloud({ seed: 92, identity: { password_hash_rounds: 1 } });
    const user = c.login({ username: 'demo', password: 'secret', project: 'demo' });
    const token = user.token;
    user.logout();
    const before = c.state;
    let error: { status?: number; requestId?: string } = {};
    try {
      user.object.putContainer('late');
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.status).toBe(401);
    expect(error.requestId).toMatch(/^req-/);
    expect(c.trace(error.requestId)).toBeDefined();
    expect(c.state).toBe(before);
    expect(token).toBe(user.token);
  });
});
