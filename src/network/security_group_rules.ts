/**
 * Security group rules (`/v2.0/security-group-rules`), as Zed's API layer and
 * `SecurityGroupDbMixin` take them:
 * - the attribute converters of `neutron/extensions/securitygroup.py` (`convert_protocol`,
 *   `convert_validate_port_value`, `convert_ethertype_to_case_insensitive`,
 *   `convert_ip_prefix_to_cidr`, the `direction` values), run in the attribute map's order after
 *   `prepare_request_body`'s checks (`Unrecognized attribute(s)`, `Attribute 'x' not allowed in
 *   POST`, `Failed to parse request. Required attribute 'x' not specified`, the project checks of
 *   `neutron_lib/api/attributes.py`);
 * - `neutron/db/securitygroups_db.py` `_validate_security_group_rule`: the IPv6 ICMP protocol
 *   made canonical (`icmp` / `icmpv6` / `1` → `ipv6-icmp` / `58`), the whole port range 1-65535
 *   dropped (`_make_canonical_port_range`), `_validate_port_range` (TCP / UDP / SCTP / DCCP /
 *   UDP-Lite need `min <= max` and no port 0, ICMP type and code 0-255 and no code without a
 *   type, no ports for other protocols), `_validate_ip_prefix` (the prefix's version must be the
 *   ethertype's), `_validate_ethertype_and_protocol` (IPv6-only protocols refused on IPv4), one
 *   remote at most, the remote group and the group visible to the rule's project;
 * - `_check_for_duplicate_rules` / `_rule_to_key`: a rule equal to one of its group's rules
 *   (protocol by name and number, `0.0.0.0/0` / `::/0` / none alike) is
 *   `SecurityGroupRuleExists` (409);
 * - `remote_ip_prefix` kept as given once netaddr has read it (`AuthenticIPNetwork`:
 *   `10.0.0.1/24` stays so), `normalized_cidr` its network (`10.0.0.0/24`);
 * - the pecan hooks' order (`neutron/pecan_wsgi/app.py`): body validation, then the quota
 *   reservation (`security_group_rule`, charged to the rule's project), then policy, then the
 *   plugin; a rule created or deleted bumps its group's `revision_number`
 *   (`revises_on_change = ('security_group',)`).
 *
 * Not simulated: bulk creation (`security_group_rules: [...]`), address groups (every
 * `remote_address_group_id` is Neutron's 404 `AddressGroupNotFound`), `standard_attr_id` in the
 * rules a group shows, a `null` description on the rules the server creates (the default group's
 * four, each new group's two egress rules: Zed shows `null`, the row type keeps a string, so
 * they show `''`). Where Zed fails with a Python exception (a 500: a protocol its database enum
 * refuses such as `06`, `' 6 '` or `true`; a protocol or port that is a list, an object or an
 * infinite number), stacksim answers 400 naming the field, `details.neutron` the Python exception.
 */
