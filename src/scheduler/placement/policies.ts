/**
 * Placement's default policy rules in Zed (openstack-placement 8.0.0), copied verbatim from
 * `placement.policies.list_rules()` (Debian's python3-placement): names, check strings, scope
 * types and deprecated rules. Every Placement rule is system-scoped in Zed.
 */
import type { PolicyDefault } from '../../core/index.js';

/** Every Placement default rule (38 rules). */
export const PLACEMENT_POLICIES: readonly PolicyDefault[] = [
  {"name": "admin_api", "check_str": "role:admin", "scope_types": ["system"], "description": "Default rule for most placement APIs."},
  {"name": "system_admin_api", "check_str": "role:admin and system_scope:all", "description": "Default rule for System Admin APIs.", "deprecated_rule": {"name": "rule:admin_api", "check_str": "role:admin"}},
  {"name": "system_reader_api", "check_str": "role:reader and system_scope:all", "description": "Default rule for System level read only APIs.", "deprecated_rule": {"name": "rule:admin_api", "check_str": "role:admin"}},
  {"name": "project_reader_api", "check_str": "role:reader and project_id:%(project_id)s", "description": "Default rule for Project level read only APIs.", "deprecated_rule": {"name": "rule:admin_api", "check_str": "role:admin"}},
  {"name": "system_or_project_reader", "check_str": "rule:system_reader_api or rule:project_reader_api", "description": "Default rule for System+Project read only APIs.", "deprecated_rule": {"name": "rule:admin_api", "check_str": "role:admin"}},
  {"name": "placement:resource_providers:list", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "List resource providers.", "operations": [{"path": "/resource_providers", "method": "GET"}]},
  {"name": "placement:resource_providers:create", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Create resource provider.", "operations": [{"path": "/resource_providers", "method": "POST"}]},
  {"name": "placement:resource_providers:show", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "Show resource provider.", "operations": [{"path": "/resource_providers/{uuid}", "method": "GET"}]},
  {"name": "placement:resource_providers:update", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Update resource provider.", "operations": [{"path": "/resource_providers/{uuid}", "method": "PUT"}]},
  {"name": "placement:resource_providers:delete", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Delete resource provider.", "operations": [{"path": "/resource_providers/{uuid}", "method": "DELETE"}]},
  {"name": "placement:resource_classes:list", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "List resource classes.", "operations": [{"path": "/resource_classes", "method": "GET"}]},
  {"name": "placement:resource_classes:create", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Create resource class.", "operations": [{"path": "/resource_classes", "method": "POST"}]},
  {"name": "placement:resource_classes:show", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "Show resource class.", "operations": [{"path": "/resource_classes/{name}", "method": "GET"}]},
  {"name": "placement:resource_classes:update", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Update resource class.", "operations": [{"path": "/resource_classes/{name}", "method": "PUT"}]},
  {"name": "placement:resource_classes:delete", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Delete resource class.", "operations": [{"path": "/resource_classes/{name}", "method": "DELETE"}]},
  {"name": "placement:resource_providers:inventories:list", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "List resource provider inventories.", "operations": [{"path": "/resource_providers/{uuid}/inventories", "method": "GET"}]},
  {"name": "placement:resource_providers:inventories:create", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Create one resource provider inventory.", "operations": [{"path": "/resource_providers/{uuid}/inventories", "method": "POST"}]},
  {"name": "placement:resource_providers:inventories:show", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "Show resource provider inventory.", "operations": [{"path": "/resource_providers/{uuid}/inventories/{resource_class}", "method": "GET"}]},
  {"name": "placement:resource_providers:inventories:update", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Update resource provider inventory.", "operations": [{"path": "/resource_providers/{uuid}/inventories", "method": "PUT"}, {"path": "/resource_providers/{uuid}/inventories/{resource_class}", "method": "PUT"}]},
  {"name": "placement:resource_providers:inventories:delete", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Delete resource provider inventory.", "operations": [{"path": "/resource_providers/{uuid}/inventories", "method": "DELETE"}, {"path": "/resource_providers/{uuid}/inventories/{resource_class}", "method": "DELETE"}]},
  {"name": "placement:resource_providers:aggregates:list", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "List resource provider aggregates.", "operations": [{"path": "/resource_providers/{uuid}/aggregates", "method": "GET"}]},
  {"name": "placement:resource_providers:aggregates:update", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Update resource provider aggregates.", "operations": [{"path": "/resource_providers/{uuid}/aggregates", "method": "PUT"}]},
  {"name": "placement:resource_providers:usages", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "List resource provider usages.", "operations": [{"path": "/resource_providers/{uuid}/usages", "method": "GET"}]},
  {"name": "placement:usages", "check_str": "rule:system_or_project_reader", "scope_types": ["system", "project"], "description": "List total resource usages for a given project.", "operations": [{"path": "/usages", "method": "GET"}]},
  {"name": "placement:traits:list", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "List traits.", "operations": [{"path": "/traits", "method": "GET"}]},
  {"name": "placement:traits:show", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "Show trait.", "operations": [{"path": "/traits/{name}", "method": "GET"}]},
  {"name": "placement:traits:update", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Update trait.", "operations": [{"path": "/traits/{name}", "method": "PUT"}]},
  {"name": "placement:traits:delete", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Delete trait.", "operations": [{"path": "/traits/{name}", "method": "DELETE"}]},
  {"name": "placement:resource_providers:traits:list", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "List resource provider traits.", "operations": [{"path": "/resource_providers/{uuid}/traits", "method": "GET"}]},
  {"name": "placement:resource_providers:traits:update", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Update resource provider traits.", "operations": [{"path": "/resource_providers/{uuid}/traits", "method": "PUT"}]},
  {"name": "placement:resource_providers:traits:delete", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Delete resource provider traits.", "operations": [{"path": "/resource_providers/{uuid}/traits", "method": "DELETE"}]},
  {"name": "placement:allocations:manage", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Manage allocations.", "operations": [{"path": "/allocations", "method": "POST"}]},
  {"name": "placement:allocations:list", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "List allocations.", "operations": [{"path": "/allocations/{consumer_uuid}", "method": "GET"}]},
  {"name": "placement:allocations:update", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Update allocations.", "operations": [{"path": "/allocations/{consumer_uuid}", "method": "PUT"}]},
  {"name": "placement:allocations:delete", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Delete allocations.", "operations": [{"path": "/allocations/{consumer_uuid}", "method": "DELETE"}]},
  {"name": "placement:resource_providers:allocations:list", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "List resource provider allocations.", "operations": [{"path": "/resource_providers/{uuid}/allocations", "method": "GET"}]},
  {"name": "placement:allocation_candidates:list", "check_str": "rule:system_reader_api", "scope_types": ["system"], "description": "List allocation candidates.", "operations": [{"path": "/allocation_candidates", "method": "GET"}]},
  {"name": "placement:reshaper:reshape", "check_str": "rule:system_admin_api", "scope_types": ["system"], "description": "Reshape Inventory and Allocations.", "operations": [{"path": "/reshaper", "method": "POST"}]},
];
