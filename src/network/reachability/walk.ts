/**
 * Which path a packet takes between two resolved ends, step by step (the legs in `legs.ts`, NAT
 * and metadata in `nat.ts`):
 *
 * - same network: the segment between the two hosts (L2; a network's other subnets are on-link,
 *   as the DHCP agent's classless routes make them);
 * - two tenant networks: the source subnet's router (its gateway) must have an interface on the
 *   destination's subnet, and the replies, which go to the destination subnet's gateway, must
 *   find a router with an interface on the source's subnet there;
 * - to the internet, or to an external network: out through that router's gateway, SNATed;
 * - to a floating IP, or from outside to a tenant port: through the floating IP's DNAT;
 * - 169.254.169.254: the metadata proxy that serves the source's subnet;
 * - a stateless port needs rules for the replies too.
 *
 * Two tenant networks with no router between them never reach each other, whatever their
 * addresses (overlapping address spaces stay apart): only a router interface or a floating IP
 * joins them.
 */
import type { CloudState } from '../../core/index.js';
import type { FloatingIpRow, PortRow, RouterRow, SubnetRow } from '../types.js';
import { INTERNET, reply, stateful, type Remote, type Traffic } from './firewall.js';
import { arrive, cross, Denied, enterRouter, exitRouter, gatewayRouter, leave, replies, res, subnetFor, Walk } from './legs.js';
import { ROUTER_INTERFACE_OWNERS, type Addr, type NetLookup } from './lookup.js';
import { comeIn, FROM_INTERNET, goOut, internet, metadata, type Outside } from './nat.js';
import type { ReachabilityHop, ReachDenial, ReachVia } from './types.js';

/** A resolved end of a query. */
export interface End {
  readonly kind: 'port' | 'internet' | 'metadata';
  readonly port: PortRow | null;
  /** The port's own address for the traffic's family (fixed IP or pair; behind a floating IP, its fixed IP), null when it has none. */
  readonly addr: Addr | null;
  readonly via: ReachVia | null;
  /** The floating IP the query named this end by. */
  readonly fip: FloatingIpRow | null;
}

/** The outcome of a walk: the denial (null: allowed) and the hops when explained. */
export interface WalkResult {
  readonly denial: ReachDenial | null;
  readonly hops: ReachabilityHop[] | null;
}

/** Walks the path once; `tracing` records the hops. */
export function walk(s: CloudState, lk: NetLookup, from: End, to: End, t: Traffic, tracing: boolean): WalkResult {
  const w = new Walk(s, lk, t, tracing);
  try {
    route(w, from, to);
  } catch (e) {
    if (e instanceof Denied) return { denial: e.denial, hops: w.hops };
    throw e;
  }
  return { denial: null, hops: w.hops };
}

function noAddress(w: Walk, p: PortRow): never {
  return w.deny('vif', 'port.no_address', `Port ${p.id} has no IPv${w.t.v} address: it neither sends nor receives IPv${w.t.v} traffic.`, res('port', p.id));
}

