/** What the hardware module adds to the kernel's state: its slice of `CloudState`. */
import type { HardwareState } from './types.js';

declare module '../core/state.js' {
  interface CloudState {
    /** The datacenter: regions, AZs, racks, host models, hosts. */
    readonly hardware: HardwareState;
  }
}

export {};
