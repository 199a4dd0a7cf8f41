/**
 * The API extensions `GET /v2.0/extensions` lists: those of Zed's ML2 (Open vSwitch) and L3
 * router plugins whose attributes and resources this cloud answers, each as Neutron's
 * `ExtensionController._translate` shows it (`name`, `alias`, `description`, `updated`, `links`)
 * with the text of its descriptor in `neutron/extensions/*.py` (recorded from Zed's classes), in
 * the order Neutron loads them (by file name in `neutron/extensions/`).
 *
 * Left out because the cloud does not answer them: `standard-attr-tag` (the `/tags` API),
 * `availability_zone` (`/v2.0/availability_zones`) and the AZ extensions that require it,
 * `address-scope`, `multi-provider`, `segment`, `qos`, `trunk`, `dns-integration`,
 * `extra_dhcp_opt`, `revision-if-match`, `l3-flavors`, `floatingip-pools`,
 * `network-ip-availability`, `subnetpool-prefix-ops`, `auto-allocated-topology`, port
 * forwarding, metering, logging. `quotas` and `quota_details` are listed when the session API
 * answers quotas.
 */

/** One extension as the API shows it. */
export interface NeutronExtensionView {
  readonly name: string;
  readonly alias: string;
  readonly description: string;
  readonly updated: string;
  readonly links: readonly never[];
}

