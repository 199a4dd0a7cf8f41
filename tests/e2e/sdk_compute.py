"""Nova v2.1 through openstacksdk (python3-openstacksdk 0.101) against `stacksim serve`.

Version discovery (the endpoint's microversion range 2.1-2.93), flavors (flavors(), find_flavor),
key pairs (create_keypair with a public_key, get_keypair, keypairs(), delete_keypair), servers
(create_server answering `adminPass`, wait_for_server ACTIVE with an address on private,
servers(), get_server, find_server; another project's server is NotFoundException with nova's
fault message; stop_server / start_server, reboot_server, lock_server / unlock_server), volume
attachments (create_volume_attachment, volume_attachments, delete_volume_attachment with a
Cinder volume), the server's actions (os-instance-actions), delete_server and wait_for_delete, quota
sets and limits, availability zones, server groups, and as admin hypervisors, services and
aggregates (create, add_host_to_aggregate, remove_host_from_aggregate, delete). Run by
tests/e2e/run.sh with /usr/bin/python3 (OS_CLIENT_CONFIG_FILE set); every name is unique to this
run. Each section runs on its own, so one refused section does not hide the others.
"""
import os
import sys

from openstack import exceptions

sys.dont_write_bytecode = True  # no __pycache__ left in tests/e2e/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sdk_support import SUFFIX, check, connect, connect_as, report, section  # noqa: E402

PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIpavcZAsQVbBFiSzJsDjEBWEr6Wewk5zfYhFB/DQVFD stacksim-e2e"

conn, admin = connect(), connect("stacksim-admin")
alt = connect_as("alt_demo", "alt_demo")
project_id = conn.current_project_id
state = {}


def wait_server(server, status):
    return conn.compute.wait_for_server(server, status=status, failures=["ERROR"], interval=0.2, wait=30)


@section("discovery")
def _():
    endpoint = conn.compute.get_endpoint()
    check(endpoint.endswith("/compute/v2.1"), f"endpoint: {endpoint}")
    data = conn.compute.get_endpoint_data()
    check(str(data.min_microversion) in ("(2, 1)", "2.1") and str(data.max_microversion) in ("(2, 93)", "2.93"), f"microversions: {data.min_microversion} {data.max_microversion}")


@section("flavors")
def _():
    flavors = {f.name: f for f in conn.compute.flavors()}
    check({"m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"} <= set(flavors), f"flavors(): {sorted(flavors)}")
    tiny = conn.compute.find_flavor("m1.tiny")
    check(tiny is not None and tiny.id == "1" and tiny.ram == 512 and tiny.vcpus == 1 and tiny.disk == 1, f"find_flavor: {tiny}")


@section("keypairs")
def _():
    kp = conn.compute.create_keypair(name=f"key-sdk-{SUFFIX}", public_key=PUBLIC_KEY)
    check(kp.name == f"key-sdk-{SUFFIX}" and kp.fingerprint and kp.public_key == PUBLIC_KEY, f"create_keypair: {kp}")
    check(conn.compute.get_keypair(kp.name).fingerprint == kp.fingerprint, "get_keypair")
    check(kp.name in [k.name for k in conn.compute.keypairs()], "keypairs(): the new key")
    state["keypair"] = kp.name


@section("servers: create, wait, list, show")
def _():
    image = conn.image.find_image("cirros-0.5.2-x86_64-disk")
    net = conn.network.find_network("private")
    server = conn.compute.create_server(name=f"vm-sdk-{SUFFIX}", image_id=image.id, flavor_id="1", networks=[{"uuid": net.id}], **({"key_name": state["keypair"]} if "keypair" in state else {}))
    check(server.id and server.admin_password, f"create_server: {server.id} adminPass {server.admin_password!r}")
    state["server"] = server.id
    server = wait_server(server, "ACTIVE")
    check(server.status == "ACTIVE", f"wait_for_server: {server.status}")
    addresses = server.addresses.get("private", [])
    check(any(a["addr"].startswith("10.") for a in addresses), f"an address on private: {server.addresses}")
    check(server.flavor.original_name == "m1.tiny" if hasattr(server.flavor, "original_name") else server.flavor["original_name"] == "m1.tiny", f"flavor: {server.flavor}")
    check(server.id in [s.id for s in conn.compute.servers()], "servers(): the new server")
    check(server.id in [s.id for s in conn.compute.servers(details=False)], "servers(details=False)")
    got = conn.compute.get_server(server.id)
    check(got.name == f"vm-sdk-{SUFFIX}" and got.project_id == project_id and got.vm_state == "active", f"get_server: {got.name} {got.vm_state}")
    check(conn.compute.find_server(f"vm-sdk-{SUFFIX}").id == server.id, "find_server by name")
    if "keypair" in state:
        check(got.key_name == state["keypair"], f"key_name: {got.key_name}")


@section("other projects and faults")
def _():
    try:
        alt.compute.get_server(state["server"])
        check(False, "alt_demo sees demo's server")
    except exceptions.NotFoundException as error:
        check(f"Instance {state['server']} could not be found." in str(error), f"alt get_server: {error}")
    try:
        conn.compute.get_server("00000000-0000-0000-0000-000000000000")
        check(False, "a missing server was found")
    except exceptions.NotFoundException:
        pass


