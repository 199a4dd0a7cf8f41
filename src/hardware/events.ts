/**
 * What the hardware module adds to the kernel's open interfaces: its notifications and its hook
 * points (how higher modules react inside the same commit).
 */
import type { Tx } from '../core/index.js';
import type { AvailabilityZone, Host, HostStatus, Rack, Region } from './types.js';
import type { HostView } from './views.js';

declare module '../core/bus.js' {
  interface CloudEventMap {
    'hardware.region.create': { readonly region: Region };
    'hardware.availability_zone.create': { readonly availability_zone: AvailabilityZone };
    'hardware.rack.create': { readonly rack: Rack };
    'hardware.host.create': { readonly host: HostView };
    'hardware.host.update': { readonly host: HostView; readonly changed: readonly string[] };
    'hardware.host.delete': { readonly host: HostView };
    /** The host went down (power, network, hardware fault). */
    'hardware.host.failed': { readonly host: HostView; readonly previous_state: HostStatus };
    /** The host is up again. */
    'hardware.host.recovered': { readonly host: HostView; readonly previous_state: HostStatus };
    /** The operator took the host out for maintenance. */
    'hardware.host.maintenance': { readonly host: HostView; readonly previous_state: HostStatus };
  }
}

declare module '../core/kernel.js' {
  interface CloudHooks {
    /** A host was added: create its resource provider, compute service, Swift devices… */
    'hardware.host.added': (tx: Tx, host: Host) => void;
    /** A host's hardware, roles or location changed; throw to refuse (e.g. RAM below usage). */
    'hardware.host.updated': (tx: Tx, before: Host, after: Host) => void;
    /** A host changed between up, down and maintenance. */
    'hardware.host.state_changed': (tx: Tx, before: Host, after: Host) => void;
    /** A host is about to be removed; throw a Conflict while it holds work. */
    'hardware.host.removing': (tx: Tx, host: Host) => void;
  }
}

export {};