/** `[alias, name, description, updated]`, in Neutron's load order (file names in `neutron/extensions/`). */
const EXTENSIONS: readonly (readonly [string, string, string, string])[] = [
  ['agent', 'agent', 'The agent management extension.', '2013-02-03T10:00:00-00:00'], // agent.py
  ['agent-resources-synced', "Agent's Resource View Synced to Placement", 'Stores success/failure of last sync to Placement', '2018-12-19T00:00:00-00:00'], // agent_resources_synced.py
  ['allowed-address-pairs', 'Allowed Address Pairs', 'Provides allowed address pairs', '2013-07-23T10:00:00-00:00'], // allowedaddresspairs.py
  ['default-subnetpools', 'Default Subnetpools', 'Provides ability to mark and use a subnetpool as the default.', '2016-02-18T18:00:00-00:00'], // default_subnetpools.py
  ['dhcp_agent_scheduler', 'DHCP Agent Scheduler', 'Schedule networks among dhcp agents', '2013-02-07T10:00:00-00:00'], // dhcpagentscheduler.py
  ['dvr', 'Distributed Virtual Router', 'Enables configuration of Distributed Virtual Routers.', '2014-06-1T10:00:00-00:00'], // dvr.py
  ['empty-string-filtering', 'Empty String Filtering Extension', 'Allow filtering by attributes with empty string value', '2018-05-01T10:00:00-00:00'], // empty_string_filtering.py
  ['external-net', 'Neutron external network', 'Adds external network attribute to network resource.', '2013-01-14T10:00:00-00:00'], // external_net.py
  ['extraroute', 'Neutron Extra Route', 'Extra routes configuration for L3 router', '2013-02-01T10:00:00-00:00'], // extraroute.py
  ['filter-validation', 'Filter parameters validation', 'Provides validation on filter parameters.', '2018-07-04T10:00:00-00:00'], // filter_validation.py
  ['fip-port-details', 'Floating IP Port Details Extension', 'Add port_details attribute to Floating IP resource', '2018-04-09T10:00:00-00:00'], // fip_port_details.py
  ['ip_allocation', 'IP Allocation', 'IP allocation extension.', '2016-06-10T23:00:00-00:00'], // ip_allocation.py
  ['l2_adjacency', 'L2 Adjacency', 'Display L2 Adjacency for Neutron Networks.', '2016-04-12T16:00:00-00:00'], // l2_adjacency.py
  ['router', 'Neutron L3 Router', 'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.', '2012-07-20T10:00:00-00:00'], // l3.py
  ['ext-gw-mode', 'Neutron L3 Configurable external gateway mode', 'Extension of the router abstraction for specifying whether SNAT should occur on the external gateway', '2013-03-28T10:00:00-00:00'], // l3_ext_gw_mode.py
  ['l3-ha', 'HA Router extension', 'Adds HA capability to routers.', '2014-04-26T00:00:00-00:00'], // l3_ext_ha_mode.py
  ['l3_agent_scheduler', 'L3 Agent Scheduler', 'Schedule routers among l3 agents', '2013-02-07T10:00:00-00:00'], // l3agentscheduler.py
  ['net-mtu', 'Network MTU', 'Provides MTU attribute for a network resource.', '2015-03-25T10:00:00-00:00'], // netmtu.py
  ['net-mtu-writable', 'Network MTU (writable)', 'Provides a writable MTU attribute for a network resource.', '2017-07-12T00:00:00-00:00'], // netmtu_writable.py
  ['pagination', 'Pagination support', 'Extension that indicates that pagination is enabled.', '2016-06-12T00:00:00-00:00'], // pagination.py
  ['binding', 'Port Binding', 'Expose port bindings of a virtual port to external application', '2014-02-03T10:00:00-00:00'], // portbindings.py
  ['port-security', 'Port Security', 'Provides port security', '2012-07-23T10:00:00-00:00'], // portsecurity.py
  ['project-id', 'project_id field enabled', 'Extension that indicates that project_id field is enabled.', '2016-09-09T09:09:09-09:09'], // project_id.py
  ['provider', 'Provider Network', 'Expose mapping of virtual networks to physical networks', '2012-09-07T10:00:00-00:00'], // providernet.py
  ['quotas', 'Quota management support', 'Expose functions for quotas management per project', '2012-07-29T10:00:00-00:00'], // quotasv2.py
  ['quota_details', 'Quota details management support', 'Expose functions for quotas usage statistics per project', '2017-02-10T10:00:00-00:00'], // quotasv2_detail.py
  ['rbac-policies', 'RBAC Policies', 'Allows creation and modification of policies that control tenant access to resources.', '2015-06-17T12:15:12-00:00'], // rbac.py
  ['rbac-security-groups', 'Add security_group type to network RBAC', 'Add security_group type to network RBAC', '2019-02-14T00:00:00-00:00'], // rbac_security_groups.py
  ['rbac-subnetpool', 'Add subnetpool type to RBAC', 'Add subnetpool type to RBAC', '2020-02-05T00:00:00-00:00'], // rbac_subnetpool.py
  ['standard-attr-revisions', 'Resource revision numbers', 'This extension will display the revision number of neutron resources.', '2016-04-11T10:00:00-00:00'], // revisions.py
  ['security-groups-normalized-cidr', 'Normalized CIDR field for security group rules', 'Add new field with normalized remote_ip_prefix cidr in SG rule', '2020-07-28T10:00:00-00:00'], // security_groups_normalized_cidr.py
  ['security-groups-shared-filtering', 'Security group filtering on the shared field', 'Support filtering security groups on the shared field', '2021-10-05T09:00:00-00:00'], // security_groups_shared_filtering.py
  ['security-group', 'security-group', 'The security groups extension.', '2012-10-05T10:00:00-00:00'], // securitygroup.py
  ['sorting', 'Sorting support', 'Extension that indicates that sorting is enabled.', '2016-06-12T00:00:00-00:00'], // sorting.py
  ['standard-attr-description', 'standard-attr-description', 'Extension to add descriptions to standard attributes', '2016-02-10T10:00:00-00:00'], // standardattrdescription.py
  ['stateful-security-group', 'Stateful security group', 'Indicates if the security group is stateful or not', '2019-11-26T09:00:00-00:00'], // stateful_security_group.py
  ['subnet-service-types', 'Subnet service types', 'Provides ability to set the subnet service_types field', '2016-03-15T18:00:00-00:00'], // subnet_service_types.py
  ['subnet_allocation', 'Subnet Allocation', 'Enables allocation of subnets from a subnet pool', '2015-03-30T10:00:00-00:00'], // subnetallocation.py
  ['standard-attr-timestamp', 'Resource timestamps', 'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.', '2016-09-12T10:00:00-00:00'], // timestamp.py
];

/** Aliases listed only when the session API answers quotas. */

/** The extensions this cloud answers. */
export function neutronExtensions(): NeutronExtensionView[] {
  return EXTENSIONS.map(([alias, name, description, updated]) => ({ name, alias, description, updated, links: [] }));
}
