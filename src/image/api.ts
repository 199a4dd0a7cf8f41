/**
 * The Image API v2 (2.16) for a session: `session.image`. Every call validates the token
 * (401), looks the image up as Glance's database layer would for this caller (404 for another
 * project's private image), asks Glance's Zed policy with Glance's target (403, or 404 when the
 * caller may not even see the image), and changes state in one atomic commit.
 */
import { CloudError, NotFound, blobBytes, describeValue, type Tx } from '../core/index.js';
import { imageSchema, imagesSchema, memberSchema, membersSchema } from './schemas.js';
import type { RequestPipeline } from '../identity/index.js';
import { downloadData, importImage, stageData, tasksOf, uploadData, type ImportRequest } from './data.js';
import { ImageNotFound, MemberNotFound } from './errors.js';
import { addTag, createImage, deleteImage, deleteTag, setActivation, updateImage } from './images.js';
import { listImages, type ImageListQuery } from './list.js';
import { addMember, checkMemberId, checkShared, getMember, listMembers, removeMember, updateMember } from './members.js';
import { enforceOn, getImage, makeCtx, type Ctx, type ImageRef } from './context.js';
import { imageView, memberView, taskView, type ImageList, type ImageView, type MemberList, type MemberView, type TaskView } from './views.js';
import type { ImageRow, MemberStatus, Visibility } from './types.js';

/** The body of `POST /v2/images`: base attributes and any free-form string properties. */
export interface ImageCreateRequest {
  readonly id?: string;
  readonly name?: string | null;
  readonly visibility?: Visibility;
  readonly protected?: boolean;
  readonly os_hidden?: boolean;
  readonly owner?: string | null;
  readonly disk_format?: string | null;
  readonly container_format?: string | null;
  readonly min_disk?: number;
  readonly min_ram?: number;
  readonly tags?: readonly string[];
  /** Free-form properties: `hw_architecture`, `hypervisor_type`, `os_distro`, … (strings). */
  readonly [property: string]: unknown;
}

/** What {@link ImageApi.downloadImageFile} answers: the bytes and what Glance records about them. */
export interface ImageDownload {
  readonly data: Uint8Array;
  /** The md5 hex digest recorded at upload (`checksum`), Glance's `Content-MD5`. */
  readonly checksum: string | null;
  /** The size recorded at upload. */
  readonly size: number | null;
}

/** `GET /v2/info/import`: `import-methods` with the enabled methods in `value`. */
export interface ImportInfo {
  readonly 'import-methods': { readonly description: string; readonly type: 'array'; readonly value: readonly string[] };
}

/** The schemas `GET /v2/schemas/{name}` serves. */
export type ImageSchemaName = 'image' | 'images' | 'member' | 'members';

const SCHEMAS: Readonly<Record<ImageSchemaName, () => Record<string, unknown>>> = { image: imageSchema, images: imagesSchema, member: memberSchema, members: membersSchema };

/** One operation of an `application/openstack-images-v2.1-json-patch` body. */
export interface ImagePatchOperation {
  readonly op: 'add' | 'remove' | 'replace';
  /** A JSON pointer: `/name`, `/tags`, `/hw_architecture`, … */
  readonly path: string;
  readonly value?: unknown;
}

/**
 * Glance for one session. Method names follow the API operations; image references take an id
 * (or a name, among the images the caller may show), or `{ id }` for an id alone ({@link ImageRef}).
 *
 * Not simulated: image locations (`show_multiple_locations` is off, as Zed's default),
 * multiple stores (`enabled_backends`), `web-download` / `copy-image` / `glance-download`
 * imports, the image cache, metadefs, the tasks API (`/v2/tasks`), property protections,
 * Keystone unified-limit quotas, `Range` downloads and the `image.send` notification.
 */
export class ImageApi {
  /** @internal built by the session from its request pipeline. */
  constructor(private readonly requests: RequestPipeline) {}

  private read(): Ctx {
    const r = this.requests.read();
    return makeCtx(r.s, r.policy, r.creds);
  }

  /**
   * One atomic call. `fn` returns the call's whole answer, built from the draft before the
   * commit: Glance's responses are the domain objects the controller just saved
   * (`ImagesController.create` / `update`, `ImageMembersController.create` / `update` return them;
   * the serializer asks no policy), so nothing is read back after the commit and an answer can
   * never be refused once the state has changed.
   */
  private write<R>(operation: string, fn: (tx: Tx, ctx: Ctx) => R): R {
    return this.requests.write(`image.${operation}`, (tx, r) => {
      const ctx = makeCtx(r.s, r.policy, r.creds);
      tx.trace('glance-api', `${operation} (project ${ctx.owner ?? 'none'})`);
      return fn(tx, ctx);
    });
  }

