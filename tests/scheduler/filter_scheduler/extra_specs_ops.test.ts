/** The extra-specs operator language, every case of nova's test_extra_specs_ops.py. */
import { describe, it, expect } from 'vitest';
import { matchExtraSpec } from '../../../src/scheduler/filter_scheduler/index.js';

const LIST = "['aes', 'mmx', 'aux']";
const CASES: [value: string, req: string, matches: boolean][] = [
  ['1', '1', true], ['', '1', false], ['3', '1', false], ['222', '2', false], ['4', '> 2', false],
  ['123', '= 123', true], ['124', '= 123', true], ['34', '= 234', false], ['34', '=', false],
  ['123', 's== 123', true], ['1234', 's== 123', false], ['1234', 's!= 123', true], ['123', 's!= 123', false],
  ['1000', 's>= 234', false], ['1234', 's<= 1000', false], ['2', 's< 12', false], ['12', 's> 2', false],
  ['12311321', '<in> 11', true], ['12311321', '<in> 12311321', true], ['12311321', '<in> 12311321 <in>', true],
  ['12310321', '<in> 11', false], ['12310321', '<in> 11 <in>', false],
  ['12', '<or> 11 <or> 12', true], ['12', '<or> 11 <or> 12 <or>', true], ['13', '<or> 11 <or> 12', false], ['13', '<or> 11 <or> 12 <or>', false],
  ['2', '<= 10', true], ['3', '<= 2', false], ['3', '>= 1', true], ['2', '>= 3', false],
  [LIST, '<all-in> aes mmx', true], [LIST, '<all-in> mmx', true], [LIST, '<all-in>  txt', false],
  [LIST, '<all-in> txt 3dnow', false], [LIST, '<all-in> txt aes', false],
  // Beyond nova's tests: where nova raises, the host simply fails.
  ['abc', '>= 2', false], ['2', '== 2.0', true], ['2', '!= 3', true], ['x', '<or>', false],
];

describe('matchExtraSpec', () => {
  it.each(CASES)('%j against %j → %j', (value, req, matches) => {
    expect(matchExtraSpec(value, req)).toBe(matches);
  });
  it('never matches an operator against a missing value', () => {
    expect(matchExtraSpec(null, '>= 1')).toBe(false);
  });
});
