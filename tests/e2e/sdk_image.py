"""Glance v2 through openstacksdk (python3-openstacksdk 0.101) against `stacksim serve`.

create_image (PUT upload and the interoperable import: stage + glance-direct), images() with
filters and paging across the `next` links, get_image, update_image, download_image (the md5
the client checks is the server's Content-MD5), a Range download, members, a 404 fault parsed
by the sdk, delete_image. Run by tests/e2e/run.sh with /usr/bin/python3 (OS_CLIENT_CONFIG_FILE
set); every name is unique to this run.
"""
import hashlib
import os
import sys
import time

from openstack import exceptions

sys.dont_write_bytecode = True  # no __pycache__ left in tests/e2e/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sdk_support import SUFFIX, check, connect, report  # noqa: E402

conn, admin = connect(), connect("stacksim-admin")
data = bytes((i * 31 + 7) & 0xFF for i in range(200_003))
md5 = hashlib.md5(data).hexdigest()

# --- create with a direct upload (PUT /file)
name = f"image-sdk-{SUFFIX}"
img = conn.image.create_image(name=name, data=data, disk_format="qcow2", container_format="bare",
                              visibility="private", tags=["sdk"], allow_duplicates=True,
                              meta={"sdk_prop": "p1"}, wait=True, timeout=60)
print("created", img.id, img.status)
got = conn.image.get_image(img.id)
check(got.status == "active", f"get_image: status {got.status}")
check(got.checksum == md5, f"get_image: checksum {got.checksum} != {md5}")
check(got.size == len(data), f"get_image: size {got.size}")
check(got.visibility == "private", f"get_image: visibility {got.visibility}")
check(got.properties.get("sdk_prop") == "p1", f"get_image: properties {got.properties}")
check(got.hash_algo == "sha512" and got.hash_value == hashlib.sha512(data).hexdigest(), "get_image: sha512 hash")
check("sdk" in got.tags, f"get_image: tags {got.tags}")

# --- download: the sdk verifies the md5 against Content-MD5
resp = conn.image.download_image(got)
check(resp.content == data, "download_image: bytes differ")
check(resp.headers.get("Content-MD5") == md5, f"download_image: Content-MD5 {resp.headers.get('Content-MD5')}")
out = os.path.join(os.environ.get("STACKSIM_E2E_TMP", "/tmp"), f"sdk-image-{SUFFIX}.raw")
conn.image.download_image(got, output=out)
with open(out, "rb") as f:
    check(f.read() == data, "download_image(output=): bytes differ")
os.remove(out)

# a Range request through the same session (glance serves 206 with Content-Range)
r = conn.image.get(f"/images/{img.id}/file", headers={"Range": "bytes=10-19"})
check(r.status_code == 206, f"range: status {r.status_code}")
check(r.content == data[10:20], "range: bytes differ")
check(r.headers.get("Content-Range") == f"bytes 10-19/{len(data)}", f"range: Content-Range {r.headers.get('Content-Range')}")

# --- update (JSON patch) and listing with filters
conn.image.update_image(img, name=name + "-renamed", min_ram=64)
got = conn.image.get_image(img.id)
check(got.name == name + "-renamed" and got.min_ram == 64, f"update_image: {got.name} {got.min_ram}")
listed = [i.id for i in conn.image.images(name=name + "-renamed")]
check(listed == [img.id], f"images(name=): {listed}")
listed = [i.id for i in conn.image.images(tag="sdk", visibility="private")]
check(img.id in listed, f"images(tag=, visibility=): {listed}")

# --- import: stage + glance-direct (the import runs as a task on the server)
name2 = f"image-sdk-import-{SUFFIX}"
img2 = conn.image.create_image(name=name2, data=data[:1000], disk_format="raw", container_format="bare",
                               use_import=True, allow_duplicates=True)
deadline = time.time() + 30
while conn.image.get_image(img2.id).status != "active" and time.time() < deadline:
    time.sleep(0.2)
got2 = conn.image.get_image(img2.id)
check(got2.status == "active", f"import: status {got2.status}")
check(got2.checksum == hashlib.md5(data[:1000]).hexdigest(), "import: checksum")

# --- paging: limit=1 follows glance's `next` links through every image
ids = [i.id for i in conn.image.images(limit=1)]
check(img.id in ids and img2.id in ids, f"paging: {len(ids)} images, ours missing")
check(len(ids) == len(set(ids)), "paging: an image listed twice")

# --- members: share a shared image with alt_demo's project
alt_id = admin.identity.find_project("alt_demo").id
conn.image.update_image(img2, visibility="shared")
member = conn.image.add_member(img2, member_id=alt_id)
check(member.status == "pending", f"add_member: status {member.status}")
members = [m.member_id for m in conn.image.members(img2)]
check(members == [alt_id], f"members: {members}")
conn.image.remove_member(alt_id, img2)
check([m.member_id for m in conn.image.members(img2)] == [], "remove_member")

# --- faults: an unknown image is the sdk's NotFoundException, with glance's message
try:
    conn.image.get_image("00000000-0000-4000-8000-000000000000")
    check(False, "get_image of an unknown id succeeded")
except exceptions.NotFoundException as e:
    check("No image found with ID" in str(e), f"404 message: {e}")

# --- delete
conn.image.delete_image(img)
conn.image.delete_image(img2)
try:
    conn.image.get_image(img.id)
    check(False, "get_image after delete succeeded")
except exceptions.NotFoundException:
    pass
check(conn.image.find_image(name2) is None, "find_image after delete")

report("sdk_image")
