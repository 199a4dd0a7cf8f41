"""Cinder v3 through openstacksdk (python3-openstacksdk 0.101) against `stacksim serve`.

Version discovery (the endpoint's microversion range), volumes (create_volume answering
`creating`, wait_for_status, get_volume, volumes() with and without details and filters, paging
with limit across the `volumes_links` next links, extend_volume, update, metadata, bootable,
delete_volume and wait_for_delete), another project's volume as NotFoundException, the reader's
403, Cinder's fault parsed by the sdk, snapshots (create, update, metadata; a volume with one is
not deleted), backups (create, restore, delete), types and extra specs (admin), quota sets,
limits, availability zones, pools, an admin's listing across projects and force delete. Run by
tests/e2e/run.sh with /usr/bin/python3 (OS_CLIENT_CONFIG_FILE set); every name is unique to
this run.
"""
import os
import sys

from openstack import exceptions

sys.dont_write_bytecode = True  # no __pycache__ left in tests/e2e/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sdk_support import SUFFIX, check, connect, connect_as, report  # noqa: E402

conn, admin = connect(), connect("stacksim-admin")
alt = connect_as("alt_demo", "alt_demo")
reader = connect_as("demo_reader", "demo")
project_id = conn.current_project_id

# --- discovery: the catalog's endpoint, the version document's range
endpoint = conn.block_storage.get_endpoint()
check(endpoint.endswith(f"/volume/v3/{project_id}"), f"endpoint: {endpoint}")
data = conn.block_storage.get_endpoint_data()
check(str(data.min_microversion) in ("(3, 0)", "3.0") and str(data.max_microversion) in ("(3, 70)", "3.70"), f"microversions: {data.min_microversion} {data.max_microversion}")

# --- volumes: create, wait, get, list
vol = conn.block_storage.create_volume(size=1, name=f"vol-sdk-{SUFFIX}", description="sdk", metadata={"tier": "gold"})
check(vol.status == "creating" and vol.size == 1 and vol.project_id in (None, project_id), f"create_volume: {vol.status} {vol.size}")
vol = conn.block_storage.wait_for_status(vol, status="available", failures=["error"], interval=0.2, wait=30)
check(vol.status == "available", f"wait_for_status: {vol.status}")
got = conn.block_storage.get_volume(vol.id)
check(got.name == f"vol-sdk-{SUFFIX}" and got.description == "sdk" and got.metadata == {"tier": "gold"}, f"get_volume: {got.name} {got.metadata}")
check(got.volume_type == "lvmdriver-1" and got.availability_zone == "nova" and got.is_bootable is False, f"get_volume: {got.volume_type} {got.availability_zone} {got.is_bootable}")
check(vol.id in [v.id for v in conn.block_storage.volumes()], "volumes(): the new volume")
check([v.name for v in conn.block_storage.volumes(details=False, name=f"vol-sdk-{SUFFIX}")] == [f"vol-sdk-{SUFFIX}"], "volumes(details=False, name=)")
check(conn.block_storage.find_volume(f"vol-sdk-{SUFFIX}").id == vol.id, "find_volume by name")

# --- paging: limit=1 follows volumes_links across every volume once
others = [conn.block_storage.create_volume(size=1, name=f"page-sdk-{SUFFIX}-{i}") for i in range(2)]
for v in others:
    conn.block_storage.wait_for_status(v, status="available", interval=0.2, wait=30)
paged = [v.id for v in conn.block_storage.volumes(limit=1)]
everything = [v.id for v in conn.block_storage.volumes()]
check(sorted(paged) == sorted(everything) and len(paged) == len(set(paged)) and len(paged) >= 3, f"paging with limit=1: {len(paged)} vs {len(everything)}")

# --- extend
conn.block_storage.extend_volume(vol, 3)
vol = conn.block_storage.wait_for_status(vol, status="available", interval=0.2, wait=30)
check(conn.block_storage.get_volume(vol.id).size == 3, "extend_volume: size 3")
try:
    conn.block_storage.extend_volume(vol, 2)
    check(False, "a volume was shrunk")