function route(w: Walk, from: End, to: End): void {
  if (to.kind === 'metadata') return metadata(w, from.port as PortRow, from.addr);
  const dp = to.port;
  if (dp !== null) {
    if (to.addr === null) noAddress(w, dp);
    w.dst = to.fip === null ? to.addr.text : to.fip.floating_ip_address;
  } else w.dst = 'internet';
  const p = from.port;
  if (p === null) {
    // from the internet: only to a port (the query refuses internet to internet)
    w.src = 'internet';
    const dport = dp as PortRow;
    const host = comeIn(w, dport, to.addr as Addr, to.fip, to.via !== 'port', FROM_INTERNET);
    if (!stateful(w.lk, dport)) replies(w, dport, host, 'egress', reply(w.t), INTERNET, null);
    return;
  }
  if (from.fip !== null && from.fip.port_id === null) {
    w.deny('vif', 'floatingip.not_associated', `Floating IP ${from.fip.floating_ip_address} (${from.fip.id}) is not associated with a port: nothing sends from it.`, res('floatingip', from.fip.id));
  }
  const a = from.addr;
  if (a === null) return noAddress(w, p);
  w.src = a.text;
  const wire: Remote = dp === null ? INTERNET : (w.lk.addr(w.dst) as Addr);
  const wireOwn = dp !== null && to.fip === null ? dp : null;
  if (dp !== null && dp.id === p.id && to.fip === null) {
    if (w.hops) w.hop('loopback', { resource: res('port', p.id), description: `Port ${p.id} talks to itself: the traffic never leaves the instance.` });
    return;
  }
  const host = leave(w, p, wire, wireOwn);
  if (dp === null) {
    const out = goOut(w, p, a, host, null);
    crossOut(w, out);
    if (!stateful(w.lk, p)) replies(w, p, host, 'ingress', reply(w.t), INTERNET, null);
    return;
  }
  const srcNet = w.network(p.network_id);
  const dstNet = w.network(dp.network_id);
  const target = to.addr as Addr;
  let seen: Remote = a;
  let seenOwn: PortRow | null = p;
  let dhost: string;
  if (to.fip !== null) {
    const out = goOut(w, p, a, host, to.fip.router_id);
    seen = out.addr;
    seenOwn = out.own;
    dhost = comeIn(w, dp, target, to.fip, true, out);
  } else if (srcNet.id === dstNet.id) {
    dhost = arrive(w, dp, dstNet, host, a, p);
  } else if (srcNet.external || dstNet.external) {
    const out = goOut(w, p, a, host, null);
    seen = out.addr;
    seenOwn = out.own;
    dhost = comeIn(w, dp, target, null, to.via !== 'port', out);
  } else {
    const srcSub = subnetFor(w, p, a);
    const { router, iface } = gatewayRouter(w, srcSub);
    const rhost = enterRouter(w, router, iface, srcNet, host);
    const dstSub = subnetFor(w, dp, target);
    exitRouter(w, router, dstSub, rhost);
    dhost = arrive(w, dp, dstNet, rhost, a, p);
    returnRoute(w, router, dstSub, srcSub);
  }
  if (!stateful(w.lk, dp)) replies(w, dp, dhost, 'egress', reply(w.t), seen, seenOwn);
  if (!stateful(w.lk, p)) replies(w, p, host, 'ingress', reply(w.t), wire, wireOwn);
}

/**
 * Replies go to the destination subnet's gateway: a router with an interface on the source's
 * subnet must hold it (the same router, when both subnets are its interfaces), or they are lost.
 */
function returnRoute(w: Walk, router: RouterRow, dstSub: SubnetRow, srcSub: SubnetRow): void {
  const gw = dstSub.gateway_ip === null ? undefined : w.lk.allocation(dstSub.id, dstSub.gateway_ip);
  if (gw !== undefined && gw.device_id === router.id) return;
  const back = gw !== undefined && ROUTER_INTERFACE_OWNERS.includes(gw.device_owner) ? w.lk.router(gw.device_id) : undefined;
  if (back === undefined) {
    w.deny('route', 'router.no_return_route', `Replies from ${w.dst} cannot come back: the gateway ${dstSub.gateway_ip ?? '(none)'} of subnet ${dstSub.id} (${dstSub.cidr}) is not an interface of a router.`, res('subnet', dstSub.id));
  }
  if (w.lk.interfaceOn(back.id, srcSub.id) === undefined) {
    w.deny('route', 'router.no_return_route', `Replies from ${w.dst} go to its subnet's gateway, router ${back.id} (${back.name}), which has no interface on subnet ${srcSub.id} (${srcSub.cidr}).`, res('router', back.id));
  }
  if (w.hops) w.hop('route', { resource: res('router', back.id), namespace: `qrouter-${back.id}`, description: `Replies from ${w.dst} go back through its subnet's gateway, router ${back.name || back.id}, which has an interface on ${srcSub.cidr}.` });
}

/** From a router's gateway (or an external network) on to the internet: the external segment to the physical network, then upstream. */
function crossOut(w: Walk, out: Outside): void {
  if (out.net !== null) cross(w, out.net, out.host, null);
  internet(w, out.net, true);
}
