/** What nova adds to the kernel's state: its slice of `CloudState`. */
import type { ComputeState } from './types.js';

declare module '../core/state.js' {
  interface CloudState {
    /** Nova: flavors, keypairs, instances with their block devices and actions, server groups, image caches. */
    readonly compute: ComputeState;
  }
}

export {};