  /** `POST /v2/images`: a `queued` image owned by the caller's project, `shared` unless told otherwise. */
  createImage(body: ImageCreateRequest): ImageView {
    return this.write('create_image', (tx, ctx) => imageView(ctx.s, createImage(tx, ctx, body)));
  }

  /** `GET /v2/images/{id}`. */
  getImage(ref: ImageRef): ImageView {
    const ctx = this.read();
    const image = getImage(ctx, ref);
    enforceOn(ctx, 'get_image', image);
    return imageView(ctx.s, image);
  }

  /** `GET /v2/images`: filters, `sort_key` / `sort_dir` or `sort`, `limit` (default 25, at most 1000) and `marker`. */
  listImages(query: ImageListQuery = {}): ImageList {
    return listImages(this.read(), query);
  }

  /** `PATCH /v2/images/{id}` with an `application/openstack-images-v2.1-json-patch` body. */
  updateImage(ref: ImageRef, changes: readonly ImagePatchOperation[]): ImageView {
    return this.write('update_image', (tx, ctx) => imageView(ctx.s, updateImage(tx, ctx, getImage(ctx, ref), changes)));
  }

  /** `DELETE /v2/images/{id}`: 403 while `protected`; the data is removed from Swift. */
  deleteImage(ref: ImageRef): void {
    this.write('delete_image', (tx, ctx) => deleteImage(tx, ctx, getImage(ctx, ref)));
  }

  /** `POST /v2/images/{id}/actions/deactivate` (2.3): `active → deactivated` (a no-op when already deactivated). */
  deactivateImage(ref: ImageRef): void {
    this.write('deactivate', (tx, ctx) => setActivation(tx, ctx, getImage(ctx, ref), 'deactivate'));
  }

  /** `POST /v2/images/{id}/actions/reactivate` (2.3): `deactivated → active` (a no-op when already active). */
  reactivateImage(ref: ImageRef): void {
    this.write('reactivate', (tx, ctx) => setActivation(tx, ctx, getImage(ctx, ref), 'reactivate'));
  }

  /** `PUT /v2/images/{id}/tags/{tag}`. */
  addImageTag(ref: ImageRef, tag: string): void {
    this.write('add_tag', (tx, ctx) => addTag(tx, ctx, getImage(ctx, ref), tag));
  }

  /** `DELETE /v2/images/{id}/tags/{tag}` (404 when the image has no such tag). */
  deleteImageTag(ref: ImageRef, tag: string): void {
    this.write('delete_tag', (tx, ctx) => deleteTag(tx, ctx, getImage(ctx, ref), tag));
  }

  /**
   * `PUT /v2/images/{id}/file`: stores the bytes (or a UTF-8 string) in Swift; the image becomes
   * `active` with `size`, `checksum` (md5), `os_hash_algo` `sha512` and `os_hash_value`.
   */
  uploadImageData(ref: ImageRef, data: Uint8Array | string): void {
    const bytes = blobBytes(data, 'data');
    this.write('upload_image', (tx, ctx) => uploadData(tx, ctx, getImage(ctx, ref), bytes));
  }

  /** `GET /v2/images/{id}/file`: a fresh copy of the bytes, or null for Glance's 204 (no data). */
  downloadImageData(ref: ImageRef): Uint8Array | null {
    const ctx = this.read();
    return downloadData(ctx.s, ctx, getImage(ctx, ref));
  }

  /**
   * `GET /v2/images/{id}/file` as Glance's serializer answers it: the bytes with the image's
   * stored `checksum` (sent as `Content-MD5`, the md5 hex digest) and `size`, or null for
   * Glance's 204 (no data). The checksum is the one recorded at upload, not recomputed: data
   * changed behind Glance's back in Swift shows as a mismatch to a client that verifies it.
   */
  downloadImageFile(ref: ImageRef): ImageDownload | null {
    const ctx = this.read();
    const image = getImage(ctx, ref);
    const data = downloadData(ctx.s, ctx, image);
    return data === null ? null : { data, checksum: image.checksum, size: image.size };
  }

  /**
   * `GET /v2/info/import` (2.6): the import methods this site enables (`enabled_import_methods`),
   * in Glance's discovery shape. Any authenticated caller may ask.
   */
  getImportInfo(): ImportInfo {
    const ctx = this.read();
    return { 'import-methods': { description: 'Import methods available.', type: 'array', value: [...ctx.s.image.config.enabled_import_methods] } };
  }

