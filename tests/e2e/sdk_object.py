"""openstacksdk against stacksim's Swift: create a container, upload, list, download, delete.

Run by tests/e2e/run.sh with /usr/bin/python3 (OS_CLIENT_CONFIG_FILE set, cloud `stacksim`).
Exits non-zero on the first failed check.
"""
import os
import sys

import openstack

sys.dont_write_bytecode = True  # no __pycache__ left in tests/e2e/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sdk_support import SUFFIX, check_or_exit, connect, report  # noqa: E402

check = check_or_exit  # the first failed check ends the script

CONTAINER = 'sdk-object-%s' % SUFFIX
DATA = bytes(range(256)) * 1000 + b'tail'

conn = connect(os.environ.get('OS_CLOUD', 'stacksim'))
store = conn.object_store

container = store.create_container(name=CONTAINER)
check(container.name == CONTAINER, 'create_container returns the container')
check(CONTAINER in [c.name for c in store.containers()], 'containers() lists it')

info = store.get_info()
check(info.swift.get('max_file_size') == 5368709122, 'GET /info gives max_file_size')

store.upload_object(container=CONTAINER, name='dir/blob.bin', data=DATA)
store.upload_object(container=CONTAINER, name='notes.txt', data=b'hello sdk\n')
names = sorted(o.name for o in store.objects(CONTAINER))
check(names == ['dir/blob.bin', 'notes.txt'], 'objects() lists both uploads: %r' % names)

meta = store.get_object_metadata('dir/blob.bin', container=CONTAINER)
check(int(meta.content_length) == len(DATA), 'get_object_metadata gives the length')

got = store.download_object('dir/blob.bin', container=CONTAINER)
check(got == DATA, 'download_object returns the same bytes')
check(store.download_object('notes.txt', container=CONTAINER) == b'hello sdk\n', 'download of a small object')

cont = store.get_container_metadata(CONTAINER)
check(int(cont.object_count) == 2 and int(cont.bytes_used) == len(DATA) + 10, 'container metadata counts objects and bytes')

store.delete_object('dir/blob.bin', container=CONTAINER)
store.delete_object('notes.txt', container=CONTAINER)
check(list(store.objects(CONTAINER)) == [], 'objects are gone after delete_object')
try:
    store.download_object('notes.txt', container=CONTAINER)
    check(False, 'download of a deleted object raises')
except openstack.exceptions.ResourceNotFound:
    check(True, 'download of a deleted object raises ResourceNotFound')

store.delete_container(CONTAINER)
check(CONTAINER not in [c.name for c in store.containers()], 'delete_container removes it')
report('sdk_object')
