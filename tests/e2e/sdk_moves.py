"""Moving servers (issue 15) through openstacksdk (python3-openstacksdk 0.101) against `stacksim serve`.

resize_server / confirm_server_resize (VERIFY_RESIZE, then ACTIVE on the new flavor),
resize_server / revert_server_resize (the old flavor, the same host), migrate_server (admin; a
cold migration to another host, confirmed), live_migrate_server (admin, to a named host and
scheduled; ACTIVE on the new host), migrations() (admin, os-migrations: the types and statuses
of every move so far), server_migrations() (nothing in progress), shelve_server /
unshelve_server (SHELVED_OFFLOADED, then ACTIVE), evacuate after update_service_forced_down
(evacuate_server itself sends no microversion, so nova's 2.1 schema refuses its body; the
evacuation is posted at 2.1 with onSharedStorage; forcing the host up again is nova's 400 while
the `done` evacuation remains, so a harness snapshot taken before is restored after, whatever
happened). Run by tests/e2e/run.sh (STACKSIM_URL set, the harness on). Run by tests/e2e/run.sh with /usr/bin/python3 (OS_CLIENT_CONFIG_FILE set); every name
is unique to this run. Each section runs on its own, so one refused section does not hide the others.
"""
import os
import sys

from openstack import exceptions

sys.dont_write_bytecode = True  # no __pycache__ left in tests/e2e/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sdk_support import SUFFIX, check, connect, harness, report, section  # noqa: E402

conn, admin = connect(), connect("stacksim-admin")
state = {}


def wait_server(server, status):
    return admin.compute.wait_for_server(server, status=status, failures=["ERROR"], interval=0.2, wait=30)


def host_of(server_id):
    return admin.compute.get_server(server_id).compute_host


def flavor_name(server):
    flavor = server.flavor
    return flavor.original_name if hasattr(flavor, "original_name") else flavor["original_name"]


def compute_hosts():
    return [s.host for s in admin.compute.services() if s.binary == "nova-compute"]


@section("create a server")
def _():
    image = conn.image.find_image("cirros-0.5.2-x86_64-disk")
    net = conn.network.find_network("private")
    server = conn.compute.create_server(name=f"vm-sdk-moves-{SUFFIX}", image_id=image.id, flavor_id="1", networks=[{"uuid": net.id}])
    server = wait_server(server, "ACTIVE")
    state["server"] = server.id


@section("resize_server / confirm_server_resize")
def _():
    server = conn.compute.get_server(state["server"])
    conn.compute.resize_server(server, "2")
    server = wait_server(server, "VERIFY_RESIZE")
    check(flavor_name(server) == "m1.small", f"resize_server: flavor {flavor_name(server)}")
    conn.compute.confirm_server_resize(server)
    server = wait_server(server, "ACTIVE")
    check(flavor_name(server) == "m1.small", f"confirm_server_resize: flavor {flavor_name(server)}")
    try:
        conn.compute.confirm_server_resize(server)
        check(False, "a confirmed resize was confirmed again")
    except exceptions.ConflictException as error:
        check("Cannot 'confirmResize' instance" in str(error), f"confirm twice: {error}")


@section("resize_server / revert_server_resize")
def _():
    server = conn.compute.get_server(state["server"])
    before = host_of(server.id)
    conn.compute.resize_server(server, "3")
    server = wait_server(server, "VERIFY_RESIZE")
    check(flavor_name(server) == "m1.medium", f"resize_server: flavor {flavor_name(server)}")
    conn.compute.revert_server_resize(server)
    server = wait_server(server, "ACTIVE")
    check(flavor_name(server) == "m1.small", f"revert_server_resize: flavor {flavor_name(server)}")
    check(host_of(server.id) == before, f"revert_server_resize: back on {before}")


@section("migrate_server (admin) and confirm")
def _():
    before = host_of(state["server"])
    try:
        conn.compute.migrate_server(state["server"])
        check(False, "demo migrated a server")
    except exceptions.HttpException as error:
        check(error.status_code == 403, f"demo migrate_server: {error}")
    admin.compute.migrate_server(state["server"])
    server = wait_server(admin.compute.get_server(state["server"]), "VERIFY_RESIZE")
    check(server.compute_host != before, f"migrate_server: still on {before}")
    admin.compute.confirm_server_resize(server)
    wait_server(server, "ACTIVE")


