/**
 * The shapes of a reachability question and its answer (`explainReachability`, issue 12's
 * "Reachability"): a query names two ends, the answer says whether the traffic gets through and,
 * when read, by which path, hop by hop, in the words of the Neutron lecture (security groups on
 * the `qbr` bridge, `qvo` on `br-int`, the segment, the router's `qr-` / `qg-` interfaces in its
 * `qrouter-` namespace, SNAT, a floating IP's DNAT, the metadata proxy).
 */

/** What traffic is asked about: `any` is traffic of every protocol (only a rule that admits every protocol admits it). */
export type ReachProtocol = 'tcp' | 'udp' | 'icmp' | 'any';

/**
 * One end of a query: a port id, `{ port: id }`, a nova server `{ server: id }` (its first port,
 * or its port on `network`, id or name), an IP address (fixed, allowed address pair or floating),
 * or `'internet'`.
 */
export type ReachEndInput = string | { readonly port: string } | { readonly server: string; readonly network?: string };

/** `explainReachability`'s question. */
export interface ReachabilityQuery {
  readonly from: ReachEndInput;
  readonly to: ReachEndInput;
  /** Default `any` (and `tcp` to the metadata address). */
  readonly protocol?: ReachProtocol;
  /** The destination port, 1–65535, for `tcp` / `udp` only (default: every port; `80` to the metadata address). */
  readonly port?: number;
}

/** How an end was found. */
export type ReachVia = 'port' | 'fixed_ip' | 'allowed_address_pair' | 'floating_ip';

/** One end as the answer shows it. */
export interface ReachEnd {
  readonly kind: 'port' | 'internet' | 'metadata';
  readonly port_id: string | null;
  readonly network_id: string | null;
  /** The end's address for this traffic (the port's fixed IP or pair, the metadata address), null for the internet. */
  readonly address: string | null;
  readonly via: ReachVia | null;
  /** The floating IP the end was named by (its address is then the port's fixed IP behind it). */
  readonly floating_ip_id: string | null;
  readonly floating_ip_address: string | null;
}

/** A resource a hop or a denial names. */
export interface ReachResource {
  readonly type: 'port' | 'security_group' | 'security_group_rule' | 'router' | 'network' | 'subnet' | 'floatingip' | 'agent';
  readonly id: string;
}

/** What a hop is, as the lecture names the steps. */
export type HopKind =
  | 'loopback'
  | 'security_group'
  | 'vif'
  | 'segment'
  | 'router_interface'
  | 'route'
  | 'snat'
  | 'floating_ip_snat'
  | 'router_gateway'
  | 'dnat'
  | 'external_network'
  | 'internet'
  | 'metadata_proxy'
  | 'metadata_agent'
  | 'port';

/** One step of the path. */
export interface ReachabilityHop {
  readonly kind: HopKind;
  /** The host it happens on (`binding:host_id`, the L3 or DHCP agent's host), null outside the cloud. */
  readonly host: string | null;
  /** The device (`tapXXXXXXXXXXX`, `qvoXXXXXXXXXXX`, `qr-XXXXXXXXXXX`, `br-tun`, …), if any. */
  readonly device: string | null;
  /** The network namespace (`qrouter-<id>`, `qdhcp-<id>`), if any. */
  readonly namespace: string | null;
  readonly resource: ReachResource | null;
  /** The packet's source and destination addresses as they are at this hop (NAT changes them). */
  readonly source: string;
  readonly destination: string;
  readonly description: string;
  /** False on the hop that stops the traffic (the last one). */
  readonly passed: boolean;
}

/** Why traffic does not get through: a stable reason code, a message, and the resource at fault. */
export interface ReachDenial {
  /** `<resource>.<condition>`: `security_group.ingress`, `router.interface_missing`, `floatingip.none`, … */
  readonly reason: string;
  readonly message: string;
  readonly resource: ReachResource;
}

/** `explainReachability`'s answer; `path` is computed when first read. */
export interface ReachabilityAnswer {
  readonly allowed: boolean;
  readonly from: ReachEnd;
  readonly to: ReachEnd;
  readonly protocol: ReachProtocol;
  /** The destination port asked about, null for every port (or a protocol without ports). */
  readonly port: number | null;
  readonly deniedBy?: ReachDenial;
  readonly path: readonly ReachabilityHop[];
}
