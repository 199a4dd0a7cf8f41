/** What identity adds to the kernel's state: its slice of `CloudState`. */
import type { IdentityConfig } from './config.js';
import type { IdentityState } from './types.js';

declare module '../core/state.js' {
  interface CloudState {
    /** Keystone: domains, projects, users, groups, roles, assignments, tokens, catalog. */
    readonly identity: IdentityState & { readonly config: IdentityConfig };
  }
}

export {};