import { NEUTRON_PUBLISHER } from './events.js';
import { deleteRow, getRow, setRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { enforce, enforceOn, enforceShow, indexed, projectScoped, rbacEntries, resolveRow, showable, type Ctx } from './context.js';
import { bodyOf, listViews } from './controller.js';
import { NeutronError, attributeInvalid } from './errors.js';
import { formatAddress, netaddrNetwork, networkOf, pyInt, pyRepr, pyStr } from './ipam/addresses.js';
import { releaseQuota, useQuota } from './quota.js';
import { revised, standardAttrs, standardView, stringArg } from './standard.js';
import type { SecurityGroupRow, SecurityGroupRuleRow } from './types.js';

type S = CloudState;

// ------------------------------------------------------------------------------------ views

/** A rule as `GET /v2.0/security-group-rules/{id}` shows it (Zed, with DevStack's extensions). */
export interface SecurityGroupRuleView {
  readonly id: string;
  readonly tenant_id: string;
  readonly project_id: string;
  readonly security_group_id: string;
  readonly ethertype: 'IPv4' | 'IPv6';
  readonly direction: 'ingress' | 'egress';
  readonly protocol: string | null;
  readonly port_range_min: number | null;
  readonly port_range_max: number | null;
  readonly remote_ip_prefix: string | null;
  readonly remote_address_group_id: string | null;
  /** `remote_ip_prefix`'s network (`security-groups-normalized-cidr`). */
  readonly normalized_cidr: string | null;
  readonly remote_group_id: string | null;
  readonly description: string;
  readonly revision_number: number;
  readonly created_at: string;
  readonly updated_at: string;
  /** Only in the rules a group shows (the tag extender fills every standard-attr dict; the rule API strips it). */
  readonly tags?: readonly string[];
}

/** Every attribute of a rule (filters and sort keys). */
export const SECURITY_GROUP_RULE_ATTRIBUTES = [
  'id', 'tenant_id', 'project_id', 'security_group_id', 'ethertype', 'direction', 'protocol', 'port_range_min', 'port_range_max',
  'remote_ip_prefix', 'remote_address_group_id', 'normalized_cidr', 'remote_group_id', 'description', 'revision_number', 'created_at', 'updated_at',
] as const;

/** `_get_normalized_cidr_from_rule`: the network of the prefix (`AuthenticIPNetwork(prefix).cidr`). */
function normalizedCidr(prefix: string | null): string | null {
  if (prefix === null) return null;
  const n = netaddrNetwork(prefix);
  return n.ok ? networkOf(n.version, n.value, n.prefixlen).cidr : null;
}

/**
 * `_make_security_group_rule_dict` with the standard attributes. `nested`: as a group shows its
 * rules (with the tag extender's `tags`, which the rule API strips).
 */
export function securityGroupRuleView(s: S, row: SecurityGroupRuleRow, nested = false): SecurityGroupRuleView {
  const std = standardView(s, row);
  return {
    id: row.id,
    tenant_id: row.project_id,
    security_group_id: row.security_group_id,
    ethertype: row.ethertype,
    direction: row.direction,
    protocol: row.protocol,
    port_range_min: row.port_range_min,
    port_range_max: row.port_range_max,
    remote_ip_prefix: row.remote_ip_prefix,
    remote_address_group_id: row.remote_address_group_id,
    normalized_cidr: normalizedCidr(row.remote_ip_prefix),
    remote_group_id: row.remote_group_id,
    description: row.description,
    revision_number: row.revision_number,
    created_at: std.created_at as string,
    updated_at: std.updated_at as string,
    ...(nested ? { tags: [] as string[] } : {}),
    project_id: row.project_id,
  };
}

/** A rule's policy target: its attributes and its group's owner as `security_group:tenant_id` (what `sg_owner` reads). */
export function securityGroupRuleTarget(s: S, row: SecurityGroupRuleRow): Record<string, unknown> {
  const group = getRow(s.network.security_groups, row.security_group_id);
  return { ...securityGroupRuleView(s, row), ...(group === undefined ? {} : { 'security_group:tenant_id': group.project_id }) };
}

/** The rules of a group, in the `group_rules` index's order. */
export function rulesOfGroup(s: S, groupId: string): SecurityGroupRuleRow[] {
  const out: SecurityGroupRuleRow[] = [];
  for (const id of indexed(s.network.group_rules, groupId)) {
    const r = getRow(s.network.security_group_rules, id);
    if (r !== undefined) out.push(r);
  }
  return out;
}

// ------------------------------------------------------------------------------ visibility

/**
 * The model query's filter on security groups (`query_with_hooks` with the RBAC join): every
 * group for an admin or advsvc context (`scoped` false), else the project's own groups and those
 * RBAC shares with it (`access_as_shared` to the project or `*`).
 */
export function securityGroupVisibleTo(s: S, row: SecurityGroupRow, projectId: string | null, scoped: boolean): boolean {
  if (!scoped) return true;
  if (projectId !== null && row.project_id === projectId) return true;
  return rbacEntries(s, 'security_group', row.id).some((r) => r.action === 'access_as_shared' && (r.target_tenant === '*' || (projectId !== null && r.target_tenant === projectId)));
}

/** Whether the caller's database queries return this group (its own, shared with it, or any for an admin). */
export function securityGroupVisible(ctx: Ctx, row: SecurityGroupRow): boolean {
  return securityGroupVisibleTo(ctx.s, row, ctx.projectId, projectScoped(ctx));
}

/**
 * Whether a port of `projectId` may use the group (`_get_security_groups_on_port`: the group is
 * the project's or `SecurityGroup.is_shared_with_project`); an admin caller may use any.
 */
export function securityGroupUsableBy(s: S, row: SecurityGroupRow, projectId: string): boolean {
  return row.project_id === projectId || rbacEntries(s, 'security_group', row.id).some((r) => r.action === 'access_as_shared' && (r.target_tenant === '*' || r.target_tenant === projectId));
}

// --------------------------------------------------------------------- request-body checks

/** 400 `HTTPBadRequest` of the API layer, with Neutron's text. */
function badRequest(code: string, message: string, field: string): NeutronError {
  return new NeutronError(400, code, 'HTTPBadRequest', message, { field });
}

/** A value Neutron fails on with a Python exception (a 500 there): 400 here, naming the field. */
function pythonFailure(field: string, value: unknown, python: string, why: string): NeutronError {
  return new NeutronError(400, 'network.security_group_rule.unsupported_value', python, `Invalid input for ${field}. Reason: ${why} (Neutron Zed fails on ${pyRepr(value).slice(0, 255)} with ${python}, a 500).`, { field });
}


/**
 * `populate_project_id` (`neutron_lib/api/attributes.py`): `project_id` and `tenant_id` must
 * agree; another project than the token's needs an admin or advsvc context; absent, the token's
 * project. Then the attribute's `type:string` check (255). Returns the project the resource is for.
 */
export function projectArg(ctx: Ctx, body: Record<string, unknown>, create: boolean): string | undefined {
  const given = body.project_id !== undefined ? body.project_id : body.tenant_id;
  if (body.project_id !== undefined && body.tenant_id !== undefined && body.project_id !== body.tenant_id) {
    throw badRequest('network.input.project_mismatch', "'project_id' and 'tenant_id' do not match", 'project_id');
  }
  if (given !== undefined && given !== ctx.projectId && !(ctx.isAdmin || ctx.isAdvsvc)) {
    throw badRequest('network.input.project_forbidden', "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges", 'project_id');
  }
  if (given !== undefined) {
    const p = stringArg(given, body.tenant_id !== undefined ? 'tenant_id' : 'project_id', 255);
    if (p.length === 0) throw attributeInvalid('project_id', "'' is not a project id stacksim can keep");
    return p;
  }
  if (!create) return undefined;
  if (ctx.projectId === null) throw badRequest('network.input.project_required', 'Running without keystone AuthN requires that tenant_id is specified', 'tenant_id');
  return ctx.projectId;
}

/** How `fill_post_defaults` treats an attribute: required, optional (has a default), or not settable on POST. */
export type PostRule = 'required' | 'optional' | 'no-post';

/** `fill_post_defaults`, in the attribute map's order: the first attribute not allowed in POST or required and missing. */
export function checkPost(body: Record<string, unknown>, attributes: readonly (readonly [string, PostRule])[]): void {
  for (const [name, rule] of attributes) {
    if (rule === 'no-post' && body[name] !== undefined) throw badRequest('network.input.not_allowed_in_post', `Attribute '${name}' not allowed in POST`, name);
    if (rule === 'required' && body[name] === undefined) throw badRequest('network.input.required', `Failed to parse request. Required attribute '${name}' not specified`, name);
  }
}

/** `prepare_request_body` on an update: `Cannot update read-only attribute x`, in the attribute map's order. */
export function checkPut(body: Record<string, unknown>, readOnly: readonly string[]): void {
  for (const name of readOnly) if (body[name] !== undefined) throw badRequest('network.input.read_only_attribute', `Cannot update read-only attribute ${name}`, name);
}

// ------------------------------------------------------------------- the attribute converters

/** `neutron_lib.constants.IP_PROTOCOL_MAP`. */
const IP_PROTOCOL_MAP: Readonly<Record<string, number>> = {
  ah: 51, dccp: 33, egp: 8, esp: 50, gre: 47, hopopt: 0, icmp: 1, igmp: 2, ip: 0, ipip: 4, 'ipv6-encap': 41, 'ipv6-frag': 44, 'ipv6-icmp': 58,
  icmpv6: 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ipv6-route': 43, ospf: 89, pgm: 113, rsvp: 46, sctp: 132, tcp: 6, udp: 17, udplite: 136, vrrp: 112,
};
/** `IP_PROTOCOL_NUM_TO_NAME_MAP`. */
const IP_PROTOCOL_NUM_TO_NAME: Readonly<Record<string, string>> = {
  '51': 'ah', '33': 'dccp', '8': 'egp', '50': 'esp', '47': 'gre', '0': 'ip', '1': 'icmp', '2': 'igmp', '4': 'ipip', '41': 'ipv6-encap', '44': 'ipv6-frag',
  '58': 'ipv6-icmp', '59': 'ipv6-nonxt', '60': 'ipv6-opts', '43': 'ipv6-route', '89': 'ospf', '113': 'pgm', '46': 'rsvp', '132': 'sctp', '6': 'tcp',
  '17': 'udp', '136': 'udplite', '112': 'vrrp',
};
const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
/** `sg_supported_protocols` as Python prints it in `SecurityGroupRuleInvalidProtocol`. */
const SUPPORTED_PROTOCOLS_TEXT = `[None, ${Object.keys(IP_PROTOCOL_MAP).map((p) => `'${p}'`).join(', ')}]`;
/** `neutron.common._constants.SG_PORT_PROTO_NUMS` (DCCP, SCTP, TCP, UDP, UDP-Lite). */
const PORT_PROTOCOL_NUMBERS: readonly number[] = [33, 132, 6, 17, 136];
/** `IPV6_ICMP_LEGACY_PROTO_LIST`. */
const IPV6_ICMP_LEGACY: readonly string[] = ['icmp', 'icmpv6'];
/** The protocols `_validate_ethertype_and_protocol` refuses with IPv4. */
const IPV6_ONLY_PROTOCOLS: readonly string[] = ['ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', '41', '44', '58', '59', '60', '43'];

/** Python's `int(value)` on a JSON value: the integer, `'value'` (ValueError / TypeError: caught by the converters), or `'overflow'` (OverflowError: a 500). */
function pythonInt(value: unknown): number | 'value' | 'overflow' {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'value';
    if (!Number.isFinite(value)) return 'overflow';
    return Math.trunc(value);
  }
  if (typeof value === 'string') {
    const n = pyInt(value);
    if (n === undefined) return 'value';
    return n > 1_000_000_000n ? 1_000_000_001 : n < -1_000_000_000n ? -1_000_000_001 : Number(n);
  }
  return 'value';
}

