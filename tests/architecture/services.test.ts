/**
 * Every service descriptor of `src/services.ts` is wired: its slices are in the state and
 * survive snapshot / restore and a JSON round trip, its policy defaults are registered, its
 * catalog entries are in a token's catalog, its hooks and task kinds are installed on every
 * kernel (forks included), its option is read by createCloud, and its session, operator and
 * anonymous APIs are present. A new descriptor added to the list is checked by the same test.
 */
import { describe, expect, it } from 'vitest';
import { CloudError, RequestPipeline, SERVICES, createCloud, type AnyServiceDescriptor, type Cloud, type PolicyEngine } from '../../src/index.js';

const LIST: readonly AnyServiceDescriptor[] = SERVICES;

function partsOf(service: AnyServiceDescriptor, cloud: Cloud, kind: 'session' | 'operator' | 'anonymous'): Record<string, unknown> {
  const pipeline = new RequestPipeline(cloud.kernel, () => (cloud as unknown as { policyService: { engine(): PolicyEngine } }).policyService.engine(), { current: () => cloud.admin.token });
  const factory = service[kind] as ((x: unknown) => Record<string, unknown>) | undefined;
  if (factory === undefined) return {};
  return factory(kind === 'operator' ? cloud.kernel : pipeline);
}

describe('service descriptors', () => {
  const cloud = createCloud({ seed: 61 });

  it('the list names each service once, in dependency order, and each owns its own slices', () => {
    const names = LIST.map((s) => s.name);
    expect(names).toEqual(['hardware', 'identity', 'scheduler', 'object', 'image', 'network', 'block', 'compute']);
    const slices = LIST.flatMap((s) => s.slices);
    expect(new Set(slices).size).toBe(slices.length);
    expect(Object.keys(cloud.state).sort()).toEqual(['blobs', 'meta', 'quota', ...slices].sort());
  });

  for (const service of LIST) {
    describe(service.name, () => {
      it('its slices survive snapshot / restore, a fork and a JSON round trip', () => {
        const c = createCloud({ seed: 62 });
        const snap = c.snapshot();
        c.admin.identity.createProject({ name: `p-${service.name}` });
        c.restore(snap);
        const again = createCloud({ state: JSON.stringify(c) });
        const fork = c.fork();
        for (const slice of service.slices) {
          expect(c.state[slice]).toBe(snap[slice]);
          expect(fork.state[slice]).toBe(snap[slice]);
          expect(JSON.parse(JSON.stringify(again.state[slice]))).toEqual(JSON.parse(JSON.stringify(snap[slice])));
        }
      });

      it('its policy defaults are registered', () => {
        const rules = new Set(cloud.policy.listRules().map((r) => r.name));
        for (const p of service.policies ?? []) expect(rules.has(p.name), p.name).toBe(true);
      });

      it('its catalog entries are in a token’s catalog, three interfaces each', () => {
        const catalog = cloud.admin.tokenInfo().catalog ?? [];
        for (const entry of service.catalog ?? []) {
          const found = catalog.find((c) => c.type === entry.type);
          expect(found?.name, entry.type).toBe(entry.name);
          expect(found?.endpoints.map((e) => e.interface).sort()).toEqual(['admin', 'internal', 'public']);
          expect(new Set(found?.endpoints.map((e) => e.url))).toEqual(new Set([entry.url]));
        }
      });

      it('its hooks and task kinds are installed on every kernel, forks included', () => {
        for (const c of [cloud, cloud.fork()]) {
          for (const [name, fn] of Object.entries(service.hooks ?? {})) expect(c.kernel.hookHandlers(name)).toContain(fn);
          for (const kind of Object.keys(service.tasks ?? {})) expect(c.kernel.hasTask(kind), kind).toBe(true);
        }
      });

      it('its session, operator and anonymous APIs are properties of sessions and of the cloud', () => {
        const session = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
        for (const [name, api] of Object.entries(partsOf(service, cloud, 'session'))) {
          expect((session as unknown as Record<string, unknown>)[name]).toBeInstanceOf((api as object).constructor);
          expect(Object.prototype.hasOwnProperty.call(session, name)).toBe(true);
        }
        for (const [name, api] of Object.entries(partsOf(service, cloud, 'operator'))) expect((cloud as unknown as Record<string, unknown>)[name]).toBeInstanceOf((api as object).constructor);
        for (const [name, api] of Object.entries(partsOf(service, cloud, 'anonymous'))) expect((cloud.anonymous as Record<string, unknown>)[name]).toBeInstanceOf((api as object).constructor);
      });

      if (service.option !== undefined) {
        const key = service.option.key;
        it(`createCloud reads its option '${key}', refuses a bad one with a 400, and refuses it beside a state`, () => {
          let error: unknown;
          try {
            createCloud({ [key]: 42 } as never);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(CloudError);
          expect((error as CloudError).status).toBe(400);
          expect(String((error as CloudError).details.field)).toMatch(new RegExp(`^(options\\.)?${key}`));
          expect(() => createCloud({ state: cloud.state, [key]: {} } as never)).toThrow(new RegExp(`options\\.${key}`));
        });
      }
    });
  }
});
