/**
 * Neutron's rows: what the state keeps of networks, segments, subnets, subnet pools, ports and
 * their IP allocations, routers, floating IPs, security groups and rules, RBAC policies and
 * agents. Rows are normalised as Neutron's database models are (`neutron/db/models_v2.py`,
 * `models/*.py`); what the API returns is built from them at query time (`views.ts`).
 *
 * Every row carries `project_id` (Neutron also shows it as `tenant_id`), `revision_number`
 * (bumped on every change, as the `standardattr` extension does), `created_at` / `updated_at`
 * (virtual seconds) and `tags`.
 */
import type { Table } from '../core/index.js';
import type { AllocationPool, IpVersion } from './ipam/addresses.js';
import type { HostRoute, Ipv6Mode } from './ipam/subnets.js';
import type { NetworkType } from './ml2/config.js';
import type { Ml2Config } from './ml2/config.js';

/** What every Neutron resource has (`standardattr`, `project_id`, tags). */
export interface StandardAttrs {
  readonly id: string;
  readonly project_id: string;
  readonly description: string;
  readonly revision_number: number;
  /** Virtual seconds. */
  readonly created_at: number;
  readonly updated_at: number;
  readonly tags: readonly string[];
}

/** A network's one segment (ML2's `networksegments` row; multi-segment networks are not simulated). */
export interface SegmentRow {
  readonly network_type: NetworkType;
  readonly physical_network: string | null;
  readonly segmentation_id: number | null;
}

/** `networks` (models_v2.Network) with its ML2 segment and extension attributes. */
export interface NetworkRow extends StandardAttrs {
  readonly name: string;
  readonly admin_state_up: boolean;
  /** Always `ACTIVE` here: ML2 reports a network active once created. */
  readonly status: 'ACTIVE' | 'DOWN' | 'BUILD' | 'ERROR';
  readonly mtu: number;
  readonly segment: SegmentRow;
  /** `router:external` (the `externalnetworks` row). */
  readonly external: boolean;
  readonly port_security_enabled: boolean;
  readonly availability_zone_hints: readonly string[];
  /** `is_default` (auto-allocated-topology): the default external network. */
  readonly is_default: boolean;
}

/** `subnets` (models_v2.Subnet) with its pools, nameservers and routes. */
export interface SubnetRow extends StandardAttrs {
  readonly name: string;
  readonly network_id: string;
  readonly ip_version: IpVersion;
  readonly cidr: string;
  readonly gateway_ip: string | null;
  readonly allocation_pools: readonly AllocationPool[];
  readonly enable_dhcp: boolean;
  readonly dns_nameservers: readonly string[];
  readonly host_routes: readonly HostRoute[];
  readonly ipv6_ra_mode: Ipv6Mode | null;
  readonly ipv6_address_mode: Ipv6Mode | null;
  readonly subnetpool_id: string | null;
  readonly service_types: readonly string[];
}

/** `subnetpools` (models_v2.SubnetPool) with its prefixes. */
export interface SubnetPoolRow extends StandardAttrs {
  readonly name: string;
  readonly ip_version: IpVersion;
  /** The pool's prefixes, compacted as Neutron stores them (`netaddr.IPSet(...).iter_cidrs()`). */
  readonly prefixes: readonly string[];
  readonly default_prefixlen: number;
  readonly min_prefixlen: number;
  readonly max_prefixlen: number;
  readonly shared: boolean;
  readonly is_default: boolean;
  readonly default_quota: number | null;
  readonly address_scope_id: string | null;
}

/** One fixed IP of a port (`ipallocations`). */
export interface FixedIp {
  readonly subnet_id: string;
  readonly ip_address: string;
}

/** One allowed address pair (`allowedaddresspairs`). */
export interface AddressPair {
  readonly ip_address: string;
  readonly mac_address: string;
}

/** `binding:vif_type` values ML2 with Open vSwitch produces. */
export type VifType = 'unbound' | 'ovs' | 'binding_failed';

