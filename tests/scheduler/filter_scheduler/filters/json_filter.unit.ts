/** JsonFilter, after nova's test_json_filters.py. */
import { describe, it, expect } from 'vitest';
import { JsonFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { caught, cfg, fakeHost, fakeSpec, passes } from '../helpers.js';

const query = (q: unknown) => fakeSpec({ scheduler_hints: { query: JSON.stringify(q) } });
const QUERY = ['and', ['>=', '$free_ram_mb', 1024], ['>=', '$free_disk_mb', 200 * 1024]];

describe('JsonFilter', () => {
  it('passes and fails on free RAM and disk', () => {
    expect(passes(JsonFilter, fakeHost({ free_ram_mb: 1024, free_disk_mb: 200 * 1024 }), query(QUERY))).toBe(true);
    expect(passes(JsonFilter, fakeHost({ free_ram_mb: 1023, free_disk_mb: 200 * 1024 }), query(QUERY))).toBe(false);
    expect(passes(JsonFilter, fakeHost({ free_ram_mb: 1024, free_disk_mb: 200 * 1024 - 1 }), query(QUERY))).toBe(false);
  });
  it('passes every host without a query', () => {
    expect(passes(JsonFilter, fakeHost({ free_ram_mb: 0, free_disk_mb: 0 }), fakeSpec())).toBe(true);
    expect(passes(JsonFilter, fakeHost(), query([]))).toBe(true);
    expect(passes(JsonFilter, fakeHost(), query({}))).toBe(true);
  });
  it('reads nested attributes such as $service.disabled', () => {
    expect(passes(JsonFilter, fakeHost({ service: { disabled: true } }), query(['not', '$service.disabled']))).toBe(false);
    expect(passes(JsonFilter, fakeHost(), query(['not', '$service.disabled']))).toBe(true);
    // nova's quirk: `not` returns a list, and a non-empty list is true inside `and`.
    const q = ['and', ['>=', '$free_ram_mb', 1024], ['not', '$service.disabled']];
    expect(passes(JsonFilter, fakeHost({ service: { disabled: true } }), query(q))).toBe(true);
    expect(passes(JsonFilter, fakeHost({ stats: { opt1: 'match' } }), query(['=', '$stats.opt1', 'match']))).toBe(true);
  });
  it('nests and / or (the happy day)', () => {
    const raw = ['and', ['=', '$stats.opt1', 'match'], ['or', ['and', ['<', '$free_ram_mb', 30], ['<', '$free_disk_mb', 300]], ['and', ['>', '$free_ram_mb', 30], ['>', '$free_disk_mb', 300]]]];
    const h = (ram: number, disk: number, opt1 = 'match') => fakeHost({ free_ram_mb: ram, free_disk_mb: disk, stats: { opt1 } });
    expect(passes(JsonFilter, h(10, 200), query(raw))).toBe(true);
    expect(passes(JsonFilter, h(40, 400), query(raw))).toBe(true);
    expect(passes(JsonFilter, h(30, 300), query(raw))).toBe(false);
    expect(passes(JsonFilter, h(20, 400), query(raw))).toBe(false);
    expect(passes(JsonFilter, h(40, 400, 'no-match'), query(raw))).toBe(false);
  });
  it('applies every basic operator as nova does', () => {
    const cases: [string, unknown[], boolean][] = [
      ['=', [1, 1], true], ['=', [1, 2], false],
      ['<', [1, 2], true], ['<', [1, 1], false], ['<', [2, 1], false],
      ['>', [2, 1], true], ['>', [2, 2], false], ['>', [2, 3], false],
      ['<=', [1, 2], true], ['<=', [1, 1], true], ['<=', [2, 1], false],
      ['>=', [2, 1], true], ['>=', [2, 2], true], ['>=', [2, 3], false],
      ['in', [1, 1], true], ['in', [1, 1, 2, 3], true], ['in', [4, 1, 2, 3], false],
      ['not', [true], false], ['not', [false], true],
      ['or', [true, false], true], ['or', [false, false], false],
      ['and', [true, true], true], ['and', [false, false], false], ['and', [true, false], false],
      ['and', [['or', true, false], ['>', 2, 1]], true],
    ];
    for (const [op, args, expected] of cases) expect([op, args, passes(JsonFilter, fakeHost(), query([op, ...args]))]).toEqual([op, args, expected]);
  });
  it('passes when any result of not is true', () => {
    expect(passes(JsonFilter, fakeHost(), query(['not', true, false, true, false]))).toBe(true);
    expect(passes(JsonFilter, fakeHost(), query(['not', true, true, true]))).toBe(false);
  });
  it('fails operators given too few arguments', () => {
    expect(passes(JsonFilter, fakeHost(), query(['>', ['and', ['or', ['not', ['<', ['>=', ['<=', ['in']]]]]]]]))).toBe(false);
    expect(passes(JsonFilter, fakeHost(), query(['>', 1]))).toBe(false);
  });
  it('drops unknown variables from the arguments', () => {
    expect(passes(JsonFilter, fakeHost(), query(['=', '$........', 1, 1]))).toBe(true);
    expect(passes(JsonFilter, fakeHost(), query(['=', '$foo', 2, 2]))).toBe(true);
  });
  it('fails the host, with the reason, where nova would crash comparing a number with a string', () => {
    expect(JsonFilter.hostPasses(fakeHost(), query(['<', '$host', 3]), cfg())).toMatch(/not supported/);
  });
  it('refuses an unknown operator or malformed JSON when the request is checked', () => {
    expect(caught(() => query(['!=', 1, 2])).details.field).toBe('request.scheduler_hints.query');
    expect(caught(() => fakeSpec({ scheduler_hints: { query: '[">=", ' } })).details.field).toBe('request.scheduler_hints.query');
    expect(caught(() => query({ a: 1 })).message).toMatch(/expected a list/);
  });
  it('accepts the query as a parsed list too', () => {
    expect(passes(JsonFilter, fakeHost({ free_ram_mb: 2048 }), fakeSpec({ scheduler_hints: { query: ['>=', '$free_ram_mb', 1024] } }))).toBe(true);
  });
});