except exceptions.BadRequestException as e:
    check("New size for extend must be greater than current size" in str(e), f"extend smaller: {e}")

# --- update (the 0.101 proxy has no update_volume: the resource's commit is a PUT)
vol.name = f"vol-sdk-{SUFFIX}-b"
vol.commit(conn.block_storage)
check(conn.block_storage.get_volume(vol.id).name == f"vol-sdk-{SUFFIX}-b", "update_volume: name")

# --- other projects, roles and faults
try:
    alt.block_storage.get_volume(vol.id)
    check(False, "alt_demo sees demo's volume")
except exceptions.NotFoundException as e:
    check(f"Volume {vol.id} could not be found." in str(e), f"alt_demo get_volume: {e}")
check(reader.block_storage.get_volume(vol.id).id == vol.id, "demo_reader get_volume")
try:
    reader.block_storage.create_volume(size=1, name=f"reader-sdk-{SUFFIX}")
    check(False, "a reader created a volume")
except exceptions.HttpException as e:
    check(e.status_code == 403 and "volume:create" in str(e), f"reader create_volume: {e}")
try:
    conn.block_storage.get_volume("00000000-0000-4000-8000-000000000000")
    check(False, "get_volume of an unknown id succeeded")
except exceptions.NotFoundException as e:
    check("could not be found" in str(e), f"404 message: {e}")
try:
    conn.block_storage.create_volume(size=0, name=f"zero-sdk-{SUFFIX}")
    check(False, "a volume of size 0 was created")
except exceptions.BadRequestException as e:
    check(e.status_code == 400, f"size 0: {e}")

# --- metadata, bootable, readonly
conn.block_storage.set_volume_metadata(vol, env="test")
check(conn.block_storage.get_volume_metadata(vol).metadata == {"tier": "gold", "env": "test"}, "set_volume_metadata")
conn.block_storage.delete_volume_metadata(vol, keys=["env"])
check(conn.block_storage.get_volume(vol.id).metadata == {"tier": "gold"}, "delete_volume_metadata")
conn.block_storage.set_volume_bootable_status(vol, True)
check(conn.block_storage.get_volume(vol.id).is_bootable is True, "set_volume_bootable_status")
conn.block_storage.set_volume_bootable_status(vol, False)

# --- snapshots: create, wait, list, update, metadata, delete
snap = conn.block_storage.create_snapshot(volume_id=vol.id, name=f"snap-sdk-{SUFFIX}", description="sdk")
check(snap.status == "creating" and snap.volume_id == vol.id, f"create_snapshot: {snap.status}")
snap = conn.block_storage.wait_for_status(snap, status="available", failures=["error"], interval=0.2, wait=30)
check(snap.size == 3, f"snapshot size: {snap.size}")
check(snap.id in [s.id for s in conn.block_storage.snapshots(volume_id=vol.id)], "snapshots(volume_id=)")
conn.block_storage.update_snapshot(snap, description="sdk-b")
check(conn.block_storage.get_snapshot(snap.id).description == "sdk-b", "update_snapshot")
conn.block_storage.set_snapshot_metadata(snap, k="v")
check(conn.block_storage.get_snapshot_metadata(snap).metadata == {"k": "v"}, "set_snapshot_metadata")
try:
    conn.block_storage.delete_volume(vol)
    check(False, "a volume with a snapshot was deleted")
except exceptions.BadRequestException as e:
    check("snapshots" in str(e), f"delete a volume with a snapshot: {e}")
conn.block_storage.delete_snapshot(snap)
conn.block_storage.wait_for_delete(snap, interval=0.2, wait=30)