/** `ports` (models_v2.Port) with its binding (ML2's `ml2_port_bindings`) and extensions. */
export interface PortRow extends StandardAttrs {
  readonly name: string;
  readonly network_id: string;
  readonly mac_address: string;
  readonly admin_state_up: boolean;
  /** `DOWN` until bound to a host whose Open vSwitch agent is alive, then `ACTIVE`. */
  readonly status: 'ACTIVE' | 'DOWN' | 'BUILD' | 'ERROR' | 'N/A';
  readonly device_id: string;
  readonly device_owner: string;
  readonly fixed_ips: readonly FixedIp[];
  readonly allowed_address_pairs: readonly AddressPair[];
  readonly security_groups: readonly string[];
  readonly port_security_enabled: boolean;
  /** `binding:host_id` ('' when unbound). */
  readonly binding_host_id: string;
  readonly binding_vif_type: VifType;
  readonly binding_vnic_type: 'normal' | 'direct' | 'macvtap' | 'baremetal' | 'direct-physical' | 'virtio-forwarder' | 'smart-nic' | 'vdpa' | 'accelerator-direct' | 'accelerator-direct-physical' | 'remote-managed';
  readonly binding_profile: Readonly<Record<string, unknown>>;
}

/** `routers` (l3_models.Router) with its gateway, its static routes and its L3 agent. */
export interface RouterRow extends StandardAttrs {
  readonly name: string;
  readonly admin_state_up: boolean;
  readonly status: 'ACTIVE' | 'ALLOCATING' | 'ERROR';
  /** The gateway port's id, or null without a gateway. */
  readonly gw_port_id: string | null;
  /** `external_gateway_info.enable_snat` (meaningful only with a gateway). */
  readonly enable_snat: boolean;
  /** `routes` (extraroute). */
  readonly routes: readonly HostRoute[];
  readonly distributed: boolean;
  readonly ha: boolean;
  readonly availability_zone_hints: readonly string[];
  /** The L3 agent hosting it (`routerl3agentbindings`), or null when no agent could take it. */
  readonly l3_agent_id: string | null;
}

/** `floatingips` (l3_models.FloatingIP). */
export interface FloatingIpRow extends StandardAttrs {
  readonly floating_ip_address: string;
  readonly floating_network_id: string;
  /** The port on the external network that holds the address (`device_owner` `network:floatingip`). */
  readonly floating_port_id: string;
  readonly port_id: string | null;
  readonly fixed_ip_address: string | null;
  readonly router_id: string | null;
  readonly status: 'ACTIVE' | 'DOWN' | 'ERROR';
}

/** `securitygroups` (models/securitygroup.py). */
export interface SecurityGroupRow extends StandardAttrs {
  readonly name: string;
  readonly stateful: boolean;
}

/** `securitygrouprules`. */
export interface SecurityGroupRuleRow extends StandardAttrs {
  readonly security_group_id: string;
  readonly direction: 'ingress' | 'egress';
  readonly ethertype: 'IPv4' | 'IPv6';
  /** A protocol name (`tcp`, `udp`, `icmp`, …) or number as a string, or null for any. */
  readonly protocol: string | null;
  readonly port_range_min: number | null;
  readonly port_range_max: number | null;
  readonly remote_ip_prefix: string | null;
  readonly remote_group_id: string | null;
  readonly remote_address_group_id: string | null;
}

/** `networkrbacs` and its siblings (neutron/db/rbac_db_models.py). */
export interface RbacPolicyRow {
  readonly id: string;
  readonly project_id: string;
  readonly object_type: 'network' | 'subnetpool' | 'security_group' | 'address_scope' | 'qos_policy' | 'address_group';
  readonly object_id: string;
  readonly action: 'access_as_shared' | 'access_as_external';
  /** A project id or `*` (every project). */
  readonly target_tenant: string;
}

/** The agent types this cloud runs (neutron_lib.constants `AGENT_TYPE_*`). */
export type AgentType = 'Open vSwitch agent' | 'DHCP agent' | 'L3 agent' | 'Metadata agent';

/** `agents` (neutron/db/models/agent.py): one per binary per host. */
export interface AgentRow {
  readonly id: string;
  readonly agent_type: AgentType;
  readonly binary: string;
  readonly topic: string;
  /** The hardware host's name (Neutron's `host`). */
  readonly host: string;
  readonly admin_state_up: boolean;
  readonly description: string | null;
  readonly availability_zone: string | null;
  readonly configurations: Readonly<Record<string, unknown>>;
  readonly created_at: number;
  readonly started_at: number;
  /** The last report: frozen when the host goes down, so `alive` turns false after `agent_down_time`. */
  readonly heartbeat_timestamp: number;
  /** Whether the host is running (heartbeats keep coming while it is). */
  readonly reporting: boolean;
}

