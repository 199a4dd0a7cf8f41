/**
 * The floating IP table and its two indexes (a port's floating IPs, a router's), written in one
 * place so they always agree: every command that stores, changes or removes a floating IP row
 * goes through {@link storeFloatingIp} / {@link dropFloatingIp}.
 */
import { deleteRow, getRow, setRow, type CloudState, type Tx } from '../core/index.js';
import { indexed } from './context.js';
import type { FloatingIpRow } from './types.js';

/** Stores a floating IP row (new, or a new version of `before`) with its indexes. */
export function storeFloatingIp(tx: Tx, row: FloatingIpRow, before?: FloatingIpRow): void {
  const n = tx.draft.network;
  if (before !== undefined) {
    if (before.port_id !== null && before.port_id !== row.port_id) deleteRow(n.port_floatingips, `${before.port_id}/${before.id}`);
    if (before.router_id !== null && before.router_id !== row.router_id) deleteRow(n.router_floatingips, `${before.router_id}/${before.id}`);
  }
  setRow(n.floatingips, row.id, row);
  if (row.port_id !== null) setRow(n.port_floatingips, `${row.port_id}/${row.id}`, row.id);
  if (row.router_id !== null) setRow(n.router_floatingips, `${row.router_id}/${row.id}`, row.id);
}

/** Removes a floating IP row and its index entries. */
export function dropFloatingIp(tx: Tx, row: FloatingIpRow): void {
  const n = tx.draft.network;
  deleteRow(n.floatingips, row.id);
  if (row.port_id !== null) deleteRow(n.port_floatingips, `${row.port_id}/${row.id}`);
  if (row.router_id !== null) deleteRow(n.router_floatingips, `${row.router_id}/${row.id}`);
}

/** The floating IPs associated with a port. O(log n + k). */
export function floatingIpsOfPort(s: CloudState, portId: string): FloatingIpRow[] {
  return indexed(s.network.port_floatingips, portId).map((id) => getRow(s.network.floatingips, id)).filter((f): f is FloatingIpRow => f !== undefined);
}

/** The floating IPs a router serves. O(log n + k). */
export function floatingIpsOfRouter(s: CloudState, routerId: string): FloatingIpRow[] {
  return indexed(s.network.router_floatingips, routerId).map((id) => getRow(s.network.floatingips, id)).filter((f): f is FloatingIpRow => f !== undefined);
}
