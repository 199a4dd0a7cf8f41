/**
 * Nova's default policy rules in Zed (python3-nova 26.2.2), copied verbatim: every check string,
 * scope type and deprecated rule as `nova.policies.list_rules()` returns them (the base rules of
 * `nova/policies/base.py`, then `nova/policies/*.py` in `nova/policies/__init__.py`'s order:
 * admin actions, admin password, aggregates, …, volumes, volume attachments: 201 rules), and the
 * one check kind of `nova/policy.py` the core engine lacks, `is_admin` (IsAdminCheck).
 * Regenerate the block between the BEGIN and END lines on a machine with Debian's python3-nova:
 *   /usr/bin/python3 tests/compute/make_policies.py --write
 * (it dumps name, check_str, scope_types, description, operations, deprecated_rule). Every check
 * string parses with core's parser (tests/compute/policies.test.ts registers them all and names
 * any that would not), and the engine's answers for DevStack-like personas equal Zed's own
 * oslo.policy 4.0 enforcer's in all four configurations (tests/compute/policy_decisions_golden.json,
 * recorded by tests/compute/make_policy_decisions.py).
 *
 * What Zed's rules are (`nova/policies/base.py`). Zed's Nova has dropped the system-scope
 * personas: its rules rest on `context_is_admin` (`role:admin`), `project_member_api` (`role:member
 * and project_id:%(project_id)s`), `project_reader_api` (the same with `role:reader`), and
 * `project_member_or_admin` / `project_reader_or_admin` (either of those or `rule:context_is_admin`).
 * Every API rule (194 of them) has `scope_types: ['project']`; the 7 base rules have none. So with
 * `enforceScope` (stacksim's default; Zed's is false) a system- or domain-scoped token, an admin's
 * included, is refused by every API rule (oslo's InvalidScope, which `nova/policy.py` `authorize`
 * turns into PolicyNotAuthorized, 403), and a project admin of any project passes every
 * `context_is_admin` rule. Keypairs are the user's, not the project's: `(rule:context_is_admin)
 * or user_id:%(user_id)s`. `compute:servers:resize:cross_cell` is `!` (nobody); `limits`,
 * `extensions`, `os-availability-zone:list`, `os-floating-ip-pools` and `os-quota-sets:defaults`
 * are `@` (anyone, project-scoped).
 *
 * Deprecated defaults. The base rules carry the legacy ones: `project_member_api`,
 * `project_reader_api`, `project_member_or_admin` and `project_reader_or_admin` replace
 * `rule:admin_or_owner` (`is_admin:True or project_id:%(project_id)s`), and `context_is_admin`
 * replaces `rule:admin_api` (`is_admin:True`) — Nova names these deprecated rules with the
 * `rule:` prefix, verbatim here. With `enforceNewDefaults: false` (oslo's default in Zed;
 * stacksim's is true) each is or-ed in, so a reader of the project passes every
 * `project_member_or_admin` rule (creates, deletes, actions) as in a Zed cloud with the default
 * configuration, and `is_admin: true` without the admin role passes `context_is_admin`. 66 API
 * rules carry a deprecated default of their own, all but one under an older name
 * (`os_compute_api:os-hypervisors`: `rule:admin_api` for `os_compute_api:os-hypervisors:list`):
 * or-ed in as well with `enforceNewDefaults: false`, and an operator's override of the old name
 * wins over the new default (oslo's `_handle_deprecated_rule`).
 *
 * Namespaces. Registered by the compute service's descriptor under its own service name, Nova's
 * base rules `context_is_admin`, `admin_or_owner`, `admin_api` and `project_reader_api` are Nova's
 * own although Glance, Neutron, Cinder, Keystone or Placement registered those names first
 * (`PolicyRegistration` in src/core/policy/engine.ts): `rule:admin_api` inside a Nova rule is
 * Nova's `is_admin:True`, not Cinder's or Placement's. Enforced by its own name (the engine's
 * top-level lookup), a shared base rule is the first registrant's: `context_is_admin` is Glance's
 * `role:admin`, which answers `check_is_admin` as Nova's does (Nova's deprecated `is_admin:True`
 * half never passes while the context's `is_admin` is still None). Nova registers no `default`,
 * and every `rule:` reference in its defaults names one of its own rules.
 *
 * What the compute service must provide (Nova does it in `nova/context.py` and `nova/policy.py`):
 * - credentials with `is_admin`: `RequestContext.to_policy_values()` adds `context.is_admin`,
 *   which `RequestContext.__init__` sets to `check_is_admin(context)`, the `context_is_admin`
 *   rule with `default_target(context)` (`{project_id, user_id}`) as target, evaluated while the
 *   context's own `is_admin` is still None;
 * - the check kind `is_admin` ({@link NOVA_POLICY_CHECKS}, the descriptor's `policyChecks`):
 *   Nova's IsAdminCheck compares `credentials.is_admin == (match.lower() == 'true')`, where core's
 *   generic check would compare strings (they differ only for a non-boolean `is_admin`);
 * - targets as Nova's API passes them: the server's `{project_id}` or `{user_id, project_id}`
 *   (`nova/api/openstack/compute/servers.py` and the action controllers), `{user_id}` for keypairs
 *   (`keypairs.py`), `{}` for the global resources (hypervisors, services, limits), and
 *   `default_target(context)` when the call names none (`context.can(rule)`).
 */
import type { PolicyCredentials, PolicyDefault, PolicyTarget, ServiceDescriptor } from '../core/index.js';

