/**
 * Identifiers drawn from the cloud's seeded generator: UUID-shaped ids (as OpenStack's uuid4
 * ids), MAC addresses in OpenStack's `fa:16:3e` prefix (neutron's `base_mac`), and request ids
 * `req-<uuid>`. Built on nanoid's `customRandom`, never on ambient randomness.
 */
import { customRandom } from 'nanoid';
import type { Random } from './rng.js';

const HEX = '0123456789abcdef';

/** Generators of identifiers bound to one random source. */
export interface IdSource {
  /** A version-4 UUID, e.g. `1f0e5c2a-9b1d-4e6f-8a7b-3c2d1e0f9a8b`. */
  uuid(): string;
  /** A MAC address with neutron's default prefix: `fa:16:3e:xx:xx:xx`. */
  mac(): string;
  /** A request id as OpenStack's `x-openstack-request-id`: `req-<uuid>`. */
  requestId(): string;
  /** `length` random lowercase hex characters (tokens, secrets). */
  hex(length: number): string;
}

/** Shapes 32 hex digits as a version-4 UUID (sets the version and variant digits). */
export function formatUuid(hex32: string): string {
  const h = hex32.toLowerCase();
  const variant = HEX[8 + (parseInt(h[16] as string, 16) & 3)] as string;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Id generators drawing from `random`. */
export function idSource(random: Random): IdSource {
  const hex32 = customRandom(HEX, 32, (n) => random.bytes(n));
  const hex6 = customRandom(HEX, 6, (n) => random.bytes(n));
  const uuid = (): string => formatUuid(hex32());
  return {
    uuid,
    mac: () => {
      const h = hex6();
      return `fa:16:3e:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
    },
    requestId: () => `req-${uuid()}`,
    hex: (length) => customRandom(HEX, length, (n) => random.bytes(n))(),
  };
}