/** Python's `str(value)` of a JSON scalar. */
const pyText = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'boolean' ? (value ? 'True' : 'False') : pyStr(value));

function invalidProtocol(value: unknown): NeutronError {
  return new NeutronError(400, 'network.security_group_rule.invalid_protocol', 'SecurityGroupRuleInvalidProtocol', `Security group rule protocol ${pyText(value).slice(0, 1024)} not supported. Only protocol values ${SUPPORTED_PROTOCOLS_TEXT} and integer representations [0 to 255] are supported.`, { field: 'protocol' });
}

/**
 * `convert_protocol`: a protocol name (case-insensitive, returned lower-case) or a number 0-255
 * (returned as Python's `str()` of what was given: `6` → `'6'`, `'06'` stays `'06'`), or null.
 */
export function convertProtocol(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const n = pythonInt(value);
  if (n === 'overflow') throw pythonFailure('protocol', value, 'OverflowError', 'cannot convert float infinity to integer');
  if (n !== 'value') {
    if (n >= 0 && n <= 255) return pyText(value);
    throw invalidProtocol(value);
  }
  // int() raised: a name, or an AttributeError on a value without lower() (a 500)
  if (typeof value !== 'string') throw pythonFailure('protocol', value, 'AttributeError', `a ${Array.isArray(value) ? 'list' : typeof value === 'number' ? 'float' : 'dict'} is not a protocol`);
  const lowered = value.toLowerCase();
  if (own(IP_PROTOCOL_MAP, lowered)) return lowered;
  throw invalidProtocol(value);
}

