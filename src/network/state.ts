/** What Neutron adds to the kernel's state: its slice of `CloudState`. */
import type { NetworkState } from './types.js';

declare module '../core/state.js' {
  interface CloudState {
    /** Neutron: networks, subnets, ports, routers, floating IPs, security groups, RBAC, agents. */
    readonly network: NetworkState;
  }
}

export {};
