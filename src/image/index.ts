/**
 * Image (Glance v2, API 2.16): images with Glance's statuses and transitions, visibility
 * (public / private / shared with members / community), free-form properties, tags, JSON-patch
 * updates, data upload and the `glance-direct` import with md5 / sha512 hashes, the data kept in
 * Swift (the object service), Glance's Zed default policy rules and notifications.
 */
import type {} from './state.js';
import type {} from './events.js';

export { ImageApi, type ImageCreateRequest, type ImagePatchOperation, type ImageDownload, type ImportInfo, type ImageSchemaName } from './api.js';
export type { ImageRef } from './context.js';
export type { ImportRequest } from './data.js';
export { imageHashes, IMPORT_TASK } from './data.js';
export type { ImageListQuery } from './list.js';
export { SORT_KEYS } from './list.js';
export { imageService, type ImageSession } from './service.js';
export { initialImageState, configureImageService, devstackImages, cirrosBytes, CIRROS_IMAGE_NAME } from './bootstrap.js';
export { GLANCE_POLICIES } from './policies.js';
export { ImageNotFound, MemberNotFound, InvalidImageStatus, ImageForbidden, ImageDuplicate, PropertyNotFound, ImageLimitExceeded, ImportRefused, StoreError } from './errors.js';
export type { ImageView, ImageList, MemberView, MemberList, TaskView } from './views.js';
export {
  IMAGE_STATUSES,
  VALID_STATE_TARGETS,
  VISIBILITIES,
  MEMBER_STATUSES,
  CONTAINER_FORMATS,
  DISK_FORMATS,
  IMAGE_DEFAULTS,
  type ImageStatus,
  type Visibility,
  type MemberStatus,
  type ImageConfig,
  type ImageRow,
  type MemberRow,
  type TaskRow,
  type ImageLocation,
  type ImageState,
} from './types.js';
export type { ImageNotification, ImageMemberNotification } from './events.js';
export { imageFor, imageDataFor, createImageFor, authorizeImageDownload, storedImageData, storedImageSize, reserveImageFor, uploadImageFor, deleteImageFor, listImagesFor } from './client.js';
