/** What the object service adds to the kernel's state: its slice of `CloudState`. */
import type { ObjectState } from './types.js';

declare module '../core/state.js' {
  interface CloudState {
    /** Swift: rings, accounts, containers, objects and where their copies are. */
    readonly object: ObjectState;
  }
}

export {};
