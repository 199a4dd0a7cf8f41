/**
 * The JSON schemas Glance v2 serves under `/v2/schemas/…` (`glance/api/v2/schemas.py`):
 * `image` (`images.get_schema().raw()`: a `PermissiveSchema`, so any extra property is a
 * string), `images` (`CollectionSchema.raw()`), `member` and `members` (their `minimal()`
 * forms). glanceclient builds its warlock models from `image` and validates every create and
 * update against it, so the documents follow Glance's code key for key.
 *
 * Not served: DevStack's `schema-image.json` custom properties (`kernel_id`, `os_distro`, …):
 * stacksim treats them as ordinary string properties, so the schema does not promise the
 * patterns and enums it would add. No task or metadef schemas (those APIs are not simulated).
 */
import { CONTAINER_FORMATS, DISK_FORMATS, IMAGE_STATUSES, MEMBER_STATUSES, VISIBILITIES } from './types.js';

const UUID_PATTERN = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';

/** `get_base_properties()`, in Glance's order, with Zed's default formats. */
function baseProperties(): Record<string, unknown> {
  return {
    id: { type: 'string', description: 'An identifier for the image', pattern: UUID_PATTERN },
    name: { type: ['null', 'string'], description: 'Descriptive name for the image', maxLength: 255 },
    status: { type: 'string', readOnly: true, description: 'Status of the image', enum: [...IMAGE_STATUSES] },
    visibility: { type: 'string', description: 'Scope of image accessibility', enum: [...VISIBILITIES] },
    protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
    os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
    checksum: { type: ['null', 'string'], readOnly: true, description: 'md5 hash of image contents.', maxLength: 32 },
    os_hash_algo: { type: ['null', 'string'], readOnly: true, description: 'Algorithm to calculate the os_hash_value', maxLength: 64 },
    os_hash_value: { type: ['null', 'string'], readOnly: true, description: 'Hexdigest of the image contents using the algorithm specified by the os_hash_algo', maxLength: 128 },
    owner: { type: ['null', 'string'], description: 'Owner of the image', maxLength: 255 },
    size: { type: ['null', 'integer'], readOnly: true, description: 'Size of image file in bytes' },
    virtual_size: { type: ['null', 'integer'], readOnly: true, description: 'Virtual size of image in bytes' },
    container_format: { type: ['null', 'string'], description: 'Format of the container', enum: [null, ...CONTAINER_FORMATS] },
    disk_format: { type: ['null', 'string'], description: 'Format of the disk', enum: [null, ...DISK_FORMATS] },
    created_at: { type: 'string', readOnly: true, description: 'Date and time of image registration' },
    updated_at: { type: 'string', readOnly: true, description: 'Date and time of the last image modification' },
    tags: { type: 'array', description: 'List of strings related to the image', items: { type: 'string', maxLength: 255 } },
    direct_url: { type: 'string', readOnly: true, description: 'URL to access the image file kept in external store' },
    min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
    min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
    self: { type: 'string', readOnly: true, description: 'An image self url' },
    file: { type: 'string', readOnly: true, description: 'An image file url' },
    stores: {
      type: 'string',
      readOnly: true,
      description: 'Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers.',
    },
    schema: { type: 'string', readOnly: true, description: 'An image schema url' },
    locations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          url: { type: 'string', maxLength: 255 },
          metadata: { type: 'object' },
          validation_data: {
            description: "Values to be used to populate the corresponding image properties. If the image status is not 'queued', values must exactly match those already contained in the image properties.",
            type: 'object',
            writeOnly: true,
            additionalProperties: false,
            properties: {
              checksum: { type: 'string', minLength: 32, maxLength: 32 },
              os_hash_algo: { type: 'string', maxLength: 64 },
              os_hash_value: { type: 'string', maxLength: 128 },
            },
            required: ['os_hash_algo', 'os_hash_value'],
          },
        },
        required: ['url', 'metadata'],
      },
      description: 'A set of URLs to access the image file kept in external store',
    },
  };
}

/** `GET /v2/schemas/image`: `PermissiveSchema('image', …).raw()` (`allow_additional_image_properties`). */
export function imageSchema(): Record<string, unknown> {
  return {
    name: 'image',
    properties: baseProperties(),
    additionalProperties: { type: 'string' },
    links: [
      { rel: 'self', href: '{self}' },
      { rel: 'enclosure', href: '{file}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  };
}

/** `GET /v2/schemas/images`: `CollectionSchema('images', image).raw()`. */
export function imagesSchema(): Record<string, unknown> {
  return {
    name: 'images',
    properties: {
      images: { type: 'array', items: imageSchema() },
      first: { type: 'string' },
      next: { type: 'string' },
      schema: { type: 'string' },
    },
    links: [
      { rel: 'first', href: '{first}' },
      { rel: 'next', href: '{next}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  };
}

/** `GET /v2/schemas/member`: `Schema('member', _MEMBER_SCHEMA).minimal()`. */
export function memberSchema(): Record<string, unknown> {
  return {
    name: 'member',
    properties: {
      member_id: { type: 'string', description: 'An identifier for the image member (tenantId)' },
      image_id: { type: 'string', description: 'An identifier for the image', pattern: UUID_PATTERN },
      created_at: { type: 'string', description: 'Date and time of image member creation' },
      updated_at: { type: 'string', description: 'Date and time of last modification of image member' },
      status: { type: 'string', description: 'The status of this image member', enum: [...MEMBER_STATUSES] },
      schema: { readOnly: true, type: 'string' },
    },
  };
}

/** `GET /v2/schemas/members`: `CollectionSchema('members', member).minimal()`. */
export function membersSchema(): Record<string, unknown> {
  return {
    name: 'members',
    properties: {
      members: { type: 'array', items: memberSchema() },
      schema: { type: 'string' },
    },
    links: [{ rel: 'describedby', href: '{schema}' }],
  };
}