/** `convert_validate_port_value`: null, or an integer 0-65535 (`SecurityGroupInvalidPortValue` otherwise). */
export function convertPort(value: unknown, field: 'port_range_min' | 'port_range_max'): number | null {
  if (value === null || value === undefined) return null;
  const n = pythonInt(value);
  if (n === 'overflow') throw pythonFailure(field, value, 'OverflowError', 'cannot convert float infinity to integer');
  if (n === 'value' || n < 0 || n > 65535) {
    throw new NeutronError(400, 'network.security_group_rule.invalid_port_value', 'SecurityGroupInvalidPortValue', `Invalid value for port ${pyText(value).slice(0, 1024)}`, { field });
  }
  return n;
}

/** `convert_ethertype_to_case_insensitive`: `IPv4` or `IPv6`. */
export function convertEthertype(value: unknown): 'IPv4' | 'IPv6' {
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (v === 'ipv4') return 'IPv4';
    if (v === 'ipv6') return 'IPv6';
  }
  throw new NeutronError(400, 'network.security_group_rule.invalid_ethertype', 'SecurityGroupRuleInvalidEtherType', `Security group rule for ethertype '${pyText(value).slice(0, 1024)}' not supported. Allowed values are ['IPv4', 'IPv6'].`, { field: 'ethertype' });
}

/** Python's truthiness of a JSON value. */
function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** `convert_ip_prefix_to_cidr`: null for a falsy value, else `str(netaddr.IPNetwork(value))` (`InvalidCIDR` 400 when netaddr refuses it). */
export function convertIpPrefix(value: unknown): string | null {
  if (!pyTruthy(value)) return null;
  const n = typeof value === 'string' ? netaddrNetwork(value) : undefined;
  if (n === undefined || !n.ok) throw new NeutronError(400, 'network.security_group_rule.invalid_cidr', 'InvalidCIDR', `Invalid CIDR ${pyText(value).slice(0, 1024)} given as IP prefix.`, { field: 'remote_ip_prefix' });
  return `${formatAddress(n.value, n.version)}/${n.prefixlen}`;
}

/** `direction`'s `type:values` validator. */
export function convertDirection(value: unknown): 'ingress' | 'egress' {
  if (value === 'ingress' || value === 'egress') return value;
  throw new NeutronError(400, 'network.security_group_rule.invalid_direction', 'HTTPBadRequest', `Invalid input for direction. Reason: ${pyText(value).slice(0, 1024)} is not in valid_values.`, { field: 'direction' });
}