@section("live_migrate_server (admin): to a host, then scheduled")
def _():
    before = host_of(state["server"])
    target = next(h for h in compute_hosts() if h != before)
    admin.compute.live_migrate_server(state["server"], host=target, block_migration="auto")
    server = wait_server(admin.compute.get_server(state["server"]), "ACTIVE")
    check(server.compute_host == target, f"live_migrate_server to {target}: on {server.compute_host}")
    admin.compute.live_migrate_server(state["server"], block_migration="auto")
    server = wait_server(admin.compute.get_server(state["server"]), "ACTIVE")
    check(server.compute_host != target, f"scheduled live_migrate_server: still on {target}")


@section("migrations() and server_migrations() (admin)")
def _():
    mine = [m for m in admin.compute.migrations() if m.server_id == state["server"]]
    kinds = sorted((m.migration_type, m.status) for m in mine)
    print(kinds)
    for kind in [("live-migration", "completed"), ("migration", "confirmed"), ("resize", "confirmed"), ("resize", "reverted")]:
        check(kind in kinds, f"migrations(): {kind} in {kinds}")
    check(all(m.uuid for m in mine), "migrations(): uuids (2.59)")
    # openstacksdk 0.101's server_migrations() refuses its own server_id ("Invalid query params"): the raw call
    listed = admin.compute.get(f"/servers/{state['server']}/migrations", microversion="2.23")
    check(listed.status_code == 200 and listed.json() == {"migrations": []}, f"server migrations: nothing in progress: {listed.status_code} {listed.text}")


@section("shelve_server / unshelve_server")
def _():
    server = conn.compute.get_server(state["server"])
    conn.compute.shelve_server(server)
    server = wait_server(server, "SHELVED_OFFLOADED")
    check(not host_of(server.id), "an offloaded server has no host")
    conn.compute.unshelve_server(server)
    server = wait_server(server, "ACTIVE")
    check(bool(host_of(server.id)), "an unshelved server is on a host")


@section("evacuate_server after update_service_forced_down")
def _():
    source = host_of(state["server"])
    service = next(s for s in admin.compute.services() if s.binary == "nova-compute" and s.host == source)
    # openstacksdk 0.101 sends evacuate without a microversion: 2.1, where nova requires onSharedStorage
    try:
        admin.compute.evacuate_server(state["server"])
        check(False, "evacuate at 2.1 without onSharedStorage")
    except exceptions.BadRequestException as error:
        check("'onSharedStorage' is a required property" in str(error), f"evacuate at 2.1: {error}")
    path = f"/servers/{state['server']}/action"
    refused = admin.compute.post(path, json={"evacuate": {}}, microversion="2.68", raise_exc=False)
    check(refused.status_code == 400 and "is still in use" in refused.text, f"evacuate with the source up: {refused.status_code} {refused.text}")
    # nova Zed refuses to force the host up again while the `done` evacuation waits for its
    # nova-compute to restart (no API does): a harness snapshot from before is restored after
    snapshot = harness("/stacksim/snapshot")["snapshot"]
    try:
        admin.compute.update_service_forced_down(service, source, "nova-compute", True)
        down = next(s for s in admin.compute.services() if s.binary == "nova-compute" and s.host == source)
        check(down.state == "down" and down.is_forced_down, f"forced down: {down.state} {down.is_forced_down}")
        answer = admin.compute.post(path, json={"evacuate": {"onSharedStorage": False}}, raise_exc=False)
        check(answer.status_code == 200 and answer.json().get("adminPass"), f"evacuate at 2.1: 200 with adminPass: {answer.status_code} {answer.text}")
        server = wait_server(admin.compute.get_server(state["server"]), "ACTIVE")
        check(server.compute_host not in (None, source), f"evacuate: on {server.compute_host} (was {source})")
        kinds = [(m.migration_type, m.source_compute) for m in admin.compute.migrations() if m.server_id == state["server"]]
        check(("evacuation", source) in kinds, f"migrations(): the evacuation from {source}: {kinds}")
        try:
            admin.compute.update_service_forced_down(service, source, "nova-compute", False)
            check(False, "forced up with a done evacuation")
        except exceptions.BadRequestException as error:
            check("evacuation migration records remain" in str(error), f"forced up: {error}")
    finally:
        harness("/stacksim/restore", {"snapshot": snapshot})
    up = next(s for s in admin.compute.services() if s.binary == "nova-compute" and s.host == source)
    check(up.state == "up", f"the snapshot restored: {source} {up.state}")


@section("delete the server")
def _():
    if "server" in state:
        server = conn.compute.get_server(state["server"])
        conn.compute.delete_server(server)
        conn.compute.wait_for_delete(server, interval=0.2, wait=30)


report("sdk_moves")
