/**
 * Neutron's configuration: `neutron.conf`'s options this cloud reads and `ml2_conf.ini`, with
 * Zed's defaults (`neutron/conf/common.py`, `neutron/conf/agent/common.py`,
 * `neutron/conf/plugins/ml2/config.py`) — or DevStack's, with the devstack preset
 * (`lib/neutron_plugins/ml2`: `Q_ML2_TENANT_NETWORK_TYPE=vxlan`, tunnel ranges `1:1000`,
 * `flat_networks` and `network_vlan_ranges` on the physical network `public`).
 */
import { check, emptyTable, freezeView } from '../core/index.js';
import { checkMl2Config, type Ml2Config } from './ml2/config.js';
import type { NetworkState, NeutronConfig } from './types.js';

/** What `createCloud({ network })` accepts. */
export interface NetworkOptions {
  /** `ml2_conf.ini` (and `global_physnet_mtu`), as {@link Ml2Config}. */
  readonly ml2?: Ml2Config;
  /** `[DEFAULT] agent_down_time` in seconds (75). */
  readonly agent_down_time?: number;
  /** `[DEFAULT] dhcp_agents_per_network` (1). */
  readonly dhcp_agents_per_network?: number;
  /** `[DEFAULT] default_availability_zones` ([]). */
  readonly default_availability_zones?: readonly string[];
}

/** DevStack's ML2 options for Open vSwitch with VXLAN tenant networks (`lib/neutron_plugins/ml2`). */
export const DEVSTACK_ML2: Ml2Config = Object.freeze({
  ml2: { tenant_network_types: ['vxlan'] },
  ml2_type_flat: { flat_networks: ['public'] },
  ml2_type_vlan: { network_vlan_ranges: ['public'] },
  ml2_type_vxlan: { vni_ranges: ['1:1000'] },
  ml2_type_geneve: { vni_ranges: ['1:1000'] },
  ml2_type_gre: { tunnel_id_ranges: ['1:1000'] },
});

/** Neutron's `base_mac`: every port MAC starts `fa:16:3e`. */
export const BASE_MAC = 'fa:16:3e:00:00:00';

/** Checks `createCloud`'s `network` option; `devstack` takes DevStack's ML2 options where none are given. */
export function checkNetworkOptions(value: unknown, devstack: boolean, field = 'options.network'): NeutronConfig {
  const o = value === undefined ? {} : check.record(value, field);
  check.onlyKeys(o, ['ml2', 'agent_down_time', 'dhcp_agents_per_network', 'default_availability_zones'], field);
  const ml2 = o.ml2 === undefined ? (devstack ? DEVSTACK_ML2 : {}) : o.ml2;
  // the checker reads every option it knows and refuses the rest; a JSON copy keeps the caller's object out of the state
  const checked = freezeView(JSON.parse(JSON.stringify(checkMl2Config(ml2))) as Ml2Config);
  const int = (v: unknown, f: string, dflt: number, min: number, max: number): number => (v === undefined ? dflt : check.integer(v, `${field}.${f}`, min, max));
  const zones = check.optional(o.default_availability_zones, `${field}.default_availability_zones`, (v, f) => check.array(v, f, (z, zf) => check.text(z, zf, 255), 64), []);
  const mtu = checked.global_physnet_mtu ?? 1500;
  return Object.freeze({
    ml2: checked,
    base_mac: BASE_MAC,
    agent_down_time: int(o.agent_down_time, 'agent_down_time', 75, 1, 86_400),
    dhcp_agents_per_network: int(o.dhcp_agents_per_network, 'dhcp_agents_per_network', 1, 1, 64),
    global_physnet_mtu: mtu,
    default_availability_zones: Object.freeze(zones),
    allow_overlapping_ips: true,
  });
}

/** An empty `network` slice with its configuration. */
export function initialNetworkState(config: NeutronConfig): NetworkState {
  return {
    config,
    networks: emptyTable(),
    subnets: emptyTable(),
    subnetpools: emptyTable(),
    ports: emptyTable(),
    network_ports: emptyTable(),
    network_subnets: emptyTable(),
    device_ports: emptyTable(),
    ip_allocations: emptyTable(),
    ip_free: emptyTable(),
    macs: emptyTable(),
    routers: emptyTable(),
    router_ports: emptyTable(),
    floatingips: emptyTable(),
    port_floatingips: emptyTable(),
    router_floatingips: emptyTable(),
    security_groups: emptyTable(),
    security_group_rules: emptyTable(),
    group_rules: emptyTable(),
    group_ports: emptyTable(),
    default_security_groups: emptyTable(),
    rbac_policies: emptyTable(),
    object_rbac: emptyTable(),
    agents: emptyTable(),
    network_dhcp_agents: emptyTable(),
  };
}