/** A remote id: null when falsy (as Neutron skips it), else a string (a non-string id is a 500 in Zed's database layer). */
function remoteIdArg(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > 255) throw pythonFailure(field, value, 'DBError', 'expected an id');
  return value;
}

// ------------------------------------------------------------------- the plugin's validation

/** A rule's attributes once converted (the API layer) and validated (the plugin). */
export interface RuleSpec {
  readonly direction: 'ingress' | 'egress';
  readonly ethertype: 'IPv4' | 'IPv6';
  readonly protocol: string | null;
  readonly port_range_min: number | null;
  readonly port_range_max: number | null;
  readonly remote_ip_prefix: string | null;
  readonly remote_group_id: string | null;
  readonly remote_address_group_id: string | null;
}

/** The attributes of a rule body the API layer converts, in the attribute map's order. */
export function convertRuleAttributes(body: Record<string, unknown>): RuleSpec {
  const remoteGroup = remoteIdArg(body.remote_group_id, 'remote_group_id');
  const direction = convertDirection(body.direction);
  const protocol = convertProtocol(body.protocol);
  const min = convertPort(body.port_range_min, 'port_range_min');
  const max = convertPort(body.port_range_max, 'port_range_max');
  const ethertype = body.ethertype === undefined ? 'IPv4' : convertEthertype(body.ethertype);
  const prefix = convertIpPrefix(body.remote_ip_prefix);
  const remoteAddressGroup = remoteIdArg(body.remote_address_group_id, 'remote_address_group_id');
  return { direction, ethertype, protocol, port_range_min: min, port_range_max: max, remote_ip_prefix: prefix, remote_group_id: remoteGroup, remote_address_group_id: remoteAddressGroup };
}

function ruleError(code: string, neutron: string, message: string, field: string): NeutronError {
  return new NeutronError(400, `network.security_group_rule.${code}`, neutron, message, { field });
}

/** `_get_ip_proto_number`: the protocol's number (a name through `IP_PROTOCOL_MAP`, else `int()`). */
function protocolNumber(protocol: string): number {
  const name = protocol === 'icmpv6' ? 'ipv6-icmp' : protocol;
  if (own(IP_PROTOCOL_MAP, name)) return IP_PROTOCOL_MAP[name]!;
  const n = pyInt(name);
  if (n === undefined) throw pythonFailure('protocol', protocol, 'ValueError', `invalid literal for int() with base 10: '${protocol}'`);
  return Number(n);
}

/**
 * `_validate_security_group_rule` without its database lookups: the canonical IPv6 ICMP
 * protocol and port range, then `_validate_port_range`, `_validate_ip_prefix`,
 * `_validate_ethertype_and_protocol` and the one-remote check, in Zed's order.
 */
export function validateRuleSpec(input: RuleSpec): RuleSpec {
  let { protocol, port_range_min: min, port_range_max: max } = input;
  const { ethertype, remote_ip_prefix: prefix } = input;
  // _make_canonical_ipv6_icmp_protocol
  if (ethertype === 'IPv6') {
    if (protocol !== null && IPV6_ICMP_LEGACY.includes(protocol)) protocol = 'ipv6-icmp';
    else if (protocol === '1') protocol = '58';
  }
  // _make_canonical_port_range
  if (min === 1 && max === 65535) min = max = null;
  // _validate_port_range
  if (min !== null || max !== null) {
    if (protocol === null) throw ruleError('protocol_required', 'SecurityGroupProtocolRequiredWithPorts', 'Must also specify protocol if port range is given.', 'protocol');
    const number = protocolNumber(protocol);
    if (PORT_PROTOCOL_NUMBERS.includes(number)) {
      if (min === 0 || max === 0) throw ruleError('invalid_port_value', 'SecurityGroupInvalidPortValue', 'Invalid value for port 0', min === 0 ? 'port_range_min' : 'port_range_max');
      if (!(min !== null && max !== null && min <= max)) throw ruleError('invalid_port_range', 'SecurityGroupInvalidPortRange', 'For TCP/UDP protocols, port_range_min must be <= port_range_max', 'port_range_min');
    } else if (number === 1 || number === 58) {
      for (const [value, attr, field] of [[min, 'port_range_min', 'type'], [max, 'port_range_max', 'code']] as const) {
        if (value !== null && !(value >= 0 && value <= 255)) throw ruleError('invalid_icmp_value', 'SecurityGroupInvalidIcmpValue', `Invalid value for ICMP ${field} (${attr}) ${value}. It must be 0 to 255.`, attr);
      }
      if (min === null && max !== null) throw ruleError('missing_icmp_type', 'SecurityGroupMissingIcmpType', `ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`, 'port_range_min');
    } else {
      throw ruleError('invalid_protocol_for_port', 'SecurityGroupInvalidProtocolForPort', `Ports cannot be specified for protocol ${number}. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE.`, min !== null ? 'port_range_min' : 'port_range_max');
    }
  }
  // _validate_ip_prefix
  if (prefix !== null) {
    const n = netaddrNetwork(prefix);
    if (n.ok && ethertype !== `IPv${n.version}`) throw ruleError('ethertype_conflict', 'SecurityGroupRuleParameterConflict', `Conflicting value ethertype ${ethertype} for CIDR ${prefix}`, 'remote_ip_prefix');
  }
  // _validate_ethertype_and_protocol
  if (protocol !== null && ethertype === 'IPv4' && IPV6_ONLY_PROTOCOLS.includes(protocol)) {
    throw ruleError('ethertype_protocol_conflict', 'SecurityGroupEthertypeConflictWithProtocol', `Invalid ethertype ${ethertype} for protocol ${protocol}.`, 'ethertype');
  }
  // one remote at most
  let remote = false;
  for (const [field, value] of [['remote_ip_prefix', prefix], ['remote_group_id', input.remote_group_id], ['remote_address_group_id', input.remote_address_group_id]] as const) {
    if (remote && value !== null) throw ruleError('multiple_remotes', 'SecurityGroupMultipleRemoteEntites', 'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.', field);
    remote ||= value !== null;
  }
  return { ...input, protocol, port_range_min: min, port_range_max: max };
}

