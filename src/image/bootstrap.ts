/**
 * Glance in a new cloud: its empty slice, the store account and DevStack's cirros image.
 */
import { ResourceNotFound, emptyTable, setRow, type CloudState, type Tx } from '../core/index.js';
import { DEFAULT_DOMAIN_ID, getProject } from '../identity/index.js';
import { accountName } from '../object/index.js';
import { writeToStore, type Stored } from './data.js';
import { StoreError } from './errors.js';
import { imageNotification } from './views.js';
import { IMAGE_DEFAULTS, type ImageConfig, type ImageRow, type ImageState } from './types.js';

/** An empty image slice whose store writes to `account` (`AUTH_<project id>`). */
export function initialImageState(account: string, config: Partial<Omit<ImageConfig, 'swift_store_account'>> = {}): ImageState {
  return { config: { ...IMAGE_DEFAULTS, ...config, swift_store_account: account }, images: emptyTable(), members: emptyTable(), tasks: emptyTable() };
}

/** A project of the default domain by name, or undefined (the presets' `service` and `admin`). */
function defaultDomainProject(s: CloudState, name: string): { readonly id: string } | undefined {
  try {
    return getProject(s, name, undefined, DEFAULT_DOMAIN_ID);
  } catch (e) {
    if (e instanceof ResourceNotFound) return undefined;
    throw e;
  }
}

/**
 * Points glance_store at the Swift account of DevStack's `service` project (where
 * `swift_store_user = service:glance` writes), or of the bootstrap `admin` project in a cloud
 * without one (`preset: 'empty'`).
 */
export function configureImageService(tx: Tx): void {
  const s = tx.draft as CloudState;
  const store = defaultDomainProject(s, 'service') ?? defaultDomainProject(s, 'admin');
  if (store !== undefined) tx.draft.image.config = { ...tx.draft.image.config, swift_store_account: accountName(store.id) };
}

/** DevStack's default image name (`CIRROS_VERSION=0.5.2`, `CIRROS_ARCH=x86_64`). */
export const CIRROS_IMAGE_NAME = 'cirros-0.5.2-x86_64-disk';

/**
 * Stand-in bytes for the cirros image: a qcow2 header (magic `QFI\xfb`, version 3, the virtual
 * size of cirros 0.5.2, 112 MiB) followed by a fixed pattern, 512 bytes in all. The real file
 * is about 16 MB (16 300 544 bytes); only its first bytes are modelled, so sizes and checksums
 * differ from a real DevStack.
 */
export function cirrosBytes(): Uint8Array {
  const out = new Uint8Array(512);
  out.set([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]);
  const virtual = 117440512; // 112 MiB, big-endian at offset 24
  new DataView(out.buffer).setUint32(28, virtual);
  for (let i = 72; i < out.length; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

/**
 * DevStack's `upload_image` of cirros: public, qcow2 / bare, owned by the admin project, data in
 * Swift. Written directly (no policy), as DevStack does with admin credentials.
 */
export function devstackImages(tx: Tx): void {
  const s = tx.draft as CloudState;
  const admin = defaultDomainProject(s, 'admin')?.id;
  if (admin === undefined) return;
  const data = cirrosBytes();
  const now = tx.now();
  const id = tx.ids.uuid();
  const base: ImageRow = {
    id,
    name: CIRROS_IMAGE_NAME,
    status: 'queued',
    visibility: 'public',
    protected: false,
    os_hidden: false,
    owner: admin,
    disk_format: 'qcow2',
    container_format: 'bare',
    min_disk: 0,
    min_ram: 0,
    size: null,
    virtual_size: null,
    checksum: null,
    os_hash_algo: null,
    os_hash_value: null,
    properties: {},
    tags: [],
    created_at: now,
    updated_at: now,
    location: null,
    staged: null,
  };
  // DevStack's stack.sh would stop here without a working store; a cloud whose topology has no
  // storage host simply starts without the image (nothing of it is written)
  let stored: Stored;
  try {
    stored = writeToStore(tx, base, data);
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    tx.trace('glance-api', `DevStack image ${CIRROS_IMAGE_NAME} not created: ${e.message}`);
    return;
  }
  const row: ImageRow = { ...base, status: 'active', size: stored.size, checksum: stored.checksum, os_hash_algo: 'sha512', os_hash_value: stored.os_hash_value, location: stored.location };
  tx.emit('image.create', () => imageNotification(tx.draft, base));
  setRow(tx.draft.image.images, id, row);
  tx.emit('image.activate', () => imageNotification(tx.draft, row));
  tx.trace('glance-api', `DevStack image ${CIRROS_IMAGE_NAME} uploaded (${data.length} bytes, stand-in for ~16 MB)`);
}
