/** CrossCellWeigher, after nova's test_cross_cell.py. */
import { describe, it, expect } from 'vitest';
import { CrossCellWeigher } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost, fakeSpec } from '../helpers.js';
import { weighed } from './helpers.js';

const hosts = () => [fakeHost({ host: 'other', cell_uuid: 'cell2' }), fakeHost({ host: 'local', cell_uuid: 'cell1' })];
const move = (allow: boolean) => fakeSpec({ requested_destination: { cell_uuid: 'cell1', allow_cross_cell_move: allow } });

describe('CrossCellWeigher', () => {
  it('prefers the source cell during a cross-cell move', () => {
    expect(weighed(CrossCellWeigher, hosts(), cfg(), move(true))).toEqual([
      ['local', 1000000],
      ['other', 0],
    ]);
  });
  it('prefers other cells with a negative multiplier', () => {
    expect(weighed(CrossCellWeigher, hosts(), cfg({ filter_scheduler: { cross_cell_move_weight_multiplier: -1 } }), move(true))[0]?.[0]).toBe('other');
  });
  it('is a no-op outside a cross-cell move', () => {
    expect(weighed(CrossCellWeigher, hosts(), cfg(), move(false)).map(([h, w]) => [h, w])).toEqual([
      ['other', 0],
      ['local', 0],
    ]);
    expect(CrossCellWeigher.weigh(hosts()[0]!, fakeSpec(), cfg())).toBe(0);
  });
  it('takes cross_cell_move_weight_multiplier from aggregate metadata', () => {
    expect(CrossCellWeigher.multiplier(cfg(), fakeHost({ aggregates: [agg({ cross_cell_move_weight_multiplier: '5' })] }))).toBe(5);
  });
});