@section("stop / start / reboot / lock")
def _():
    server = conn.compute.get_server(state["server"])
    conn.compute.stop_server(server)
    server = wait_server(server, "SHUTOFF")
    check(server.status == "SHUTOFF" and server.power_state == 4, f"stop_server: {server.status} {server.power_state}")
    try:
        conn.compute.stop_server(server)
        check(False, "a stopped server was stopped again")
    except exceptions.ConflictException as error:
        check("Cannot 'stop' instance" in str(error), f"stop twice: {error}")
    conn.compute.start_server(server)
    server = wait_server(server, "ACTIVE")
    check(server.power_state == 1, f"start_server: {server.power_state}")
    conn.compute.reboot_server(server, "SOFT")
    server = wait_server(server, "ACTIVE")
    conn.compute.lock_server(server, locked_reason="sdk")
    server = conn.compute.get_server(server.id)
    check(server.is_locked is True, f"lock_server: {server.is_locked}")
    conn.compute.unlock_server(server)
    check(conn.compute.get_server(server.id).is_locked is False, "unlock_server")


@section("volume attachments")
def _():
    volume = conn.block_storage.create_volume(size=1, name=f"vol-sdk-{SUFFIX}")
    volume = conn.block_storage.wait_for_status(volume, status="available", failures=["error"], interval=0.2, wait=30)
    attachment = conn.compute.create_volume_attachment(state["server"], volume_id=volume.id)
    check(attachment.volume_id == volume.id, f"create_volume_attachment: {attachment}")
    conn.block_storage.wait_for_status(volume, status="in-use", failures=["error"], interval=0.2, wait=30)
    check(volume.id in [a.volume_id for a in conn.compute.volume_attachments(state["server"])], "volume_attachments()")
    conn.compute.delete_volume_attachment(volume.id, state["server"])
    conn.block_storage.wait_for_status(volume, status="available", failures=["error"], interval=0.2, wait=30)
    conn.block_storage.delete_volume(volume)


@section("server actions")
def _():
    # openstacksdk 0.101's server_actions() refuses its own server_id query: the raw call instead
    body = conn.compute.get(f"/servers/{state['server']}/os-instance-actions", microversion="2.84").json()
    actions = [a["action"] for a in body["instanceActions"]]
    check(actions[-1] == "create" and {"stop", "start", "reboot"} <= set(actions), f"server_actions: {actions}")


@section("delete")
def _():
    server = conn.compute.get_server(state["server"])
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, interval=0.2, wait=30)
    check(state["server"] not in [s.id for s in conn.compute.servers()], "delete_server: gone from servers()")
    if "keypair" in state:
        conn.compute.delete_keypair(state["keypair"])
        check(conn.compute.find_keypair(state["keypair"]) is None, "delete_keypair")


@section("quotas and limits")
def _():
    quota = conn.compute.get_quota_set(project_id)
    check(quota.instances == 10 and quota.cores == 20, f"get_quota_set: {quota.instances} {quota.cores}")
    limits = conn.compute.get_limits()
    check(limits.absolute.instances == 10, f"get_limits: {limits.absolute}")


@section("availability zones")
def _():
    zones = [z.name for z in conn.compute.availability_zones()]
    check("nova" in zones, f"availability_zones: {zones}")


@section("server groups")
def _():
    group = conn.compute.create_server_group(name=f"sg-sdk-{SUFFIX}", policy="anti-affinity")
    check(group.name == f"sg-sdk-{SUFFIX}" and (group.policy == "anti-affinity" or group.policies == ["anti-affinity"]), f"create_server_group: {group}")
    check(group.id in [g.id for g in conn.compute.server_groups()], "server_groups()")
    conn.compute.delete_server_group(group)
    check(group.id not in [g.id for g in conn.compute.server_groups()], "delete_server_group")


@section("admin: hypervisors, services")
def _():
    hypervisors = list(admin.compute.hypervisors(details=True))
    check(len(hypervisors) >= 1 and all(h.state == "up" for h in hypervisors), f"hypervisors: {[(h.name, h.state) for h in hypervisors]}")
    services = list(admin.compute.services())
    check(any(s.binary == "nova-compute" and s.state == "up" for s in services), f"services: {[(s.binary, s.state) for s in services]}")
    state["host"] = next(s.host for s in services if s.binary == "nova-compute")
    try:
        list(conn.compute.hypervisors())
        check(False, "demo lists hypervisors")
    except exceptions.HttpException as error:
        check(error.status_code == 403 and "Policy doesn't allow" in str(error), f"demo hypervisors: {error}")


@section("admin: aggregates")
def _():
    aggregate = admin.compute.create_aggregate(name=f"agg-sdk-{SUFFIX}", availability_zone=f"az-sdk-{SUFFIX}")
    check(aggregate.name == f"agg-sdk-{SUFFIX}", f"create_aggregate: {aggregate}")
    aggregate = admin.compute.add_host_to_aggregate(aggregate, state["host"])
    check(state["host"] in aggregate.hosts, f"add_host_to_aggregate: {aggregate.hosts}")
    aggregate = admin.compute.remove_host_from_aggregate(aggregate, state["host"])
    check(state["host"] not in aggregate.hosts, f"remove_host_from_aggregate: {aggregate.hosts}")
    admin.compute.delete_aggregate(aggregate)
    check(aggregate.id not in [a.id for a in admin.compute.aggregates()], "delete_aggregate")


report("sdk_compute")
