"""Neutron v2.0 through openstacksdk (python3-openstacksdk 0.101) against `stacksim serve`.

Extensions (find_extension), networks (create, get, update, filtered and paged listing across
the `networks_links` next links), subnets from a range and from the shared pool, ports (create,
bulk create_ports and its all-or-nothing refusal, fixed_ips filter, binding by an admin),
routers (gateway, add / remove interface, routers_hosting_l3_agents), floating IPs (create,
associate, disassociate), security groups and rules (bulk rules, a duplicate's
ConflictException), RBAC sharing, agents and network_hosting_dhcp_agents, quotas (get,
details, update, delete), a 404 fault parsed by the sdk, and deletes. Run by tests/e2e/run.sh
with /usr/bin/python3 (OS_CLIENT_CONFIG_FILE set); every name is unique to this run.
"""
import os
import sys

from openstack import exceptions

sys.dont_write_bytecode = True  # no __pycache__ left in tests/e2e/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sdk_support import SUFFIX, check, connect, report  # noqa: E402

conn, admin = connect(), connect("stacksim-admin")
project_id = conn.current_project_id

# --- extensions: what the cloud answers, and only that
check(conn.network.find_extension("router") is not None, "find_extension(router)")
check(conn.network.find_extension("external-net") is not None, "find_extension(external-net)")
check(conn.network.find_extension("qos") is None, "find_extension(qos) should be None")
aliases = {e.alias for e in conn.network.extensions()}
check({"security-group", "binding", "provider", "rbac-policies", "quotas"} <= aliases, f"extensions: {sorted(aliases)}")

# --- networks
public = conn.network.find_network("public")
# Zed's secure defaults show router:external of another project's network to its readers and admins
check(public is not None and admin.network.get_network(public.id).is_router_external, "public is external")
net = conn.network.create_network(name=f"net-sdk-{SUFFIX}", description="sdk")
check(net.status == "ACTIVE" and net.mtu == 1450 and net.project_id == project_id, f"create_network: {net.status} {net.mtu}")
got = conn.network.get_network(net.id)
check(got.name == net.name and got.description == "sdk", "get_network")
conn.network.update_network(net, name=f"net-sdk-{SUFFIX}-b")
check(conn.network.get_network(net.id).name == f"net-sdk-{SUFFIX}-b", "update_network: name")
listed = [n.id for n in conn.network.networks(name=f"net-sdk-{SUFFIX}-b")]
check(listed == [net.id], f"networks(name=): {listed}")
paged = [n.id for n in conn.network.networks(limit=1)]
everything = [n.id for n in conn.network.networks()]
check(sorted(paged) == sorted(everything) and net.id in paged, f"paging with limit=1: {len(paged)} vs {len(everything)}")
check(len(paged) == len(set(paged)), "paging: a network listed twice")

# --- subnets: from a range, from the shared pool
sub = conn.network.create_subnet(network_id=net.id, cidr="10.92.0.0/24", ip_version=4, name=f"sub-sdk-{SUFFIX}")
check(sub.gateway_ip == "10.92.0.1", f"create_subnet: gateway {sub.gateway_ip}")
check(sub.allocation_pools == [{"start": "10.92.0.2", "end": "10.92.0.254"}], f"create_subnet: pools {sub.allocation_pools}")
pool = conn.network.find_subnet_pool("shared-default-subnetpool-v4")
# subnets of one network come from one pool (or none): the pooled subnet gets a network of its own
poolnet = conn.network.create_network(name=f"poolnet-sdk-{SUFFIX}")
pooled = conn.network.create_subnet(network_id=poolnet.id, subnet_pool_id=pool.id, ip_version=4, prefixlen=28, name=f"pooled-sdk-{SUFFIX}")
check(pooled.subnet_pool_id == pool.id and pooled.cidr.endswith("/28") and pooled.cidr.startswith("10.0."), f"create_subnet from the pool: {pooled.cidr}")
conn.network.update_subnet(sub, dns_nameservers=["1.1.1.1"])
check(conn.network.get_subnet(sub.id).dns_nameservers == ["1.1.1.1"], "update_subnet: dns_nameservers")

# --- ports: one, then two in bulk; a bulk with a bad item creates nothing
port = conn.network.create_port(network_id=net.id, name=f"port-sdk-{SUFFIX}", fixed_ips=[{"subnet_id": sub.id}])
check(port.status == "DOWN" and port.mac_address.startswith("fa:16:3e:"), f"create_port: {port.status} {port.mac_address}")
ip = port.fixed_ips[0]["ip_address"]
check(ip.startswith("10.92.0."), f"create_port: address {ip}")
found = [p.id for p in conn.network.ports(fixed_ips=[f"ip_address={ip}"])]
check(found == [port.id], f"ports(fixed_ips=ip_address=): {found}")
bulk = list(conn.network.create_ports([{"network_id": net.id, "name": f"bulk-a-{SUFFIX}"}, {"network_id": net.id, "name": f"bulk-b-{SUFFIX}"}]))
check(sorted(p.name for p in bulk) == [f"bulk-a-{SUFFIX}", f"bulk-b-{SUFFIX}"], f"create_ports: {[p.name for p in bulk]}")
before = sorted(p.id for p in conn.network.ports(network_id=net.id))
try:
    list(conn.network.create_ports([{"network_id": net.id, "name": f"bulk-c-{SUFFIX}"}, {"network_id": net.id, "fixed_ips": [{"ip_address": ip}]}]))
    check(False, "create_ports with an address in use succeeded")
except exceptions.ConflictException:
    pass
