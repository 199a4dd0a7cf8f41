/**
 * Values that show themselves. {@link show} picks the picture for whatever a student has in hand
 * (a cloud, a trace, a scheduling result, a ring, a usage list, any list of views); a cloud built
 * by `createCloud` also hands it to its kernel, so the lists its calls return, its traces and its
 * scheduling results carry a non-enumerable `[Symbol.for("Jupyter.display")]` (Deno's notebooks
 * show the last value of a cell with it) and `toHTML()` (for `tslab.display.html`). Those are not
 * own enumerable properties: JSON, equality and spreading see the same view as before.
 */
import type { Trace } from '../core/index.js';
import type { Explanation, HostUsage, ScheduleResult } from '../scheduler/index.js';
import type { RingSummary } from '../object/index.js';
import type { Cloud } from '../cloud.js';
import { bad, isCloudLike } from './check.js';
import { JUPYTER_DISPLAY, Picture, stack, type MimeBundle } from './picture.js';
import { table } from './table.js';
import { utilisation } from './utilisation.js';
import { datacenter } from './datacenter.js';
import { sequence } from './trace.js';
import { explanationGrid } from './explanation.js';
import { ring } from './ring.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isTrace(v: unknown): v is Trace {
  return isObject(v) && typeof v.request_id === 'string' && typeof v.operation === 'string' && Array.isArray(v.steps);
}

function isScheduling(v: unknown): v is Explanation | { readonly explanation: Explanation } {
  if (!isObject(v)) return false;
  if (v instanceof Error) return isObject((v as { explanation?: unknown }).explanation); // NoValidHost carries its explanation
  if (!Array.isArray(v.selections)) return false;
  return Array.isArray(v.instances) || 'explanation' in v;
}

/** The scheduler's result (selections and a lazy explanation), not a plain explanation. */
function isScheduleResult(v: unknown): v is ScheduleResult {
  return isObject(v) && !(v instanceof Error) && Array.isArray(v.selections) && 'explanation' in v && !Array.isArray(v.instances);
}

function isRing(v: unknown): v is RingSummary {
  return isObject(v) && typeof v.part_power === 'number' && Array.isArray(v.devices);
}

function isUsageList(v: readonly unknown[]): v is readonly HostUsage[] {
  return v.length > 0 && v.every((u) => isObject(u) && typeof u.host === 'string' && isObject(u.resources));
}

/**
 * The picture for a value, or `undefined` when it is none of the shapes above (a string, a
 * number, a list of non-objects).
 */
export function pictureOf(value: unknown): Picture | undefined {
  switch (shapeOf(value)) {
    case 'picture':
      return value as Picture;
    case 'cloud':
      return datacenter(value as Cloud);
    case 'trace':
      return sequence(value as Trace);
    case 'scheduling':
      return explanationGrid(value as Explanation);
    case 'ring':
      return ring(value as RingSummary);
    case 'usage':
      return utilisation(value as readonly HostUsage[]);
    case 'rings':
      return stack('Swift rings', (value as readonly RingSummary[]).map((r) => ring(r)));
    case 'views':
      return table(value as readonly object[]);
    case 'view':
      return table([value as object]);
    default:
      return undefined;
  }
}

/**
 * Which picture a value is for, looked at without drawing: a value that fights back (a revoked
 * Proxy, a getter or trap that throws) is a 400 naming `value`, not a TypeError.
 */
function shapeOf(value: unknown): 'picture' | 'cloud' | 'trace' | 'scheduling' | 'ring' | 'usage' | 'rings' | 'views' | 'view' | undefined {
  try {
    if (value instanceof Picture) return 'picture';
    if (isCloudLike(value)) return 'cloud';
    if (isTrace(value)) return 'trace';
    if (isScheduling(value)) return 'scheduling';
    if (isRing(value)) return 'ring';
    if (Array.isArray(value)) {
      const list = Array.from(value as readonly unknown[]); // dense: a hole is undefined, not skipped
      if (isUsageList(list)) return 'usage';
      if (list.length > 0 && list.every(isRing)) return 'rings';
      return list.every(isObject) ? 'views' : undefined;
    }
    return isObject(value) && Object.getPrototypeOf(value) === Object.prototype ? 'view' : undefined;
  } catch {
    throw bad('value', 'could not be read (a revoked Proxy, or a getter that throws)');
  }
}

