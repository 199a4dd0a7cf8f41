/**
 * `stacksim/scheduler`: Placement and nova's filter scheduler, usable without a Cloud.
 * For now the capacity arithmetic Placement applies to every inventory; the filter scheduler
 * (`schedule({ hosts, request, config, seed })`) arrives with issue #4.
 */
export { capacity, fits, type InventoryRecord } from './capacity.js';
