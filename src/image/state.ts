/** What Glance adds to the kernel's state: its slice of `CloudState`. */
import type { ImageState } from './types.js';

declare module '../core/state.js' {
  interface CloudState {
    /** Glance: images, members, import tasks and the store options. */
    readonly image: ImageState;
  }
}

export {};