/** neutron.conf and the ML2 / DHCP / L3 agents' options this cloud reads. */
export interface NeutronConfig {
  readonly ml2: Ml2Config;
  /** `[DEFAULT] base_mac` (`fa:16:3e:00:00:00`): MACs keep its non-zero octets. */
  readonly base_mac: string;
  /** `[DEFAULT] agent_down_time` (75 s). */
  readonly agent_down_time: number;
  /** `[DEFAULT] dhcp_agents_per_network` (1). */
  readonly dhcp_agents_per_network: number;
  /** `[DEFAULT] global_physnet_mtu` (1500). */
  readonly global_physnet_mtu: number;
  /** `[DEFAULT] default_availability_zones` ([]): what `availability_zones` shows when no hint is given. */
  readonly default_availability_zones: readonly string[];
  /** `[DEFAULT] allow_overlapping_ips` (true, as DevStack sets). */
  readonly allow_overlapping_ips: boolean;
}

/** A range of free addresses of a pool: its bounds and how many addresses it holds (capped at 2^53 − 1 for huge v6 ranges). */
export interface FreeRange {
  readonly start: string;
  readonly end: string;
  readonly count: number;
}

/** The `network` slice of the state. */
export interface NetworkState {
  readonly config: NeutronConfig;
  readonly networks: Table<NetworkRow>;
  readonly subnets: Table<SubnetRow>;
  readonly subnetpools: Table<SubnetPoolRow>;
  readonly ports: Table<PortRow>;
  /** `${network_id}/${port_id}` → port id: a network's ports in O(log n + k). */
  readonly network_ports: Table<string>;
  /** `${network_id}/${subnet_id}` → subnet id. */
  readonly network_subnets: Table<string>;
  /** `${device_id}/${port_id}` → port id: a device's ports. */
  readonly device_ports: Table<string>;
  /** `${subnet_id}/${ip_address}` → port id: each address is handed out once (`ipallocations`' primary key). */
  readonly ip_allocations: Table<string>;
  /** Subnet id → per allocation pool (in order) its free addresses as sorted ranges: allocation never scans used addresses. */
  readonly ip_free: Table<readonly (readonly FreeRange[])[]>;
  /** `${network_id}/${mac}` → port id: a MAC is unique on its network (`uniq_ports0network_id0mac_address`). */
  readonly macs: Table<string>;
  readonly routers: Table<RouterRow>;
  /**
   * `${router_id}/${port_id}` → port id: the ports router code made the router's (`routerports`:
   * its gateway and interfaces). A port merely naming the router in `device_id` is not one.
   */
  readonly router_ports: Table<string>;
  readonly floatingips: Table<FloatingIpRow>;
  /** `${port_id}/${floatingip_id}` → floating IP id: the floating IPs associated with a port. */
  readonly port_floatingips: Table<string>;
  /** `${router_id}/${floatingip_id}` → floating IP id: the floating IPs a router serves. */
  readonly router_floatingips: Table<string>;
  readonly security_groups: Table<SecurityGroupRow>;
  readonly security_group_rules: Table<SecurityGroupRuleRow>;
  /** `${security_group_id}/${rule_id}` → rule id. */
  readonly group_rules: Table<string>;
  /** `${security_group_id}/${port_id}` → port id: a group's member ports (`securitygroupportbindings`). */
  readonly group_ports: Table<string>;
  /** Project id → its `default` security group id (`default_security_group`). */
  readonly default_security_groups: Table<string>;
  readonly rbac_policies: Table<RbacPolicyRow>;
  /** `${object_type}/${object_id}/${policy_id}` → policy id: an object's RBAC entries. */
  readonly object_rbac: Table<string>;
  readonly agents: Table<AgentRow>;
  /** `${network_id}/${agent_id}` → agent id: the DHCP agents serving a network (`networkdhcpagentbindings`). */
  readonly network_dhcp_agents: Table<string>;
}
