/** What Placement adds to the kernel's open interfaces: its state slice and notifications. */
import type { PlacementState } from './types.js';

declare module '../../core/state.js' {
  interface CloudState {
    /** Placement: resource providers, inventories, traits, aggregates, consumers, allocations. */
    readonly placement: PlacementState;
  }
}

export {};
