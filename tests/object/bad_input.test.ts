/**
 * Bad input of any shape to every operation of `session.object` and `cloud.object`: a typed
 * CloudError naming what to fix, and the same state object afterwards.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CloudError, createCloud, ObjectApi, ObjectOperatorApi, type Cloud } from '../../src/index.js';
import { caught, expectRefusal, type Refusal } from '../support/refusal.js';

function setup(): { cloud: Cloud; api: ObjectApi } {
  const cloud = createCloud({ seed: 3 });
  const api = cloud.login({ username: 'demo', password: 'secret', project: 'demo' }).object;
  api.putContainer('c');
  api.putObject('c', 'o', 'data');
  return { cloud, api };
}

const long = (n: number): string => 'x'.repeat(n);
const meta = (n: number, size = 1): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-Object-Meta-K${i}`, long(size)]));

/** Each case: a call on a fresh cloud, and the refusal it must give. */
const CASES: [string, (api: ObjectApi, cloud: Cloud) => unknown, Refusal][] = [
  ['container name empty', (a) => a.putContainer(''), { status: 400, field: 'container' }],
  ['container name not a string', (a) => a.putContainer(42 as never), { status: 400, field: 'container' }],
  ['container name with a slash', (a) => a.putContainer('a/b'), { status: 400, field: 'container' }],
  ['container name too long', (a) => a.putContainer(long(257)), { status: 400, field: 'container', message: 'longer than 256' }],
  ['container name with NUL', (a) => a.putContainer('a\u0000b'), { status: 400, field: 'container' }],
  ['container name with a lone surrogate', (a) => a.putContainer('a\ud800'), { status: 400, field: 'container' }],
  ['object name too long', (a) => a.putObject('c', long(1025), 'x'), { status: 400, field: 'object', message: 'longer than 1024' }],
  ['object name empty', (a) => a.getObject('c', ''), { status: 400, field: 'object' }],
  ['data of the wrong type', (a) => a.putObject('c', 'p', 42 as never), { status: 400, field: 'data' }],
  ['headers not an object', (a) => a.putObject('c', 'p', 'x', 'Content-Type' as never), { status: 400, field: 'headers' }],
  ['a header value not a string', (a) => a.putObject('c', 'p', 'x', { 'X-Object-Meta-A': 1 as never }), { status: 400, field: 'headers.X-Object-Meta-A' }],
  ['a header name that is not a token', (a) => a.putObject('c', 'p', 'x', { 'Bad Header': 'v' }), { status: 400, field: 'headers.Bad Header' }],
  ['a header value too long', (a) => a.putObject('c', 'p', 'x', { 'X-Object-Meta-A': long(8193) }), { status: 400, field: 'headers.X-Object-Meta-A' }],
  ['metadata name too long', (a) => a.putObject('c', 'p', 'x', { [`X-Object-Meta-${long(129)}`]: 'v' }), { status: 400, message: 'Metadata name too long' }],
  ['metadata value too long', (a) => a.putObject('c', 'p', 'x', { 'X-Object-Meta-A': long(257) }), { status: 400, field: 'headers.X-Object-Meta-A', message: 'longer than 256' }],
  ['too many metadata items', (a) => a.putObject('c', 'p', 'x', meta(91)), { status: 400, message: 'Too many metadata items; max 90' }],
  ['metadata too large overall', (a) => a.postContainer('c', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-Container-Meta-K${i}`, long(250)]))), { status: 400, message: 'Total metadata too large; max 4096' }],
  ['empty metadata name', (a) => a.postAccount({ 'X-Account-Meta-': 'v' }), { status: 400, message: 'Metadata name cannot be empty' }],
  ['unknown option', (a) => a.headAccount({ acount: 'x' } as never), { status: 400, field: 'options.acount' }],
  ['an account that is not AUTH_', (a) => a.headAccount({ account: 'demo' }), { status: 400, field: 'options.account' }],
  ['listing limit above 10 000', (a) => a.getContainer('c', { limit: 10_001 }), { status: 412, code: 'object.precondition_failed' }],
  ['listing limit negative', (a) => a.getContainer('c', { limit: -1 }), { status: 400, field: 'query.limit' }],
  ['listing limit not an integer', (a) => a.getContainer('c', { limit: 1.5 }), { status: 400, field: 'query.limit' }],
  ['listing reverse not a boolean', (a) => a.getContainer('c', { reverse: 'yes' as never }), { status: 400, field: 'query.reverse' }],
  ['listing unknown parameter', (a) => a.getAccount({ format: 'xml' } as never), { status: 400, field: 'query.format' }],
  ['a missing container', (a) => a.getContainer('nope'), { status: 404, code: 'object.container.not_found' }],
  ['a missing object', (a) => a.headObject('c', 'nope'), { status: 404, code: 'object.object.not_found' }],
  ['PUT into a missing container', (a) => a.putObject('nope', 'o', 'x'), { status: 404, code: 'object.container.not_found' }],
  ['X-Delete-At not an integer', (a) => a.putObject('c', 'p', 'x', { 'X-Delete-At': 'tomorrow' }), { status: 400, field: 'headers.X-Delete-At' }],
  ['X-Delete-After negative', (a) => a.putObject('c', 'p', 'x', { 'X-Delete-After': '-5' }), { status: 400, field: 'headers.X-Delete-After' }],
  ['two byte ranges', (a) => a.getObject('c', 'o', { Range: 'bytes=0-1,3-4' }), { status: 400, field: 'headers.Range' }],
  ['multipart_manifest of the wrong kind', (a) => a.getObject('c', 'o', {}, { multipart_manifest: 'delete' as never }), { status: 400, field: 'options.multipart_manifest' }],
  ['a copy destination without an object', (a) => a.copyObject('c', 'o', 'c/'), { status: 400, field: 'destination' }],
  ['an SLO with no segments', (a) => a.putStaticLargeObject('c', 'big', []), { status: 400, field: 'segments' }],
  ['an SLO segment with an unknown key', (a) => a.putStaticLargeObject('c', 'big', [{ path: 'c/o', range: '0-1' } as never]), { status: 400, field: 'segments[0].range' }],
  ['an SLO segment path without an object', (a) => a.putStaticLargeObject('c', 'big', [{ path: 'c' }]), { status: 400, field: 'segments[0].path' }],
  ['an ACL with an empty referrer', (a) => a.postContainer('c', { 'X-Container-Write': '.referrer:-' }), { status: 400, field: 'headers.X-Container-Write' }],
  ['a versions location that is not a container name', (a) => a.postContainer('c', { 'X-Versions-Location': 'a/b' }), { status: 400, field: 'headers.X-Versions-Location' }],
  ['an unknown storage policy', (a) => a.putContainer('d', { 'X-Storage-Policy': 'Policy-9' }), { status: 400, field: 'headers.X-Storage-Policy' }],
  ['deleting a missing container', (a) => a.deleteContainer('nope'), { status: 404 }],
  ['HEAD of a container with a bad name', (a) => a.headContainer('a/b'), { status: 400, field: 'container' }],
  ['POST to an object with too long metadata', (a) => a.postObject('c', 'o', { 'X-Object-Meta-A': long(257) }), { status: 400, field: 'headers.X-Object-Meta-A' }],
  ['DELETE of a missing object', (a) => a.deleteObject('c', 'nope'), { status: 404, code: 'object.object.not_found' }],
  ['setting a negative overload', (_a, c) => c.object.setOverload('object-0', -0.5), { status: 400 }],
  // the operator's side
  ['an unknown ring', (_a, c) => c.object.rebalance('object-7'), { status: 400, field: 'ring' }],
  ['a device without a zone', (_a, c) => c.object.addDevice('account', { region: 1, ip: 'h', port: 6202, device: 'sdz', weight: 1 } as never), { status: 400 }],
  ['a negative weight', (_a, c) => c.object.setDeviceWeight('account', 0, -1), { status: 400 }],
  ['zero replicas', (_a, c) => c.object.setReplicas('object-0', 0), { status: 400, field: 'replicas' }],
  ['an unknown device', (_a, c) => c.object.removeDevice('account', 99), { status: 400 }],
  ['failing a disk of an unknown host', (_a, c) => c.object.failDisk('nohost', 'sdb'), { status: 400, field: 'host' }],
  ['failing an unknown disk', (_a, c) => c.object.failDisk('controller', 'sdq'), { status: 400, field: 'disk' }],
  ['replacing a disk that did not fail', (_a, c) => c.object.replaceDisk('controller', 'sdb'), { status: 400, field: 'disk' }],
  ['getNodes of an object without its container', (_a, c) => c.object.getNodes('AUTH_x', undefined, 'o'), { status: 400, field: 'container' }],
  ['a bad createCloud object option', () => createCloud({ object: { policies: [] } }), { status: 400, field: 'options.object.policies' }],
  ['two default policies', () => createCloud({ object: { policies: [{ name: 'a', index: 0, default: true }, { name: 'b', index: 1, default: true }] } }), { status: 400, field: 'options.object.policies' }],
  ['a ring part power out of range', () => createCloud({ object: { ring: { part_power: 40 } } }), { status: 400, field: 'options.object.ring.part_power' }],
];

describe('bad input to the object service', () => {
  it.each(CASES)('%s: refused, state unchanged', (_name, call, refusal) => {
    const { cloud, api } = setup();
    const before = cloud.state;
    expectRefusal(caught(() => call(api, cloud)), refusal);
    expect(cloud.state).toBe(before);
  });

  it('covers every method of session.object and cloud.object', () => {
    const methods = (proto: object) => Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor' && typeof (proto as Record<string, unknown>)[n] === 'function');
    const source = CASES.map(([, fn]) => fn.toString()).join('\n');
    // private helpers, and `info` (GET /info), which takes no input
    const api = methods(ObjectApi.prototype).filter((m) => !['identity', 'accountOf', 'auth', 'recordDomain', 'read', 'write', 'writableContainer', 'store', 'readable', 'listable', 'info'].includes(m));
    const op = methods(ObjectOperatorApi.prototype).filter((m) => !['ringName', 'builder', 'setBuilder', 'disk', 'rings', 'builderOf', 'usage', 'replicate', 'locate'].includes(m));
    for (const m of [...api, ...op]) expect(source, m).toContain(`.${m}(`);
  });

  it('answers garbage in any argument with a CloudError, never a crash (seed 5252)', () => {
    const { cloud, api } = setup();
    const calls: ((x: unknown) => unknown)[] = [
      (x) => api.putContainer(x as never),
      (x) => api.putContainer('c', x as never),
      (x) => api.putObject('c', 'o', x as never),
      (x) => api.putObject('c', 'o', 'd', x as never),
      (x) => api.getObject('c', 'o', x as never),
      (x) => api.getContainer('c', x as never),
      (x) => api.getAccount(x as never),
      (x) => api.postObject('c', 'o', x as never),
      (x) => api.copyObject('c', 'o', x as never),
      (x) => api.putStaticLargeObject('c', 'big', x as never),
      (x) => api.headAccount(x as never),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: calls.length - 1 }), fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true, withTypedArray: true }), (i, garbage) => {
        const before = cloud.state;
        try {
          (calls[i] as (x: unknown) => unknown)(garbage);
        } catch (e) {
          expect(e).toBeInstanceOf(CloudError);
          expect(cloud.state).toBe(before);
        }
      }),
      { seed: 5252, numRuns: 400 },
    );
  });
});
