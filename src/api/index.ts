/**
 * The REST API (`stacksim/api`): `createApiHandler(cloud)`, a WHATWG fetch-style handler serving
 * every service's routes with DevStack's URL layout. No `node:` imports: `bin/stacksim serve`
 * puts it on a loopback HTTP server; a service worker or Deno can serve it as it is.
 */
export { createApiHandler, type ApiHandler, type ApiHandlerOptions, type FetchRequest, type FetchResponse } from './handler.js';