  /**
   * `GET /v2/info/stores` (2.7): Glance answers 404 "Multi backend is not supported at this
   * site." unless `enabled_backends` is set; this cloud has the single Swift store of DevStack's
   * default (`enabled_backends` is not simulated), so the answer is always that 404.
   */
  listStores(): never {
    this.read();
    throw new NotFound('image.stores.not_supported', 'Multi backend is not supported at this site.');
  }

  /**
   * `GET /v2/schemas/{name}`: Glance's JSON schema of an image, the image list, a member or the
   * member list (what glanceclient validates its requests against). Any authenticated caller.
   */
  getSchema(name: ImageSchemaName): Record<string, unknown> {
    this.read();
    if (typeof name !== 'string' || !Object.hasOwn(SCHEMAS, name)) throw new NotFound('image.schema.not_found', `No schema named ${describeValue(name)}; Glance serves ${Object.keys(SCHEMAS).join(', ')}.`);
    return SCHEMAS[name]();
  }

  /** `PUT /v2/images/{id}/stage` (2.6): `queued → uploading`, the data waits in the staging area. */
  stageImageData(ref: ImageRef, data: Uint8Array | string): void {
    const bytes = blobBytes(data, 'data');
    this.write('stage_image', (tx, ctx) => stageData(tx, ctx, getImage(ctx, ref), bytes));
  }

  /**
   * `POST /v2/images/{id}/import` (2.6): `{ method: { name: 'glance-direct' } }` imports the
   * staged data (`uploading → importing → active`) as a task; returns the task's id.
   */
  importImage(ref: ImageRef, body: ImportRequest): string {
    return this.write('import_image', (tx, ctx) => importImage(tx, ctx, getImage(ctx, ref), body).id);
  }

  /** `GET /v2/images/{id}/tasks` (2.12): the image's import tasks. */
  listImageTasks(ref: ImageRef): { tasks: TaskView[] } {
    const ctx = this.read();
    let image: ImageRow;
    try {
      image = getImage(ctx, ref);
      enforceOn(ctx, 'get_image', image);
    } catch (e) {
      if (e instanceof CloudError && e.status === 403) throw new ImageNotFound(typeof ref === 'string' ? ref : String((ref as { id: unknown }).id));
      throw e;
    }
    return Object.freeze({ tasks: tasksOf(ctx.s, image.id).map((t) => taskView(ctx.s, t)) });
  }

  /**
   * `POST /v2/images/{id}/members` (`{ member: <project id> }`): only the owner, only for `shared`
   * images. The member is a project ID, as in Glance (a name is a 400: names are not resolved, so
   * nothing about projects the caller cannot see is told); unlike Glance, an ID that is no
   * Keystone project is refused (400 `image.member.unknown_project`).
   */
  createImageMember(ref: ImageRef, body: { member: string }): MemberView {
    return this.write('add_member', (tx, ctx) => memberView(ctx.s, addMember(tx, ctx, getImage(ctx, ref), body)));
  }

  /** `GET /v2/images/{id}/members`: the owner sees every member; a member sees itself. */
  listImageMembers(ref: ImageRef): MemberList {
    const ctx = this.read();
    const members = listMembers(ctx, getImage(ctx, ref));
    return Object.freeze({ members: members.map((m) => memberView(ctx.s, m)), schema: '/v2/schemas/members' as const });
  }

  /** `GET /v2/images/{id}/members/{member_id}` (every refusal is a 404, as Glance hides them). */
  getImageMember(ref: ImageRef, memberId: string): MemberView {
    const ctx = this.read();
    const image = getImage(ctx, ref);
    checkMemberId(memberId);
    try {
      checkShared(ctx, image, undefined, 'show');
      enforceOn(ctx, 'get_member', image);
    } catch (e) {
      if (e instanceof CloudError && e.status === 403) throw new MemberNotFound(image.id, memberId);
      throw e;
    }
    return memberView(ctx.s, getMember(ctx, image, memberId));
  }

  /** `PUT /v2/images/{id}/members/{member_id}` (`{ status }`): only the member itself (or an admin). */
  updateImageMember(ref: ImageRef, memberId: string, body: { status: MemberStatus }): MemberView {
    return this.write('update_member', (tx, ctx) => memberView(ctx.s, updateMember(tx, ctx, getImage(ctx, ref), memberId, body)));
  }

  /** `DELETE /v2/images/{id}/members/{member_id}`: only the owner. */
  deleteImageMember(ref: ImageRef, memberId: string): void {
    this.write('delete_member', (tx, ctx) => removeMember(tx, ctx, getImage(ctx, ref), memberId));
  }
}
