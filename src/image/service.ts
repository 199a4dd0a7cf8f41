/**
 * Glance as the cloud assembles it: its slice, its policy defaults, its catalog entry, its
 * import task, the store account, DevStack's cirros image, and `session.image`.
 */
import type { ServiceDescriptor } from '../core/index.js';
import { CONTROLLER_URL, type RequestPipeline } from '../identity/index.js';
import { ImageApi } from './api.js';
import { configureImageService, devstackImages, initialImageState } from './bootstrap.js';
import { IMPORT_TASK, runImport } from './data.js';
import { imageRest } from './rest.js';
import { GLANCE_POLICIES } from './policies.js';

/** What Glance adds to a session. */
export interface ImageSession {
  /** Image service (Glance v2, API 2.16): Zed's rules are project-scoped. */
  readonly image: ImageApi;
}

/** The image service (Glance v2), its data kept in Swift. */
export const imageService: ServiceDescriptor<undefined, ImageSession, object, object, RequestPipeline> = {
  name: 'image',
  slices: ['image'],
  initialState: () => ({ image: initialImageState('') }),
  policies: GLANCE_POLICIES,
  catalog: [{ type: 'image', name: 'glance', description: 'Glance Image Service', url: `${CONTROLLER_URL}/image` }],
  tasks: { [IMPORT_TASK]: runImport },
  deploy: (tx, context) => {
    configureImageService(tx);
    if (context.preset === 'devstack') devstackImages(tx);
  },
  session: (requests) => ({ image: new ImageApi(requests) }),
  rest: imageRest,
};
