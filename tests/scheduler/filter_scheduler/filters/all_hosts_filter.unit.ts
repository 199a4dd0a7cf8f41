/** AllHostsFilter. */
import { describe, it, expect } from 'vitest';
import { AllHostsFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { fakeHost, passes } from '../helpers.js';

describe('AllHostsFilter', () => {
  it('passes every host, even a disabled one', () => {
    expect(passes(AllHostsFilter, fakeHost())).toBe(true);
    expect(passes(AllHostsFilter, fakeHost({ service: { disabled: true, up: false } }))).toBe(true);
  });
});