# --- backups: create, wait, restore into a new volume, delete
backup = conn.block_storage.create_backup(volume_id=vol.id, name=f"bak-sdk-{SUFFIX}")
backup = conn.block_storage.wait_for_status(backup, status="available", failures=["error"], interval=0.2, wait=30)
check(backup.volume_id == vol.id and backup.size == 3 and backup.container == "volumebackups", f"create_backup: {backup.volume_id} {backup.size} {backup.container}")
check(backup.id in [b.id for b in conn.block_storage.backups()], "backups()")
# the 0.101 proxy's restore_backup answers the backup itself: the new volume is found by name
conn.block_storage.restore_backup(backup, name=f"restored-sdk-{SUFFIX}")
restored_vol = conn.block_storage.wait_for_status(conn.block_storage.find_volume(f"restored-sdk-{SUFFIX}"), status="available", interval=0.2, wait=30)
check(restored_vol.name == f"restored-sdk-{SUFFIX}" and restored_vol.size == 3, f"restore_backup: {restored_vol.name} {restored_vol.size}")
conn.block_storage.delete_backup(backup)
conn.block_storage.wait_for_delete(backup, interval=0.2, wait=30)
conn.block_storage.delete_volume(restored_vol)

# --- types, quotas, limits, zones, pools
check("lvmdriver-1" in [t.name for t in conn.block_storage.types()], "types(): lvmdriver-1")
gold = admin.block_storage.create_type(name=f"gold-sdk-{SUFFIX}", extra_specs={"tier": "gold"})
check(admin.block_storage.get_type(gold.id).extra_specs == {"tier": "gold"}, "create_type: extra specs")
admin.block_storage.update_type_extra_specs(gold, tier="platinum")
check(admin.block_storage.get_type(gold.id).extra_specs == {"tier": "platinum"}, "update_type_extra_specs")
admin.block_storage.delete_type(gold)
check(admin.block_storage.find_type(f"gold-sdk-{SUFFIX}") is None, "delete_type")
quota = conn.block_storage.get_quota_set(project_id)
check(quota.volumes == 10 and quota.gigabytes == 1000, f"get_quota_set: {quota.volumes} {quota.gigabytes}")
usage = conn.block_storage.get_quota_set(project_id, usage=True)
check(usage.volumes == 10 and usage.usage["volumes"] >= 1 and usage.reservation["volumes"] == 0, f"get_quota_set(usage=True): {usage.usage}")
admin.block_storage.update_quota_set(quota, volumes=20)
check(conn.block_storage.get_quota_set(project_id).volumes == 20, "update_quota_set")
admin.block_storage.revert_quota_set(project_id)
check(conn.block_storage.get_quota_set(project_id).volumes == 10, "revert_quota_set")
limits = conn.block_storage.get_limits()
check(limits.absolute.max_total_volumes == 10 and limits.absolute.total_volumes_used >= 1, f"get_limits: {limits.absolute.max_total_volumes}")
check([z.name for z in conn.block_storage.availability_zones()] == ["nova"], "availability_zones()")
pools = [p.name for p in admin.block_storage.backend_pools()]
check(len(pools) == 1 and pools[0].endswith("@lvmdriver-1#lvmdriver-1"), f"backend_pools: {pools}")

# --- an admin sees every project's volumes and may force-delete
all_ids = [v.id for v in admin.block_storage.volumes(all_projects=True)]
check(vol.id in all_ids, "admin volumes(all_projects=True): demo's volume")
check(vol.id not in [v.id for v in admin.block_storage.volumes()], "admin volumes(): its own project's only")
admin.block_storage.delete_volume(others[0], force=True)
conn.block_storage.wait_for_delete(others[0], interval=0.2, wait=30)
check(conn.block_storage.find_volume(others[0].id) is None, "delete_volume(force=True)")

# --- deletes
for v in [vol, others[1]]:
    conn.block_storage.delete_volume(v)
for v in [vol, others[1]]:
    conn.block_storage.wait_for_delete(v, interval=0.2, wait=30)
check(conn.block_storage.find_volume(vol.id) is None, "delete_volume")

report("sdk_block")