/** The protocol values Zed's database enum takes (`IpProtocolEnum`: the names and '0'..'255' exactly). */
function storableProtocol(protocol: string | null): boolean {
  return protocol === null || own(IP_PROTOCOL_MAP, protocol) || /^(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$/.test(protocol);
}

/** `_get_ip_proto_name_and_num`: a protocol's name and number (`tcp` and `6` alike), the legacy IPv6 ICMP names folded. */
function protocolNameAndNumber(protocol: string | null, ethertype: string): string {
  if (protocol === null) return '+';
  let p = protocol;
  if (ethertype === 'IPv6') {
    if (IPV6_ICMP_LEGACY.includes(p)) p = 'ipv6-icmp';
    else if (p === '1') p = '58';
  }
  if (own(IP_PROTOCOL_MAP, p)) return `${p}/${IP_PROTOCOL_MAP[p]}`;
  if (own(IP_PROTOCOL_NUM_TO_NAME, p)) return `${IP_PROTOCOL_NUM_TO_NAME[p]}/${p}`;
  return `${p}/${p}`;
}

/** `_rule_to_key`: what makes two rules of a group the same rule. */
export function ruleKey(securityGroupId: string, r: RuleSpec): string {
  const prefix = r.remote_ip_prefix === null || r.remote_ip_prefix === '0.0.0.0/0' || r.remote_ip_prefix === '::/0' ? '+' : r.remote_ip_prefix;
  const opt = (v: string | number | null): string => (v === null ? '+' : String(v));
  return JSON.stringify([r.direction, r.ethertype, opt(r.port_range_max), opt(r.port_range_min), protocolNameAndNumber(r.protocol, r.ethertype), opt(r.remote_group_id), opt(r.remote_address_group_id), prefix, securityGroupId]);
}

// --------------------------------------------------------------------------- rows (commands)

/** Bumps a group's `revision_number` (a rule of it created or deleted: `revises_on_change`). */
export function bumpSecurityGroup(tx: Tx, groupId: string): void {
  const group = getRow(tx.draft.network.security_groups, groupId);
  if (group !== undefined) setRow(tx.draft.network.security_groups, groupId, revised(tx, group, {}));
}

/** Adds a rule row and its `group_rules` index entry (quota is the caller's). */
export function insertRuleRow(tx: Tx, projectId: string, groupId: string, spec: RuleSpec, description: string): SecurityGroupRuleRow {
  const id = tx.ids.uuid();
  const row: SecurityGroupRuleRow = {
    ...standardAttrs(tx, id, projectId, description),
    security_group_id: groupId,
    direction: spec.direction,
    ethertype: spec.ethertype,
    protocol: spec.protocol,
    port_range_min: spec.port_range_min,
    port_range_max: spec.port_range_max,
    remote_ip_prefix: spec.remote_ip_prefix,
    remote_group_id: spec.remote_group_id,
    remote_address_group_id: spec.remote_address_group_id,
  };
  setRow(tx.draft.network.security_group_rules, id, row);
  setRow(tx.draft.network.group_rules, `${groupId}/${id}`, id);
  return row;
}

/** Removes a rule row, its index entry, and gives its project back one `security_group_rule`. */
export function removeRuleRow(tx: Tx, row: SecurityGroupRuleRow): void {
  deleteRow(tx.draft.network.security_group_rules, row.id);
  deleteRow(tx.draft.network.group_rules, `${row.security_group_id}/${row.id}`);
  releaseQuota(tx, row.project_id, { security_group_rule: 1 });
}

/** The rules the server creates in a new group (`create_security_group`): per ethertype, ingress from the group itself (the default group only), then egress to anywhere. */
export function serverRules(groupId: string, isDefault: boolean): RuleSpec[] {
  const out: RuleSpec[] = [];
  const any = { protocol: null, port_range_min: null, port_range_max: null, remote_ip_prefix: null, remote_address_group_id: null } as const;
  for (const ethertype of ['IPv4', 'IPv6'] as const) {
    if (isDefault) out.push({ ...any, direction: 'ingress', ethertype, remote_group_id: groupId });
    out.push({ ...any, direction: 'egress', ethertype, remote_group_id: null });
  }
  return out;
}

// ------------------------------------------------------------------------------- the API

/** `fill_post_defaults`' view of a rule body: the attribute map's order (the extension's, then description, remote address group, normalized CIDR, standard attributes). */
const RULE_POST: readonly (readonly [string, PostRule])[] = [
  ['id', 'no-post'], ['security_group_id', 'required'], ['remote_group_id', 'optional'], ['direction', 'required'], ['protocol', 'optional'],
  ['port_range_min', 'optional'], ['port_range_max', 'optional'], ['ethertype', 'optional'], ['remote_ip_prefix', 'optional'], ['tenant_id', 'optional'],
  ['description', 'optional'], ['remote_address_group_id', 'optional'], ['normalized_cidr', 'no-post'], ['revision_number', 'no-post'],
  ['created_at', 'no-post'], ['updated_at', 'no-post'], ['project_id', 'optional'],
];
const RULE_BODY_ATTRIBUTES = RULE_POST.map(([n]) => n);

/** The rule a reference names (any rule: Zed reads rules with an admin context and leaves the rest to policy). */
function getRule(ctx: Ctx, ref: unknown): SecurityGroupRuleRow {
  return resolveRow<SecurityGroupRuleRow>(ctx, 'security_group_rule', ctx.s.network.security_group_rules, () => true, ref);
}

/** 404 `SecurityGroupNotFound` for an id the rule's project may not see (`_check_security_group`). */
function sgNotFound(id: string, field: string): NeutronError {
  return new NeutronError(404, 'network.security_group.not_found', 'SecurityGroupNotFound', `Security group ${id} does not exist`, { id, field });
}

/**
 * `POST /v2.0/security-group-rules`. Checks in Zed's order: the body (unknown, not-POSTable and
 * missing attributes, the project, each converter), the `security_group_rule` quota of the
 * rule's project (409 `OverQuota`), `create_security_group_rule` (403), the rule's own
 * validation, the remote group (404), the remote address group (404: not simulated), the group
 * (404, as the rule's project sees groups), duplicates (409 `SecurityGroupRuleExists`).
 * Sends `security_group_rule.create.end`; the group's revision goes up by one.
 */
export function createSecurityGroupRule(tx: Tx, ctx: Ctx, input: unknown): SecurityGroupRuleView {
  const s = tx.draft as CloudState;
  const c: Ctx = { ...ctx, s };
  const body = bodyOf(input, 'security_group_rule', RULE_BODY_ATTRIBUTES);
  const owner = projectArg(c, body, true)!;
  checkPost(body, RULE_POST);
  const groupId = stringArg(body.security_group_id, 'security_group_id', 36);
  const converted = convertRuleAttributes(body);
  const description = body.description === undefined ? '' : stringArg(body.description, 'description', 255);

  useQuota(tx, owner, { security_group_rule: 1 });
  const group = getRow(s.network.security_groups, groupId);
  const target: Record<string, unknown> = { ...converted, security_group_id: groupId, description, tenant_id: owner, project_id: owner, ...(group === undefined ? {} : { 'security_group:tenant_id': group.project_id }) };
  enforce(c, 'create_security_group_rule', target, Object.keys(body));

  const spec = validateRuleSpec(converted);
  const scoped = projectScoped(c);
  if (spec.remote_group_id !== null) {
    const remote = getRow(s.network.security_groups, spec.remote_group_id);
    if (remote === undefined || !securityGroupVisibleTo(s, remote, owner, scoped)) throw sgNotFound(spec.remote_group_id, 'remote_group_id');
  }
  if (spec.remote_address_group_id !== null) {
    throw new NeutronError(404, 'network.address_group.not_found', 'AddressGroupNotFound', `Address group ${spec.remote_address_group_id} could not be found.`, { id: spec.remote_address_group_id, field: 'remote_address_group_id' });
  }
  if (group === undefined || !securityGroupVisibleTo(s, group, owner, scoped)) throw sgNotFound(groupId, 'security_group_id');

  const key = ruleKey(groupId, spec);
  for (const existing of rulesOfGroup(s, groupId)) {
    if (ruleKey(groupId, existing) === key) {
      throw new NeutronError(409, 'network.security_group_rule.exists', 'SecurityGroupRuleExists', `Security group rule already exists. Rule id is ${existing.id}.`, { rule_id: existing.id });
    }
  }
  if (!storableProtocol(spec.protocol)) throw pythonFailure('protocol', spec.protocol, 'ValueError', `Field value ${spec.protocol} is invalid`);

  const row = insertRuleRow(tx, owner, groupId, spec, description);
  bumpSecurityGroup(tx, groupId);
  tx.trace('neutron-server', `create_security_group_rule ${row.id} in ${groupId} (${row.direction} ${row.ethertype} ${row.protocol ?? 'any'}${row.port_range_min === null ? '' : ` ${row.port_range_min}-${row.port_range_max ?? ''}`})`);
  const view = securityGroupRuleView(s, row);
  tx.emit('security_group_rule.create.end', () => ({ security_group_rule: view }), NEUTRON_PUBLISHER);
  return showable(c, 'security_group_rule', view, securityGroupRuleTarget(s, row));
}

/** `GET /v2.0/security-group-rules/{id}`: any rule, then `get_security_group_rule` (a refusal is a 404). */
export function showSecurityGroupRule(ctx: Ctx, ref: unknown): SecurityGroupRuleView {
  const row = getRule(ctx, ref);
  const target = securityGroupRuleTarget(ctx.s, row);
  enforceShow(ctx, 'security_group_rule', row.id, target);
  return showable(ctx, 'security_group_rule', securityGroupRuleView(ctx.s, row), target);
}

const CONTROL_KEYS = new Set(['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse']);

/** Filter values through the attribute's converter, as `get_filters_from_dict` does (`TCP` finds `tcp`). */
function convertedRuleQuery(query: unknown): unknown {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) return query;
  const q: Record<string, unknown> = { ...(query as Record<string, unknown>) };
  const each = (key: string, convert: (v: unknown) => unknown): void => {
    const v = q[key];
    if (v === undefined) return;
    q[key] = Array.isArray(v) ? v.map((x: unknown) => (x === '' ? x : convert(x))) : v === '' ? v : convert(v);
  };
  each('protocol', convertProtocol);
  each('ethertype', convertEthertype);
  each('remote_ip_prefix', convertIpPrefix);
  return q;
}