/**
 * The picture of anything a cloud hands out: a `Cloud` (its datacenter), a trace (the sequence
 * diagram), a scheduling result, explanation or `NoValidHost` error (the hosts × filters grid), a Swift ring summary,
 * a list of host usages (utilisation bars), any other list of views or one view (a table).
 * Throws a 400 `InvalidInput` naming what it got otherwise.
 */
export function show(value: unknown): Picture {
  const picture = pictureOf(value);
  if (picture === undefined) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'a list of non-objects' : typeof value;
    throw bad('value', `nothing to draw for ${what}: expected a Cloud, a trace, a scheduling result, a ring, or views`);
  }
  return picture;
}

/** `show(value).toHTML()`: an HTML fragment for `tslab.display.html`. */
export function toHTML(value: unknown): string {
  return show(value).toHTML();
}

/** `show(value).toSVG()`: an SVG document for `tslab.display.svg`. */
export function toSVG(value: unknown): string {
  return show(value).toSVG();
}

/** `show(value).toText()`: the plain-text form for a terminal. */
export function toText(value: unknown): string {
  return show(value).toText();
}

/**
 * A scheduling result as a cloud hands it out, drawing itself: the scheduler's own result is a
 * frozen class instance (its explanation is computed when first read), so it cannot be given
 * methods; this stands in for it with the same `selections`, the same lazy `explanation` and
 * `toJSON`, plus `toHTML()` and `[Symbol.for("Jupyter.display")]()` (the hosts × filters grid).
 */
class ShownSchedule implements ScheduleResult {
  readonly selections: ScheduleResult['selections'];
  readonly #of: ScheduleResult;

  constructor(of: ScheduleResult) {
    this.selections = of.selections;
    this.#of = of;
    Object.freeze(this);
  }

  get explanation(): Explanation {
    return this.#of.explanation;
  }

  toJSON(): { selections: ScheduleResult['selections']; explanation: Explanation } {
    return { selections: this.selections, explanation: this.explanation };
  }

  /** The hosts × filters grid as HTML (for `tslab.display.html`). */
  toHTML(): string {
    return explanationGrid(this).toHTML();
  }

  /** What a Jupyter kernel shows for it (Deno calls it by itself). */
  [JUPYTER_DISPLAY](): MimeBundle {
    return explanationGrid(this)[JUPYTER_DISPLAY]();
  }
}

/**
 * What a cloud's call hands out, able to draw itself (the kernel's `present` hook; see
 * `Kernel.present`): a fresh list, trace or ring summary gets a non-enumerable
 * `[Symbol.for("Jupyter.display")]` and `toHTML()` that draw it when asked (nothing is computed
 * here); a scheduling result is wrapped in a stand-in that draws itself. Anything else — and a
 * frozen value handed out as it is (a state row) — is returned untouched.
 */
export function presentable<R>(value: R): R {
  if (!isObject(value)) return value;
  if (!Object.isExtensible(value)) return isScheduleResult(value) && !(value instanceof ShownSchedule) ? (new ShownSchedule(value) as unknown as R) : value;
  if (JUPYTER_DISPLAY in value) return value;
  if (!(Array.isArray(value) ? value.length === 0 || isObject(value[0]) : isTrace(value) || isScheduling(value) || isRing(value))) return value;
  const draw = (): Picture => pictureOf(value) ?? table([]);
  Object.defineProperty(value, JUPYTER_DISPLAY, { value: () => draw()[JUPYTER_DISPLAY](), enumerable: false });
  if (!('toHTML' in value)) Object.defineProperty(value, 'toHTML', { value: () => draw().toHTML(), enumerable: false });
  return value;
}