// BEGIN generated by tests/compute/make_policies.py: do not edit by hand
/** Every Nova default rule (201 rules), base rules first (`context_is_admin`, …, `project_reader_or_admin`). */
export const NOVA_POLICIES: readonly PolicyDefault[] = [
  {"name": "context_is_admin", "check_str": "role:admin", "description": "Decides what is required for the 'is_admin:True' check to succeed.", "deprecated_rule": {"name": "rule:admin_api", "check_str": "is_admin:True"}},
  {"name": "admin_or_owner", "check_str": "is_admin:True or project_id:%(project_id)s", "description": "Default rule for most non-Admin APIs."},
  {"name": "admin_api", "check_str": "is_admin:True", "description": "Default rule for most Admin APIs."},
  {"name": "project_member_api", "check_str": "role:member and project_id:%(project_id)s", "description": "Default rule for Project level non admin APIs.", "deprecated_rule": {"name": "rule:admin_or_owner", "check_str": "is_admin:True or project_id:%(project_id)s"}},
  {"name": "project_reader_api", "check_str": "role:reader and project_id:%(project_id)s", "description": "Default rule for Project level read only APIs.", "deprecated_rule": {"name": "rule:admin_or_owner", "check_str": "is_admin:True or project_id:%(project_id)s"}},
  {"name": "project_member_or_admin", "check_str": "rule:project_member_api or rule:context_is_admin", "description": "Default rule for Project Member or admin APIs.", "deprecated_rule": {"name": "rule:admin_or_owner", "check_str": "is_admin:True or project_id:%(project_id)s"}},
  {"name": "project_reader_or_admin", "check_str": "rule:project_reader_api or rule:context_is_admin", "description": "Default rule for Project reader or admin APIs.", "deprecated_rule": {"name": "rule:admin_or_owner", "check_str": "is_admin:True or project_id:%(project_id)s"}},
  {"name": "os_compute_api:os-admin-actions:reset_state", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Reset the state of a given server", "operations": [{"path": "/servers/{server_id}/action (os-resetState)", "method": "POST"}]},
  {"name": "os_compute_api:os-admin-actions:inject_network_info", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Inject network information into the server", "operations": [{"path": "/servers/{server_id}/action (injectNetworkInfo)", "method": "POST"}]},
  {"name": "os_compute_api:os-admin-password", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Change the administrative password for a server", "operations": [{"path": "/servers/{server_id}/action (changePassword)", "method": "POST"}]},
  {"name": "os_compute_api:os-aggregates:set_metadata", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Create or replace metadata for an aggregate", "operations": [{"path": "/os-aggregates/{aggregate_id}/action (set_metadata)", "method": "POST"}]},
  {"name": "os_compute_api:os-aggregates:add_host", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Add a host to an aggregate", "operations": [{"path": "/os-aggregates/{aggregate_id}/action (add_host)", "method": "POST"}]},
  {"name": "os_compute_api:os-aggregates:create", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Create an aggregate", "operations": [{"path": "/os-aggregates", "method": "POST"}]},
  {"name": "os_compute_api:os-aggregates:remove_host", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Remove a host from an aggregate", "operations": [{"path": "/os-aggregates/{aggregate_id}/action (remove_host)", "method": "POST"}]},
  {"name": "os_compute_api:os-aggregates:update", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Update name and/or availability zone for an aggregate", "operations": [{"path": "/os-aggregates/{aggregate_id}", "method": "PUT"}]},
  {"name": "os_compute_api:os-aggregates:index", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List all aggregates", "operations": [{"path": "/os-aggregates", "method": "GET"}]},
  {"name": "os_compute_api:os-aggregates:delete", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Delete an aggregate", "operations": [{"path": "/os-aggregates/{aggregate_id}", "method": "DELETE"}]},
  {"name": "os_compute_api:os-aggregates:show", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Show details for an aggregate", "operations": [{"path": "/os-aggregates/{aggregate_id}", "method": "GET"}]},
  {"name": "compute:aggregates:images", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Request image caching for an aggregate", "operations": [{"path": "/os-aggregates/{aggregate_id}/images", "method": "POST"}]},
  {"name": "os_compute_api:os-assisted-volume-snapshots:create", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Create an assisted volume snapshot", "operations": [{"path": "/os-assisted-volume-snapshots", "method": "POST"}]},
  {"name": "os_compute_api:os-assisted-volume-snapshots:delete", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Delete an assisted volume snapshot", "operations": [{"path": "/os-assisted-volume-snapshots/{snapshot_id}", "method": "DELETE"}]},
  {"name": "os_compute_api:os-attach-interfaces:list", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List port interfaces attached to a server", "operations": [{"path": "/servers/{server_id}/os-interface", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-attach-interfaces", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-attach-interfaces:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show details of a port interface attached to a server", "operations": [{"path": "/servers/{server_id}/os-interface/{port_id}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-attach-interfaces", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-attach-interfaces:create", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Attach an interface to a server", "operations": [{"path": "/servers/{server_id}/os-interface", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-attach-interfaces", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-attach-interfaces:delete", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Detach an interface from a server", "operations": [{"path": "/servers/{server_id}/os-interface/{port_id}", "method": "DELETE"}], "deprecated_rule": {"name": "os_compute_api:os-attach-interfaces", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-availability-zone:list", "check_str": "@", "scope_types": ["project"], "description": "List availability zone information without host information", "operations": [{"path": "/os-availability-zone", "method": "GET"}]},
  {"name": "os_compute_api:os-availability-zone:detail", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List detailed availability zone information with host information", "operations": [{"path": "/os-availability-zone/detail", "method": "GET"}]},
  {"name": "os_compute_api:os-baremetal-nodes:list", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List and show details of bare metal nodes.\n\nThese APIs are proxy calls to the Ironic service and are deprecated.\n", "operations": [{"path": "/os-baremetal-nodes", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-baremetal-nodes", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-baremetal-nodes:show", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Show action details for a server.", "operations": [{"path": "/os-baremetal-nodes/{node_id}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-baremetal-nodes", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-console-auth-tokens", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Show console connection information for a given console authentication token", "operations": [{"path": "/os-console-auth-tokens/{console_token}", "method": "GET"}]},
  {"name": "os_compute_api:os-console-output", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Show console output for a server", "operations": [{"path": "/servers/{server_id}/action (os-getConsoleOutput)", "method": "POST"}]},
  {"name": "os_compute_api:os-create-backup", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create a back up of a server", "operations": [{"path": "/servers/{server_id}/action (createBackup)", "method": "POST"}]},
  {"name": "os_compute_api:os-deferred-delete:restore", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Restore a soft deleted server", "operations": [{"path": "/servers/{server_id}/action (restore)", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-deferred-delete", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-deferred-delete:force", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Force delete a server before deferred cleanup", "operations": [{"path": "/servers/{server_id}/action (forceDelete)", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-deferred-delete", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-evacuate", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Evacuate a server from a failed host to a new host", "operations": [{"path": "/servers/{server_id}/action (evacuate)", "method": "POST"}]},
  {"name": "os_compute_api:os-extended-server-attributes", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Return extended attributes for server.\n\nThis rule will control the visibility for a set of servers attributes:\n\n- ``OS-EXT-SRV-ATTR:host``\n- ``OS-EXT-SRV-ATTR:instance_name``\n- ``OS-EXT-SRV-ATTR:reservation_id`` (since microversion 2.3)\n- ``OS-EXT-SRV-ATTR:launch_index`` (since microversion 2.3)\n- ``OS-EXT-SRV-ATTR:hostname`` (since microversion 2.3)\n- ``OS-EXT-SRV-ATTR:kernel_id`` (since microversion 2.3)\n- ``OS-EXT-SRV-ATTR:ramdisk_id`` (since microversion 2.3)\n- ``OS-EXT-SRV-ATTR:root_device_name`` (since microversion 2.3)\n- ``OS-EXT-SRV-ATTR:user_data`` (since microversion 2.3)\n\nMicrovision 2.75 added the above attributes in the ``PUT /servers/{server_id}``\nand ``POST /servers/{server_id}/action (rebuild)`` API responses which are\nalso controlled by this policy rule, like the ``GET /servers*`` APIs.\n\nMicroversion 2.90 made the ``OS-EXT-SRV-ATTR:hostname`` attribute available to\nall users, so this policy has no effect on that field for microversions 2.90\nand greater. Controlling the visibility of this attribute for all microversions\nis therefore deprecated and will be removed in a future release.\n", "operations": [{"path": "/servers/{id}", "method": "GET"}, {"path": "/servers/detail", "method": "GET"}, {"path": "/servers/{server_id}", "method": "PUT"}, {"path": "/servers/{server_id}/action (rebuild)", "method": "POST"}]},
  {"name": "os_compute_api:extensions", "check_str": "@", "scope_types": ["project"], "description": "List available extensions and show information for an extension by alias", "operations": [{"path": "/extensions", "method": "GET"}, {"path": "/extensions/{alias}", "method": "GET"}]},
  {"name": "os_compute_api:os-flavor-access:add_tenant_access", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Add flavor access to a tenant", "operations": [{"path": "/flavors/{flavor_id}/action (addTenantAccess)", "method": "POST"}]},
  {"name": "os_compute_api:os-flavor-access:remove_tenant_access", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Remove flavor access from a tenant", "operations": [{"path": "/flavors/{flavor_id}/action (removeTenantAccess)", "method": "POST"}]},
  {"name": "os_compute_api:os-flavor-access", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List flavor access information\n\nAllows access to the full list of tenants that have access\nto a flavor via an os-flavor-access API.\n", "operations": [{"path": "/flavors/{flavor_id}/os-flavor-access", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-flavor-access", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-flavor-extra-specs:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show an extra spec for a flavor", "operations": [{"path": "/flavors/{flavor_id}/os-extra_specs/{flavor_extra_spec_key}", "method": "GET"}]},
  {"name": "os_compute_api:os-flavor-extra-specs:create", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Create extra specs for a flavor", "operations": [{"path": "/flavors/{flavor_id}/os-extra_specs/", "method": "POST"}]},
  {"name": "os_compute_api:os-flavor-extra-specs:update", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Update an extra spec for a flavor", "operations": [{"path": "/flavors/{flavor_id}/os-extra_specs/{flavor_extra_spec_key}", "method": "PUT"}]},
  {"name": "os_compute_api:os-flavor-extra-specs:delete", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Delete an extra spec for a flavor", "operations": [{"path": "/flavors/{flavor_id}/os-extra_specs/{flavor_extra_spec_key}", "method": "DELETE"}]},
  {"name": "os_compute_api:os-flavor-extra-specs:index", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List extra specs for a flavor. Starting with microversion 2.61, extra specs may be returned in responses for the flavor resource.", "operations": [{"path": "/flavors/{flavor_id}/os-extra_specs/", "method": "GET"}, {"path": "/flavors", "method": "POST"}, {"path": "/flavors/detail", "method": "GET"}, {"path": "/flavors/{flavor_id}", "method": "GET"}, {"path": "/flavors/{flavor_id}", "method": "PUT"}]},
  {"name": "os_compute_api:os-flavor-manage:create", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Create a flavor", "operations": [{"path": "/flavors", "method": "POST"}]},
  {"name": "os_compute_api:os-flavor-manage:update", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Update a flavor", "operations": [{"path": "/flavors/{flavor_id}", "method": "PUT"}]},
  {"name": "os_compute_api:os-flavor-manage:delete", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Delete a flavor", "operations": [{"path": "/flavors/{flavor_id}", "method": "DELETE"}]},
  {"name": "os_compute_api:os-floating-ip-pools", "check_str": "@", "scope_types": ["project"], "description": "List floating IP pools. This API is deprecated.", "operations": [{"path": "/os-floating-ip-pools", "method": "GET"}]},
  {"name": "os_compute_api:os-floating-ips:add", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Associate floating IPs to server.  This API is deprecated.", "operations": [{"path": "/servers/{server_id}/action (addFloatingIp)", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-floating-ips", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-floating-ips:remove", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Disassociate floating IPs to server.  This API is deprecated.", "operations": [{"path": "/servers/{server_id}/action (removeFloatingIp)", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-floating-ips", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-floating-ips:list", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List floating IPs. This API is deprecated.", "operations": [{"path": "/os-floating-ips", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-floating-ips", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-floating-ips:create", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create floating IPs. This API is deprecated.", "operations": [{"path": "/os-floating-ips", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-floating-ips", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-floating-ips:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show floating IPs. This API is deprecated.", "operations": [{"path": "/os-floating-ips/{floating_ip_id}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-floating-ips", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-floating-ips:delete", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Delete floating IPs. This API is deprecated.", "operations": [{"path": "/os-floating-ips/{floating_ip_id}", "method": "DELETE"}], "deprecated_rule": {"name": "os_compute_api:os-floating-ips", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-hosts:list", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List physical hosts.\n\nThis API is deprecated in favor of os-hypervisors and os-services.", "operations": [{"path": "/os-hosts", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hosts", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hosts:show", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Show physical host.\n\nThis API is deprecated in favor of os-hypervisors and os-services.", "operations": [{"path": "/os-hosts/{host_name}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hosts", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hosts:update", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Update physical host.\n\nThis API is deprecated in favor of os-hypervisors and os-services.", "operations": [{"path": "/os-hosts/{host_name}", "method": "PUT"}], "deprecated_rule": {"name": "os_compute_api:os-hosts", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hosts:reboot", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Reboot physical host.\n\nThis API is deprecated in favor of os-hypervisors and os-services.", "operations": [{"path": "/os-hosts/{host_name}/reboot", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hosts", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hosts:shutdown", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Shutdown physical host.\n\nThis API is deprecated in favor of os-hypervisors and os-services.", "operations": [{"path": "/os-hosts/{host_name}/shutdown", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hosts", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hosts:start", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Start physical host.\n\nThis API is deprecated in favor of os-hypervisors and os-services.", "operations": [{"path": "/os-hosts/{host_name}/startup", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hosts", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hypervisors:list", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List all hypervisors.", "operations": [{"path": "/os-hypervisors", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hypervisors", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hypervisors:list-detail", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List all hypervisors with details", "operations": [{"path": "/os-hypervisors/details", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hypervisors", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hypervisors:statistics", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Show summary statistics for all hypervisors over all compute nodes.", "operations": [{"path": "/os-hypervisors/statistics", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hypervisors", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hypervisors:show", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Show details for a hypervisor.", "operations": [{"path": "/os-hypervisors/{hypervisor_id}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hypervisors", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hypervisors:uptime", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Show the uptime of a hypervisor.", "operations": [{"path": "/os-hypervisors/{hypervisor_id}/uptime", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hypervisors", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hypervisors:search", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Search hypervisor by hypervisor_hostname pattern.", "operations": [{"path": "/os-hypervisors/{hypervisor_hostname_pattern}/search", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hypervisors", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-hypervisors:servers", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List all servers on hypervisors that can match the provided hypervisor_hostname pattern.", "operations": [{"path": "/os-hypervisors/{hypervisor_hostname_pattern}/servers", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-hypervisors", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-instance-actions:events:details", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Add \"details\" key in action events for a server.\n\nThis check is performed only after the check\nos_compute_api:os-instance-actions:show passes. Beginning with Microversion\n2.84, new field 'details' is exposed via API which can have more details about\nevent failure. That field is controlled by this policy which is system reader\nby default. Making the 'details' field visible to the non-admin user helps to\nunderstand the nature of the problem (i.e. if the action can be retried),\nbut in the other hand it might leak information about the deployment\n(e.g. the type of the hypervisor).\n", "operations": [{"path": "/servers/{server_id}/os-instance-actions/{request_id}", "method": "GET"}]},
  {"name": "os_compute_api:os-instance-actions:events", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Add events details in action details for a server.\nThis check is performed only after the check\nos_compute_api:os-instance-actions:show passes. Beginning with Microversion\n2.51, events details are always included; traceback information is provided\nper event if policy enforcement passes. Beginning with Microversion 2.62,\neach event includes a hashed host identifier and, if policy enforcement\npasses, the name of the host.", "operations": [{"path": "/servers/{server_id}/os-instance-actions/{request_id}", "method": "GET"}]},
  {"name": "os_compute_api:os-instance-actions:list", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List actions for a server.", "operations": [{"path": "/servers/{server_id}/os-instance-actions", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-instance-actions", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-instance-actions:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show action details for a server.", "operations": [{"path": "/servers/{server_id}/os-instance-actions/{request_id}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-instance-actions", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-instance-usage-audit-log:list", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List all usage audits.", "operations": [{"path": "/os-instance_usage_audit_log", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-instance-usage-audit-log", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-instance-usage-audit-log:show", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List all usage audits occurred before a specified time for all servers on all compute hosts where usage auditing is configured", "operations": [{"path": "/os-instance_usage_audit_log/{before_timestamp}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-instance-usage-audit-log", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:ips:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show IP addresses details for a network label of a  server", "operations": [{"path": "/servers/{server_id}/ips/{network_label}", "method": "GET"}]},
  {"name": "os_compute_api:ips:index", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List IP addresses that are assigned to a server", "operations": [{"path": "/servers/{server_id}/ips", "method": "GET"}]},
  {"name": "os_compute_api:os-keypairs:index", "check_str": "(rule:context_is_admin) or user_id:%(user_id)s", "scope_types": ["project"], "description": "List all keypairs", "operations": [{"path": "/os-keypairs", "method": "GET"}]},
  {"name": "os_compute_api:os-keypairs:create", "check_str": "(rule:context_is_admin) or user_id:%(user_id)s", "scope_types": ["project"], "description": "Create a keypair", "operations": [{"path": "/os-keypairs", "method": "POST"}]},
  {"name": "os_compute_api:os-keypairs:delete", "check_str": "(rule:context_is_admin) or user_id:%(user_id)s", "scope_types": ["project"], "description": "Delete a keypair", "operations": [{"path": "/os-keypairs/{keypair_name}", "method": "DELETE"}]},
  {"name": "os_compute_api:os-keypairs:show", "check_str": "(rule:context_is_admin) or user_id:%(user_id)s", "scope_types": ["project"], "description": "Show details of a keypair", "operations": [{"path": "/os-keypairs/{keypair_name}", "method": "GET"}]},
  {"name": "os_compute_api:limits", "check_str": "@", "scope_types": ["project"], "description": "Show rate and absolute limits for the current user project", "operations": [{"path": "/limits", "method": "GET"}]},
  {"name": "os_compute_api:limits:other_project", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Show rate and absolute limits of other project.\n\nThis policy only checks if the user has access to the requested\nproject limits. And this check is performed only after the check\nos_compute_api:limits passes", "operations": [{"path": "/limits", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-used-limits", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-lock-server:lock", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Lock a server", "operations": [{"path": "/servers/{server_id}/action (lock)", "method": "POST"}]},
  {"name": "os_compute_api:os-lock-server:unlock", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Unlock a server", "operations": [{"path": "/servers/{server_id}/action (unlock)", "method": "POST"}]},
  {"name": "os_compute_api:os-lock-server:unlock:unlock_override", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Unlock a server, regardless who locked the server.\n\nThis check is performed only after the check\nos_compute_api:os-lock-server:unlock passes", "operations": [{"path": "/servers/{server_id}/action (unlock)", "method": "POST"}]},
  {"name": "os_compute_api:os-migrate-server:migrate", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Cold migrate a server to a host", "operations": [{"path": "/servers/{server_id}/action (migrate)", "method": "POST"}]},
  {"name": "os_compute_api:os-migrate-server:migrate_live", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Live migrate a server to a new host without a reboot", "operations": [{"path": "/servers/{server_id}/action (os-migrateLive)", "method": "POST"}]},
  {"name": "os_compute_api:os-migrations:index", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List migrations", "operations": [{"path": "/os-migrations", "method": "GET"}]},
  {"name": "os_compute_api:os-multinic:add", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Add a fixed IP address to a server.\n\nThis API is proxy calls to the Network service. This is\ndeprecated.", "operations": [{"path": "/servers/{server_id}/action (addFixedIp)", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-multinic", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-multinic:remove", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Remove a fixed IP address from a server.\n\nThis API is proxy calls to the Network service. This is\ndeprecated.", "operations": [{"path": "/servers/{server_id}/action (removeFixedIp)", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-multinic", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-networks:list", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List networks for the project.\n\nThis API is proxy calls to the Network service. This is deprecated.", "operations": [{"path": "/os-networks", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-networks:view", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-networks:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show network details.\n\nThis API is proxy calls to the Network service. This is deprecated.", "operations": [{"path": "/os-networks/{network_id}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-networks:view", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-pause-server:pause", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Pause a server", "operations": [{"path": "/servers/{server_id}/action (pause)", "method": "POST"}]},
  {"name": "os_compute_api:os-pause-server:unpause", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Unpause a paused server", "operations": [{"path": "/servers/{server_id}/action (unpause)", "method": "POST"}]},
  {"name": "os_compute_api:os-quota-class-sets:show", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List quotas for specific quota classs", "operations": [{"path": "/os-quota-class-sets/{quota_class}", "method": "GET"}]},
  {"name": "os_compute_api:os-quota-class-sets:update", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Update quotas for specific quota class", "operations": [{"path": "/os-quota-class-sets/{quota_class}", "method": "PUT"}]},
  {"name": "os_compute_api:os-quota-sets:update", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Update the quotas", "operations": [{"path": "/os-quota-sets/{tenant_id}", "method": "PUT"}]},
  {"name": "os_compute_api:os-quota-sets:defaults", "check_str": "@", "scope_types": ["project"], "description": "List default quotas", "operations": [{"path": "/os-quota-sets/{tenant_id}/defaults", "method": "GET"}]},
  {"name": "os_compute_api:os-quota-sets:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show a quota", "operations": [{"path": "/os-quota-sets/{tenant_id}", "method": "GET"}]},
  {"name": "os_compute_api:os-quota-sets:delete", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Revert quotas to defaults", "operations": [{"path": "/os-quota-sets/{tenant_id}", "method": "DELETE"}]},
  {"name": "os_compute_api:os-quota-sets:detail", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show the detail of quota", "operations": [{"path": "/os-quota-sets/{tenant_id}/detail", "method": "GET"}]},
  {"name": "os_compute_api:os-remote-consoles", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Generate a URL to access remove server console.\n\nThis policy is for ``POST /remote-consoles`` API and below Server actions APIs\nare deprecated:\n\n- ``os-getRDPConsole``\n- ``os-getSerialConsole``\n- ``os-getSPICEConsole``\n- ``os-getVNCConsole``.", "operations": [{"path": "/servers/{server_id}/action (os-getRDPConsole)", "method": "POST"}, {"path": "/servers/{server_id}/action (os-getSerialConsole)", "method": "POST"}, {"path": "/servers/{server_id}/action (os-getSPICEConsole)", "method": "POST"}, {"path": "/servers/{server_id}/action (os-getVNCConsole)", "method": "POST"}, {"path": "/servers/{server_id}/remote-consoles", "method": "POST"}]},
  {"name": "os_compute_api:os-rescue", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Rescue a server", "operations": [{"path": "/servers/{server_id}/action (rescue)", "method": "POST"}]},
  {"name": "os_compute_api:os-unrescue", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Unrescue a server", "operations": [{"path": "/servers/{server_id}/action (unrescue)", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-rescue", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-security-groups:get", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List security groups. This API is deprecated.", "operations": [{"path": "/os-security-groups", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-security-groups", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-security-groups:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show security group. This API is deprecated.", "operations": [{"path": "/os-security-groups/{security_group_id}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-security-groups", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-security-groups:create", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create security group. This API is deprecated.", "operations": [{"path": "/os-security-groups", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-security-groups", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-security-groups:update", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Update security group. This API is deprecated.", "operations": [{"path": "/os-security-groups/{security_group_id}", "method": "PUT"}], "deprecated_rule": {"name": "os_compute_api:os-security-groups", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-security-groups:delete", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Delete security group. This API is deprecated.", "operations": [{"path": "/os-security-groups/{security_group_id}", "method": "DELETE"}], "deprecated_rule": {"name": "os_compute_api:os-security-groups", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-security-groups:rule:create", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create security group Rule. This API is deprecated.", "operations": [{"path": "/os-security-group-rules", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-security-groups", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-security-groups:rule:delete", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Delete security group Rule. This API is deprecated.", "operations": [{"path": "/os-security-group-rules/{security_group_id}", "method": "DELETE"}], "deprecated_rule": {"name": "os_compute_api:os-security-groups", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-security-groups:list", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List security groups of server.", "operations": [{"path": "/servers/{server_id}/os-security-groups", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-security-groups", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-security-groups:add", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Add security groups to server.", "operations": [{"path": "/servers/{server_id}/action (addSecurityGroup)", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-security-groups", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-security-groups:remove", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Remove security groups from server.", "operations": [{"path": "/servers/{server_id}/action (removeSecurityGroup)", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-security-groups", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-server-diagnostics", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Show the usage data for a server", "operations": [{"path": "/servers/{server_id}/diagnostics", "method": "GET"}]},
  {"name": "os_compute_api:os-server-external-events:create", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Create one or more external events", "operations": [{"path": "/os-server-external-events", "method": "POST"}]},
  {"name": "os_compute_api:os-server-groups:create", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create a new server group", "operations": [{"path": "/os-server-groups", "method": "POST"}]},
  {"name": "os_compute_api:os-server-groups:delete", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Delete a server group", "operations": [{"path": "/os-server-groups/{server_group_id}", "method": "DELETE"}]},
  {"name": "os_compute_api:os-server-groups:index", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List all server groups", "operations": [{"path": "/os-server-groups", "method": "GET"}]},
  {"name": "os_compute_api:os-server-groups:index:all_projects", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List all server groups for all projects", "operations": [{"path": "/os-server-groups", "method": "GET"}]},
  {"name": "os_compute_api:os-server-groups:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show details of a server group", "operations": [{"path": "/os-server-groups/{server_group_id}", "method": "GET"}]},
  {"name": "os_compute_api:server-metadata:index", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List all metadata of a server", "operations": [{"path": "/servers/{server_id}/metadata", "method": "GET"}]},
  {"name": "os_compute_api:server-metadata:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show metadata for a server", "operations": [{"path": "/servers/{server_id}/metadata/{key}", "method": "GET"}]},
  {"name": "os_compute_api:server-metadata:create", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create metadata for a server", "operations": [{"path": "/servers/{server_id}/metadata", "method": "POST"}]},
  {"name": "os_compute_api:server-metadata:update_all", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Replace metadata for a server", "operations": [{"path": "/servers/{server_id}/metadata", "method": "PUT"}]},
  {"name": "os_compute_api:server-metadata:update", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Update metadata from a server", "operations": [{"path": "/servers/{server_id}/metadata/{key}", "method": "PUT"}]},
  {"name": "os_compute_api:server-metadata:delete", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Delete metadata from a server", "operations": [{"path": "/servers/{server_id}/metadata/{key}", "method": "DELETE"}]},
  {"name": "os_compute_api:os-server-password:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show the encrypted administrative password of a server", "operations": [{"path": "/servers/{server_id}/os-server-password", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-server-password", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-server-password:clear", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Clear the encrypted administrative password of a server", "operations": [{"path": "/servers/{server_id}/os-server-password", "method": "DELETE"}], "deprecated_rule": {"name": "os_compute_api:os-server-password", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-server-tags:delete_all", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Delete all the server tags", "operations": [{"path": "/servers/{server_id}/tags", "method": "DELETE"}]},
  {"name": "os_compute_api:os-server-tags:index", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List all tags for given server", "operations": [{"path": "/servers/{server_id}/tags", "method": "GET"}]},
  {"name": "os_compute_api:os-server-tags:update_all", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Replace all tags on specified server with the new set of tags.", "operations": [{"path": "/servers/{server_id}/tags", "method": "PUT"}]},
  {"name": "os_compute_api:os-server-tags:delete", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Delete a single tag from the specified server", "operations": [{"path": "/servers/{server_id}/tags/{tag}", "method": "DELETE"}]},
  {"name": "os_compute_api:os-server-tags:update", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Add a single tag to the server if server has no specified tag", "operations": [{"path": "/servers/{server_id}/tags/{tag}", "method": "PUT"}]},
  {"name": "os_compute_api:os-server-tags:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Check tag existence on the server.", "operations": [{"path": "/servers/{server_id}/tags/{tag}", "method": "GET"}]},
  {"name": "compute:server:topology:index", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show the NUMA topology data for a server", "operations": [{"path": "/servers/{server_id}/topology", "method": "GET"}]},
  {"name": "compute:server:topology:host:index", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Show the NUMA topology data for a server with host NUMA ID and CPU pinning information", "operations": [{"path": "/servers/{server_id}/topology", "method": "GET"}]},
  {"name": "os_compute_api:servers:index", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List all servers", "operations": [{"path": "/servers", "method": "GET"}]},
  {"name": "os_compute_api:servers:detail", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List all servers with detailed information", "operations": [{"path": "/servers/detail", "method": "GET"}]},
  {"name": "os_compute_api:servers:index:get_all_tenants", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List all servers for all projects", "operations": [{"path": "/servers", "method": "GET"}]},
  {"name": "os_compute_api:servers:detail:get_all_tenants", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List all servers with detailed information for  all projects", "operations": [{"path": "/servers/detail", "method": "GET"}]},
  {"name": "os_compute_api:servers:allow_all_filters", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Allow all filters when listing servers", "operations": [{"path": "/servers", "method": "GET"}, {"path": "/servers/detail", "method": "GET"}]},
  {"name": "os_compute_api:servers:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show a server", "operations": [{"path": "/servers/{server_id}", "method": "GET"}]},
  {"name": "os_compute_api:servers:show:flavor-extra-specs", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Starting with microversion 2.47, the flavor and its extra specs used for a server is also returned in the response when showing server details, updating a server or rebuilding a server.", "operations": [{"path": "/servers/detail", "method": "GET"}, {"path": "/servers/{server_id}", "method": "GET"}, {"path": "/servers/{server_id}", "method": "PUT"}, {"path": "/servers/{server_id}/action (rebuild)", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-flavor-extra-specs:index", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:servers:show:host_status", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "\nShow a server with additional host status information.\n\nThis means host_status will be shown irrespective of status value. If showing\nonly host_status UNKNOWN is desired, use the\n``os_compute_api:servers:show:host_status:unknown-only`` policy rule.\n\nMicrovision 2.75 added the ``host_status`` attribute in the\n``PUT /servers/{server_id}`` and ``POST /servers/{server_id}/action (rebuild)``\nAPI responses which are also controlled by this policy rule, like the\n``GET /servers*`` APIs.\n", "operations": [{"path": "/servers/{server_id}", "method": "GET"}, {"path": "/servers/detail", "method": "GET"}, {"path": "/servers/{server_id}", "method": "PUT"}, {"path": "/servers/{server_id}/action (rebuild)", "method": "POST"}]},
  {"name": "os_compute_api:servers:show:host_status:unknown-only", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "\nShow a server with additional host status information, only if host status is\nUNKNOWN.\n\nThis policy rule will only be enforced when the\n``os_compute_api:servers:show:host_status`` policy rule does not pass for the\nrequest. An example policy configuration could be where the\n``os_compute_api:servers:show:host_status`` rule is set to allow admin-only and\nthe ``os_compute_api:servers:show:host_status:unknown-only`` rule is set to\nallow everyone.\n", "operations": [{"path": "/servers/{server_id}", "method": "GET"}, {"path": "/servers/detail", "method": "GET"}, {"path": "/servers/{server_id}", "method": "PUT"}, {"path": "/servers/{server_id}/action (rebuild)", "method": "POST"}]},
  {"name": "os_compute_api:servers:create", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create a server", "operations": [{"path": "/servers", "method": "POST"}]},
  {"name": "os_compute_api:servers:create:forced_host", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "\nCreate a server on the specified host and/or node.\n\nIn this case, the server is forced to launch on the specified\nhost and/or node by bypassing the scheduler filters unlike the\n``compute:servers:create:requested_destination`` rule.\n", "operations": [{"path": "/servers", "method": "POST"}]},
  {"name": "compute:servers:create:requested_destination", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "\nCreate a server on the requested compute service host and/or\nhypervisor_hostname.\n\nIn this case, the requested host and/or hypervisor_hostname is\nvalidated by the scheduler filters unlike the\n``os_compute_api:servers:create:forced_host`` rule.\n", "operations": [{"path": "/servers", "method": "POST"}]},
  {"name": "os_compute_api:servers:create:attach_volume", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create a server with the requested volume attached to it", "operations": [{"path": "/servers", "method": "POST"}]},
  {"name": "os_compute_api:servers:create:attach_network", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create a server with the requested network attached  to it", "operations": [{"path": "/servers", "method": "POST"}]},
  {"name": "os_compute_api:servers:create:trusted_certs", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create a server with trusted image certificate IDs", "operations": [{"path": "/servers", "method": "POST"}]},
  {"name": "os_compute_api:servers:create:zero_disk_flavor", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "\nThis rule controls the compute API validation behavior of creating a server\nwith a flavor that has 0 disk, indicating the server should be volume-backed.\n\nFor a flavor with disk=0, the root disk will be set to exactly the size of the\nimage used to deploy the instance. However, in this case the filter_scheduler\ncannot select the compute host based on the virtual image size. Therefore, 0\nshould only be used for volume booted instances or for testing purposes.\n\nWARNING: It is a potential security exposure to enable this policy rule\nif users can upload their own images since repeated attempts to\ncreate a disk=0 flavor instance with a large image can exhaust\nthe local disk of the compute (or shared storage cluster). See bug\nhttps://bugs.launchpad.net/nova/+bug/1739646 for details.\n", "operations": [{"path": "/servers", "method": "POST"}]},
  {"name": "network:attach_external_network", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Attach an unshared external network to a server", "operations": [{"path": "/servers", "method": "POST"}, {"path": "/servers/{server_id}/os-interface", "method": "POST"}]},
  {"name": "os_compute_api:servers:delete", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Delete a server", "operations": [{"path": "/servers/{server_id}", "method": "DELETE"}]},
  {"name": "os_compute_api:servers:update", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Update a server", "operations": [{"path": "/servers/{server_id}", "method": "PUT"}]},
  {"name": "os_compute_api:servers:confirm_resize", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Confirm a server resize", "operations": [{"path": "/servers/{server_id}/action (confirmResize)", "method": "POST"}]},
  {"name": "os_compute_api:servers:revert_resize", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Revert a server resize", "operations": [{"path": "/servers/{server_id}/action (revertResize)", "method": "POST"}]},
  {"name": "os_compute_api:servers:reboot", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Reboot a server", "operations": [{"path": "/servers/{server_id}/action (reboot)", "method": "POST"}]},
  {"name": "os_compute_api:servers:resize", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Resize a server", "operations": [{"path": "/servers/{server_id}/action (resize)", "method": "POST"}]},
  {"name": "compute:servers:resize:cross_cell", "check_str": "!", "scope_types": ["project"], "description": "Resize a server across cells. By default, this is disabled for all users and recommended to be tested in a deployment for admin users before opening it up to non-admin users. Resizing within a cell is the default preferred behavior even if this is enabled. ", "operations": [{"path": "/servers/{server_id}/action (resize)", "method": "POST"}]},
  {"name": "os_compute_api:servers:rebuild", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Rebuild a server", "operations": [{"path": "/servers/{server_id}/action (rebuild)", "method": "POST"}]},
  {"name": "os_compute_api:servers:rebuild:trusted_certs", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Rebuild a server with trusted image certificate IDs", "operations": [{"path": "/servers/{server_id}/action (rebuild)", "method": "POST"}]},
  {"name": "os_compute_api:servers:create_image", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create an image from a server", "operations": [{"path": "/servers/{server_id}/action (createImage)", "method": "POST"}]},
  {"name": "os_compute_api:servers:create_image:allow_volume_backed", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create an image from a volume backed server", "operations": [{"path": "/servers/{server_id}/action (createImage)", "method": "POST"}]},
  {"name": "os_compute_api:servers:start", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Start a server", "operations": [{"path": "/servers/{server_id}/action (os-start)", "method": "POST"}]},
  {"name": "os_compute_api:servers:stop", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Stop a server", "operations": [{"path": "/servers/{server_id}/action (os-stop)", "method": "POST"}]},
  {"name": "os_compute_api:servers:trigger_crash_dump", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Trigger crash dump in a server", "operations": [{"path": "/servers/{server_id}/action (trigger_crash_dump)", "method": "POST"}]},
  {"name": "os_compute_api:servers:migrations:show", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Show details for an in-progress live migration for a given server", "operations": [{"path": "/servers/{server_id}/migrations/{migration_id}", "method": "GET"}]},
  {"name": "os_compute_api:servers:migrations:force_complete", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Force an in-progress live migration for a given server to complete", "operations": [{"path": "/servers/{server_id}/migrations/{migration_id}/action (force_complete)", "method": "POST"}]},
  {"name": "os_compute_api:servers:migrations:delete", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Delete(Abort) an in-progress live migration", "operations": [{"path": "/servers/{server_id}/migrations/{migration_id}", "method": "DELETE"}]},
  {"name": "os_compute_api:servers:migrations:index", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Lists in-progress live migrations for a given server", "operations": [{"path": "/servers/{server_id}/migrations", "method": "GET"}]},
  {"name": "os_compute_api:os-services:list", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List all running Compute services in a region.", "operations": [{"path": "/os-services", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-services", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-services:update", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Update a Compute service.", "operations": [{"path": "/os-services/{service_id}", "method": "PUT"}], "deprecated_rule": {"name": "os_compute_api:os-services", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-services:delete", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Delete a Compute service.", "operations": [{"path": "/os-services/{service_id}", "method": "DELETE"}], "deprecated_rule": {"name": "os_compute_api:os-services", "check_str": "rule:admin_api"}},
  {"name": "os_compute_api:os-shelve:shelve", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Shelve server", "operations": [{"path": "/servers/{server_id}/action (shelve)", "method": "POST"}]},
  {"name": "os_compute_api:os-shelve:unshelve", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Unshelve (restore) shelved server", "operations": [{"path": "/servers/{server_id}/action (unshelve)", "method": "POST"}]},
  {"name": "os_compute_api:os-shelve:unshelve_to_host", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Unshelve (restore) shelve offloaded server to a specific host", "operations": [{"path": "/servers/{server_id}/action (unshelve)", "method": "POST"}]},
  {"name": "os_compute_api:os-shelve:shelve_offload", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Shelf-offload (remove) server", "operations": [{"path": "/servers/{server_id}/action (shelveOffload)", "method": "POST"}]},
  {"name": "os_compute_api:os-simple-tenant-usage:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show usage statistics for a specific tenant", "operations": [{"path": "/os-simple-tenant-usage/{tenant_id}", "method": "GET"}]},
  {"name": "os_compute_api:os-simple-tenant-usage:list", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "List per tenant usage statistics for all tenants", "operations": [{"path": "/os-simple-tenant-usage", "method": "GET"}]},
  {"name": "os_compute_api:os-suspend-server:resume", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Resume suspended server", "operations": [{"path": "/servers/{server_id}/action (resume)", "method": "POST"}]},
  {"name": "os_compute_api:os-suspend-server:suspend", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Suspend server", "operations": [{"path": "/servers/{server_id}/action (suspend)", "method": "POST"}]},
  {"name": "os_compute_api:os-tenant-networks:list", "check_str": "rule:project_reader_api", "scope_types": ["project"], "description": "List project networks.\n\nThis API is proxy calls to the Network service. This is deprecated.", "operations": [{"path": "/os-tenant-networks", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-tenant-networks", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-tenant-networks:show", "check_str": "rule:project_reader_api", "scope_types": ["project"], "description": "Show project network details.\n\nThis API is proxy calls to the Network service. This is deprecated.", "operations": [{"path": "/os-tenant-networks/{network_id}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-tenant-networks", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-volumes:list", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List volumes.\n\nThis API is a proxy call to the Volume service. It is deprecated.", "operations": [{"path": "/os-volumes", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-volumes", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-volumes:create", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create volume.\n\nThis API is a proxy call to the Volume service. It is deprecated.", "operations": [{"path": "/os-volumes", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-volumes", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-volumes:detail", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List volumes detail.\n\nThis API is a proxy call to the Volume service. It is deprecated.", "operations": [{"path": "/os-volumes/detail", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-volumes", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-volumes:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show volume.\n\nThis API is a proxy call to the Volume service. It is deprecated.", "operations": [{"path": "/os-volumes/{volume_id}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-volumes", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-volumes:delete", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Delete volume.\n\nThis API is a proxy call to the Volume service. It is deprecated.", "operations": [{"path": "/os-volumes/{volume_id}", "method": "DELETE"}], "deprecated_rule": {"name": "os_compute_api:os-volumes", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-volumes:snapshots:list", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List snapshots.\n\nThis API is a proxy call to the Volume service. It is deprecated.", "operations": [{"path": "/os-snapshots", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-volumes", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-volumes:snapshots:create", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Create snapshots.\n\nThis API is a proxy call to the Volume service. It is deprecated.", "operations": [{"path": "/os-snapshots", "method": "POST"}], "deprecated_rule": {"name": "os_compute_api:os-volumes", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-volumes:snapshots:detail", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List snapshots details.\n\nThis API is a proxy call to the Volume service. It is deprecated.", "operations": [{"path": "/os-snapshots/detail", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-volumes", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-volumes:snapshots:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show snapshot.\n\nThis API is a proxy call to the Volume service. It is deprecated.", "operations": [{"path": "/os-snapshots/{snapshot_id}", "method": "GET"}], "deprecated_rule": {"name": "os_compute_api:os-volumes", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-volumes:snapshots:delete", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Delete snapshot.\n\nThis API is a proxy call to the Volume service. It is deprecated.", "operations": [{"path": "/os-snapshots/{snapshot_id}", "method": "DELETE"}], "deprecated_rule": {"name": "os_compute_api:os-volumes", "check_str": "rule:admin_or_owner"}},
  {"name": "os_compute_api:os-volumes-attachments:index", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "List volume attachments for an instance", "operations": [{"path": "/servers/{server_id}/os-volume_attachments", "method": "GET"}]},
  {"name": "os_compute_api:os-volumes-attachments:create", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Attach a volume to an instance", "operations": [{"path": "/servers/{server_id}/os-volume_attachments", "method": "POST"}]},
  {"name": "os_compute_api:os-volumes-attachments:show", "check_str": "rule:project_reader_or_admin", "scope_types": ["project"], "description": "Show details of a volume attachment", "operations": [{"path": "/servers/{server_id}/os-volume_attachments/{volume_id}", "method": "GET"}]},
  {"name": "os_compute_api:os-volumes-attachments:update", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Update a volume attachment.\nNew 'update' policy about 'swap + update' request (which is possible\nonly >2.85) only <swap policy> is checked. We expect <swap policy> to be\nalways superset of this policy permission.\n", "operations": [{"path": "/servers/{server_id}/os-volume_attachments/{volume_id}", "method": "PUT"}]},
  {"name": "os_compute_api:os-volumes-attachments:swap", "check_str": "rule:context_is_admin", "scope_types": ["project"], "description": "Update a volume attachment with a different volumeId", "operations": [{"path": "/servers/{server_id}/os-volume_attachments/{volume_id}", "method": "PUT"}]},
  {"name": "os_compute_api:os-volumes-attachments:delete", "check_str": "rule:project_member_or_admin", "scope_types": ["project"], "description": "Detach a volume from an instance", "operations": [{"path": "/servers/{server_id}/os-volume_attachments/{volume_id}", "method": "DELETE"}]},
];
// END generated by tests/compute/make_policies.py

/**
 * The Nova rules the compute API enforces, by resource and action: the names Nova's API code
 * passes to `context.can` (`nova/policies/*.py` constants, used in `nova/api/openstack/compute/*.py`
 * and `nova/compute/api.py`). Every name is one of {@link NOVA_POLICIES}
 * (tests/compute/policies.test.ts checks it).
 */
export const NOVA_RULES = {
  /** `nova/policies/base.py`: what `context.is_admin` is (`check_is_admin`). */
  base: {
    contextIsAdmin: 'context_is_admin',
  },
  /** `nova/policies/servers.py`. */
  servers: {
    index: 'os_compute_api:servers:index',
    detail: 'os_compute_api:servers:detail',
    /** `all_tenants` on `GET /servers`. */
    indexAllTenants: 'os_compute_api:servers:index:get_all_tenants',
    /** `all_tenants` on `GET /servers/detail`. */
    detailAllTenants: 'os_compute_api:servers:detail:get_all_tenants',
    /** List filters beyond the non-admin whitelist (`host`, `node`, …). */
    allowAllFilters: 'os_compute_api:servers:allow_all_filters',
    show: 'os_compute_api:servers:show',
    /** Shows the flavor's `extra_specs` in the server's `flavor` (2.47+). */
    showFlavorExtraSpecs: 'os_compute_api:servers:show:flavor-extra-specs',
    /** Shows `host_status` (2.16+). */
    showHostStatus: 'os_compute_api:servers:show:host_status',
    /** Shows `host_status` only when it is `UNKNOWN`. */
    showHostStatusUnknownOnly: 'os_compute_api:servers:show:host_status:unknown-only',
    create: 'os_compute_api:servers:create',
    /** `availability_zone: 'zone:host:node'`. */
    createForcedHost: 'os_compute_api:servers:create:forced_host',
    /** `host` / `hypervisor_hostname` in the body (2.74+). */
    createRequestedDestination: 'compute:servers:create:requested_destination',
    createAttachVolume: 'os_compute_api:servers:create:attach_volume',
    createAttachNetwork: 'os_compute_api:servers:create:attach_network',
    createTrustedCerts: 'os_compute_api:servers:create:trusted_certs',
    /** Booting an image-backed server from a flavor with `disk: 0`. */
    createZeroDiskFlavor: 'os_compute_api:servers:create:zero_disk_flavor',
    /** A port on an external network, at create or interface attach. */
    attachExternalNetwork: 'network:attach_external_network',
    update: 'os_compute_api:servers:update',
    delete: 'os_compute_api:servers:delete',
    reboot: 'os_compute_api:servers:reboot',
    rebuild: 'os_compute_api:servers:rebuild',
    rebuildTrustedCerts: 'os_compute_api:servers:rebuild:trusted_certs',
    resize: 'os_compute_api:servers:resize',
    resizeCrossCell: 'compute:servers:resize:cross_cell',
    confirmResize: 'os_compute_api:servers:confirm_resize',
    revertResize: 'os_compute_api:servers:revert_resize',
    start: 'os_compute_api:servers:start',
    stop: 'os_compute_api:servers:stop',
    createImage: 'os_compute_api:servers:create_image',
    createImageVolumeBacked: 'os_compute_api:servers:create_image:allow_volume_backed',
    triggerCrashDump: 'os_compute_api:servers:trigger_crash_dump',
    /** `nova/policies/extended_server_attributes.py`: the `OS-EXT-SRV-ATTR:*` fields. */
    extendedAttributes: 'os_compute_api:os-extended-server-attributes',
    /** `nova/policies/server_topology.py`. */
    topology: 'compute:server:topology:index',
    topologyHost: 'compute:server:topology:host:index',
    /** `nova/policies/server_diagnostics.py`. */
    diagnostics: 'os_compute_api:os-server-diagnostics',
    /** `nova/policies/console_output.py`. */
    consoleOutput: 'os_compute_api:os-console-output',
    /** `nova/policies/remote_consoles.py`. */
    remoteConsoles: 'os_compute_api:os-remote-consoles',
    /** `nova/policies/server_password.py`. */
    passwordShow: 'os_compute_api:os-server-password:show',
    passwordClear: 'os_compute_api:os-server-password:clear',
    /** `nova/policies/deferred_delete.py`. */
    restore: 'os_compute_api:os-deferred-delete:restore',
    forceDelete: 'os_compute_api:os-deferred-delete:force',
  },
  /** Server actions of their own policy files (`pause_server.py`, `suspend_server.py`, `lock_server.py`, `rescue.py`, `create_backup.py`, `admin_password.py`, `shelve.py`, `admin_actions.py`, `evacuate.py`, `migrate_server.py`). */
  serverActions: {
    pause: 'os_compute_api:os-pause-server:pause',
    unpause: 'os_compute_api:os-pause-server:unpause',
    suspend: 'os_compute_api:os-suspend-server:suspend',
    resume: 'os_compute_api:os-suspend-server:resume',
    lock: 'os_compute_api:os-lock-server:lock',
    unlock: 'os_compute_api:os-lock-server:unlock',
    /** Unlocking a server someone else locked. */
    unlockOverride: 'os_compute_api:os-lock-server:unlock:unlock_override',
    rescue: 'os_compute_api:os-rescue',
    unrescue: 'os_compute_api:os-unrescue',
    createBackup: 'os_compute_api:os-create-backup',
    changePassword: 'os_compute_api:os-admin-password',
    shelve: 'os_compute_api:os-shelve:shelve',
    unshelve: 'os_compute_api:os-shelve:unshelve',
    /** `host` in the unshelve body (2.91+). */
    unshelveToHost: 'os_compute_api:os-shelve:unshelve_to_host',
    shelveOffload: 'os_compute_api:os-shelve:shelve_offload',
    resetState: 'os_compute_api:os-admin-actions:reset_state',
    injectNetworkInfo: 'os_compute_api:os-admin-actions:inject_network_info',
    evacuate: 'os_compute_api:os-evacuate',
    migrate: 'os_compute_api:os-migrate-server:migrate',
    migrateLive: 'os_compute_api:os-migrate-server:migrate_live',
  },
  /** `nova/policies/server_metadata.py`. */
  serverMetadata: {
    index: 'os_compute_api:server-metadata:index',
    show: 'os_compute_api:server-metadata:show',
    create: 'os_compute_api:server-metadata:create',
    update: 'os_compute_api:server-metadata:update',
    updateAll: 'os_compute_api:server-metadata:update_all',
    delete: 'os_compute_api:server-metadata:delete',
  },
  /** `nova/policies/server_tags.py`. */
  serverTags: {
    index: 'os_compute_api:os-server-tags:index',
    show: 'os_compute_api:os-server-tags:show',
    update: 'os_compute_api:os-server-tags:update',
    updateAll: 'os_compute_api:os-server-tags:update_all',
    delete: 'os_compute_api:os-server-tags:delete',
    deleteAll: 'os_compute_api:os-server-tags:delete_all',
  },
  /** `nova/policies/ips.py`. */
  ips: {
    index: 'os_compute_api:ips:index',
    show: 'os_compute_api:ips:show',
  },
  /** `nova/policies/volumes_attachments.py`. */
  volumeAttachments: {
    index: 'os_compute_api:os-volumes-attachments:index',
    show: 'os_compute_api:os-volumes-attachments:show',
    create: 'os_compute_api:os-volumes-attachments:create',
    update: 'os_compute_api:os-volumes-attachments:update',
    /** `PUT` with a different `volumeId`: swapping the volume. */
    swap: 'os_compute_api:os-volumes-attachments:swap',
    delete: 'os_compute_api:os-volumes-attachments:delete',
  },
  /** `nova/policies/attach_interfaces.py`. */
  interfaces: {
    list: 'os_compute_api:os-attach-interfaces:list',
    show: 'os_compute_api:os-attach-interfaces:show',
    create: 'os_compute_api:os-attach-interfaces:create',
    delete: 'os_compute_api:os-attach-interfaces:delete',
  },
  /** `nova/policies/instance_actions.py`. */
  instanceActions: {
    list: 'os_compute_api:os-instance-actions:list',
    show: 'os_compute_api:os-instance-actions:show',
    /** Shows the action's `events`. */
    events: 'os_compute_api:os-instance-actions:events',
    /** Shows the events' `host` and `hostId` (2.62+). */
    eventsDetails: 'os_compute_api:os-instance-actions:events:details',
  },
  /** `nova/policies/servers_migrations.py`. */
  serverMigrations: {
    index: 'os_compute_api:servers:migrations:index',
    show: 'os_compute_api:servers:migrations:show',
    forceComplete: 'os_compute_api:servers:migrations:force_complete',
    delete: 'os_compute_api:servers:migrations:delete',
  },
  /** `nova/policies/flavor_manage.py`, `flavor_access.py`, `flavor_extra_specs.py`. */
  flavors: {
    create: 'os_compute_api:os-flavor-manage:create',
    update: 'os_compute_api:os-flavor-manage:update',
    delete: 'os_compute_api:os-flavor-manage:delete',
    /** `GET /flavors/{flavor_id}/os-flavor-access` (private flavors in lists are `context.is_admin`'s, `nova/api/openstack/compute/flavors.py`). */
    accessIndex: 'os_compute_api:os-flavor-access',
    addTenantAccess: 'os_compute_api:os-flavor-access:add_tenant_access',
    removeTenantAccess: 'os_compute_api:os-flavor-access:remove_tenant_access',
    /** Also decides whether flavor views show `extra_specs` (2.61+). */
    extraSpecsIndex: 'os_compute_api:os-flavor-extra-specs:index',
    extraSpecsShow: 'os_compute_api:os-flavor-extra-specs:show',
    extraSpecsCreate: 'os_compute_api:os-flavor-extra-specs:create',
    extraSpecsUpdate: 'os_compute_api:os-flavor-extra-specs:update',
    extraSpecsDelete: 'os_compute_api:os-flavor-extra-specs:delete',
  },
  /** `nova/policies/keypairs.py` (target `{user_id}`). */
  keypairs: {
    index: 'os_compute_api:os-keypairs:index',
    show: 'os_compute_api:os-keypairs:show',
    create: 'os_compute_api:os-keypairs:create',
    delete: 'os_compute_api:os-keypairs:delete',
  },
  /** `nova/policies/server_groups.py`. */
  serverGroups: {
    index: 'os_compute_api:os-server-groups:index',
    indexAllProjects: 'os_compute_api:os-server-groups:index:all_projects',
    show: 'os_compute_api:os-server-groups:show',
    create: 'os_compute_api:os-server-groups:create',
    delete: 'os_compute_api:os-server-groups:delete',
  },
  /** `nova/policies/aggregates.py`. */
  aggregates: {
    index: 'os_compute_api:os-aggregates:index',
    create: 'os_compute_api:os-aggregates:create',
    show: 'os_compute_api:os-aggregates:show',
    update: 'os_compute_api:os-aggregates:update',
    delete: 'os_compute_api:os-aggregates:delete',
    addHost: 'os_compute_api:os-aggregates:add_host',
    removeHost: 'os_compute_api:os-aggregates:remove_host',
    setMetadata: 'os_compute_api:os-aggregates:set_metadata',
    /** Pre-caching images on an aggregate's hosts (2.81+). */
    images: 'compute:aggregates:images',
  },
  /** `nova/policies/availability_zone.py`. */
  availabilityZones: {
    list: 'os_compute_api:os-availability-zone:list',
    detail: 'os_compute_api:os-availability-zone:detail',
  },
  /** `nova/policies/services.py`. */
  services: {
    list: 'os_compute_api:os-services:list',
    update: 'os_compute_api:os-services:update',
    delete: 'os_compute_api:os-services:delete',
  },
  /** `nova/policies/hypervisors.py`. */
  hypervisors: {
    list: 'os_compute_api:os-hypervisors:list',
    listDetail: 'os_compute_api:os-hypervisors:list-detail',
    show: 'os_compute_api:os-hypervisors:show',
    statistics: 'os_compute_api:os-hypervisors:statistics',
    uptime: 'os_compute_api:os-hypervisors:uptime',
    search: 'os_compute_api:os-hypervisors:search',
    servers: 'os_compute_api:os-hypervisors:servers',
  },
  /** `nova/policies/quota_sets.py`, `quota_class_sets.py`, `limits.py`. */
  quotas: {
    show: 'os_compute_api:os-quota-sets:show',
    update: 'os_compute_api:os-quota-sets:update',
    defaults: 'os_compute_api:os-quota-sets:defaults',
    delete: 'os_compute_api:os-quota-sets:delete',
    detail: 'os_compute_api:os-quota-sets:detail',
    classShow: 'os_compute_api:os-quota-class-sets:show',
    classUpdate: 'os_compute_api:os-quota-class-sets:update',
    limits: 'os_compute_api:limits',
    /** `tenant_id` of another project on `GET /limits`. */
    limitsOtherProject: 'os_compute_api:limits:other_project',
  },
  /** Administrative and usage APIs (`migrations.py`, `server_external_events.py`, `simple_tenant_usage.py`, `instance_usage_audit_log.py`, `hosts.py`). */
  admin: {
    migrations: 'os_compute_api:os-migrations:index',
    serverExternalEvents: 'os_compute_api:os-server-external-events:create',
    usageShow: 'os_compute_api:os-simple-tenant-usage:show',
    usageList: 'os_compute_api:os-simple-tenant-usage:list',
    auditLogList: 'os_compute_api:os-instance-usage-audit-log:list',
    auditLogShow: 'os_compute_api:os-instance-usage-audit-log:show',
    hostsList: 'os_compute_api:os-hosts:list',
    hostsShow: 'os_compute_api:os-hosts:show',
  },
} as const;

/** A rule name of {@link NOVA_RULES}. */
export type NovaRule = {
  readonly [G in keyof typeof NOVA_RULES]: (typeof NOVA_RULES)[G][keyof (typeof NOVA_RULES)[G]];
}[keyof typeof NOVA_RULES];

/**
 * Nova's IsAdminCheck (`nova/policy.py`, `@policy.register('is_admin')`): `is_admin:<match>`
 * passes when `credentials['is_admin'] == (match.lower() == 'true')` in Python's eyes, so `true`
 * and `1` equal True, `false` and `0` equal False, and a string (`'True'`) equals neither (core's
 * generic check would compare `str()`s and accept `'True'`). Credentials without `is_admin` are
 * Nova's KeyError (a 500), here a throw the engine counts as false. Nova's check reads `match`
 * before `%(…)s` substitution; here after (no Nova rule substitutes into an `is_admin` check).
 */
function isAdminCheck(match: string, _target: PolicyTarget, credentials: PolicyCredentials): boolean {
  if (!Object.prototype.hasOwnProperty.call(credentials, 'is_admin')) throw new Error("KeyError: 'is_admin'");
  const value: unknown = (credentials as Record<string, unknown>)['is_admin'];
  return match.toLowerCase() === 'true' ? value === true || value === 1 : value === false || value === 0;
}

/**
 * The check kinds Nova registers with oslo.policy that the core engine lacks, for the compute
 * descriptor's `policyChecks`: `is_admin` ({@link isAdminCheck}).
 */
export const NOVA_POLICY_CHECKS: NonNullable<ServiceDescriptor['policyChecks']> = Object.freeze({ is_admin: isAdminCheck });