/**
 * `GET /v2.0/security-group-rules`. Without filters a non-admin's query returns the rules of its
 * project and of its groups (`get_security_group_rule_ids`), with filters every rule that
 * matches; then `get_security_group_rule` hides the rest. (The caller's default group is the
 * API's to create first: {@link defaultSecurityGroupProject} with `'security_group_rule'`.)
 */
export function listSecurityGroupRules(ctx: Ctx, query: unknown = {}): SecurityGroupRuleView[] {
  const s = ctx.s;
  const q = convertedRuleQuery(query);
  const filtered = q !== null && typeof q === 'object' && Object.keys(q).some((k) => !CONTROL_KEYS.has(k) && (q as Record<string, unknown>)[k] !== undefined);
  let rows: SecurityGroupRuleRow[] = [...tableValues(s.network.security_group_rules)];
  if (!filtered && ctx.projectId !== null && !ctx.isAdmin) {
    const p = ctx.projectId;
    rows = rows.filter((r) => r.project_id === p || getRow(s.network.security_groups, r.security_group_id)?.project_id === p);
  }
  return listViews(ctx, {
    resource: 'security_group_rule',
    rows,
    attributes: SECURITY_GROUP_RULE_ATTRIBUTES,
    notFilterable: ['created_at', 'updated_at'],
    target: (r) => securityGroupRuleTarget(s, r),
    view: (r) => securityGroupRuleView(s, r) as unknown as Record<string, unknown>,
  }, q) as unknown as SecurityGroupRuleView[];
}

/** `DELETE /v2.0/security-group-rules/{id}`: `delete_security_group_rule` (404 when the caller may not even see it, else 403). */
export function deleteSecurityGroupRule(tx: Tx, ctx: Ctx, ref: unknown): void {
  const s = tx.draft as CloudState;
  const c: Ctx = { ...ctx, s };
  const row = getRule(c, ref);
  const target = securityGroupRuleTarget(s, row);
  enforceOn(c, 'security_group_rule', 'delete_security_group_rule', row.id, target);
  const view = securityGroupRuleView(s, row);
  removeRuleRow(tx, row);
  bumpSecurityGroup(tx, row.security_group_id);
  tx.trace('neutron-server', `delete_security_group_rule ${row.id} from ${row.security_group_id}`);
  tx.emit('security_group_rule.delete.end', () => ({ security_group_rule_id: row.id, security_group_rule: view }), NEUTRON_PUBLISHER);
}
