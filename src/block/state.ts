/** What Cinder adds to the kernel's state: its slice of `CloudState`. */
import type { BlockState } from './types.js';

declare module '../core/state.js' {
  interface CloudState {
    /** Cinder: services, pools, volume types, QoS specs, volumes, attachments, snapshots, backups, transfers, volume blocks. */
    readonly block: BlockState;
  }
}

export {};