check(sorted(p.id for p in conn.network.ports(network_id=net.id)) == before, "create_ports refused: a port was created anyway")
bound = admin.network.update_port(port.id, binding_host_id="compute1")
check(bound.binding_host_id == "compute1" and bound.status == "ACTIVE" and bound.binding_vif_type == "ovs", f"update_port binding: {bound.binding_host_id} {bound.status}")
try:
    conn.network.update_port(port.id, binding_host_id="compute2")
    check(False, "demo bound a port")
except exceptions.HttpException as e:
    check(e.status_code == 403, f"demo binding a port: {e.status_code}")

# --- routers: gateway, interface, the L3 agent hosting it
router = conn.network.create_router(name=f"router-sdk-{SUFFIX}", external_gateway_info={"network_id": public.id})
gw = router.external_gateway_info
check(gw["network_id"] == public.id and gw["enable_snat"] is True, f"create_router gateway: {gw}")
info = conn.network.add_interface_to_router(router, subnet_id=sub.id)
check(info["subnet_id"] == sub.id and info["id"] == router.id, f"add_interface_to_router: {info}")
iface = list(conn.network.ports(device_id=router.id, network_id=net.id))
check(len(iface) == 1 and iface[0].fixed_ips[0]["ip_address"] == "10.92.0.1", "router interface port has the gateway address")
agents = [a.agent_type for a in admin.network.routers_hosting_l3_agents(router)]
check(agents == ["L3 agent"], f"routers_hosting_l3_agents: {agents}")

# --- floating IPs
fip = conn.network.create_ip(floating_network_id=public.id)
check(fip.floating_ip_address.startswith("172.24.4.") and fip.port_id is None, f"create_ip: {fip.floating_ip_address}")
fip = conn.network.update_ip(fip, port_id=port.id)
check(fip.port_id == port.id and fip.fixed_ip_address == ip and fip.router_id == router.id, f"update_ip associate: {fip.port_id} {fip.router_id}")
check([f.id for f in conn.network.ips(port_id=port.id)] == [fip.id], "ips(port_id=)")
fip = conn.network.update_ip(fip, port_id=None)
check(fip.port_id is None and fip.fixed_ip_address is None, "update_ip disassociate")
conn.network.delete_ip(fip)
check(conn.network.find_ip(fip.floating_ip_address) is None, "delete_ip")

# --- security groups and rules
sg = conn.network.create_security_group(name=f"sg-sdk-{SUFFIX}", description="sdk")
check(sorted(r["direction"] for r in sg.security_group_rules) == ["egress", "egress"], "create_security_group: its two egress rules")
rules = list(conn.network.create_security_group_rules([
    {"security_group_id": sg.id, "direction": "ingress", "protocol": "tcp", "port_range_min": p, "port_range_max": p} for p in (22, 443)]))
check(sorted(r.port_range_min for r in rules) == [22, 443], "create_security_group_rules (bulk)")
try:
    conn.network.create_security_group_rule(security_group_id=sg.id, direction="ingress", protocol="tcp", port_range_min=22, port_range_max=22)
    check(False, "a duplicate rule was created")
except exceptions.ConflictException as e:
    check("already exists" in str(e), f"duplicate rule message: {e}")
listed = [r.id for r in conn.network.security_group_rules(security_group_id=sg.id)]
check(len(listed) == 4, f"security_group_rules(security_group_id=): {len(listed)}")
conn.network.delete_security_group(sg)

# --- RBAC: share the network with alt_demo
alt_id = admin.identity.find_project("alt_demo").id
policy = conn.network.create_rbac_policy(object_type="network", object_id=net.id, action="access_as_shared", target_project_id=alt_id)
check(policy.target_project_id == alt_id and policy.object_id == net.id, "create_rbac_policy")
check(policy.id in [p.id for p in conn.network.rbac_policies(object_id=net.id)], "rbac_policies(object_id=)")
conn.network.delete_rbac_policy(policy)

# --- agents (admin)
types = {a.agent_type for a in admin.network.agents()}
check(types == {"Open vSwitch agent", "DHCP agent", "L3 agent", "Metadata agent"}, f"agents: {types}")
dhcp = [a.agent_type for a in admin.network.network_hosting_dhcp_agents(net)]
check(dhcp == ["DHCP agent"], f"network_hosting_dhcp_agents: {dhcp}")

# --- quotas
q = conn.network.get_quota(project_id)
check(q.networks == 100 and q.ports == 500 and q.routers == 10, f"get_quota: {q.networks} {q.ports} {q.routers}")
d = conn.network.get_quota(project_id, details=True)
check(d.networks["limit"] == 100 and d.networks["used"] >= 2, f"get_quota(details=True): {d.networks}")
check(admin.network.update_quota(project_id, networks=90).networks == 90, "update_quota")
check(conn.network.get_quota(project_id).networks == 90, "get_quota after update")
admin.network.delete_quota(project_id)
check(conn.network.get_quota(project_id).networks == 100, "delete_quota: back to the default")

# --- faults: an unknown network is the sdk's NotFoundException with Neutron's message
try:
    conn.network.get_network("00000000-0000-4000-8000-000000000000")
    check(False, "get_network of an unknown id succeeded")
except exceptions.NotFoundException as e:
    check("could not be found" in str(e), f"404 message: {e}")

# --- deletes
conn.network.remove_interface_from_router(router, subnet_id=sub.id)
conn.network.update_router(router, external_gateway_info=None)
conn.network.delete_router(router)
for p in [port, *bulk]:
    conn.network.delete_port(p)
conn.network.delete_subnet(pooled)
conn.network.delete_network(poolnet)
conn.network.delete_network(net)
check(conn.network.find_network(net.id) is None, "delete_network")

report("sdk_network")
