/**
 * `stacksim/render`: pictures of a cloud as text, HTML and SVG — pure functions from state (or
 * the views a cloud hands out) to strings, with no DOM and no `node:` imports, so they run in
 * Node, Deno, notebooks and browsers. Every renderer returns a {@link Picture}, which notebooks
 * display by themselves (Deno: `[Symbol.for("Jupyter.display")]()`; tslab:
 * `tslab.display.html(p.toHTML())`), and {@link report} puts them all on one page.
 *
 * ```ts
 * import { createCloud } from 'stacksim';
 * import * as render from 'stacksim/render';
 * const cloud = createCloud({ preset: 'devstack' });
 * console.log(String(render.utilisation(cloud)));
 * ```
 */
export { Picture, JUPYTER_DISPLAY, stack, type MimeBundle, type PictureParts } from './picture.js';
export { escapeXml, PALETTE, SERVICE_COLOURS } from './svg.js';
export { table, type TableOptions } from './table.js';
export { utilisation, type UtilisationOptions } from './utilisation.js';
export { datacenter, type DatacenterOptions } from './datacenter.js';
export { networkTopology, type NetworkTopologyOptions } from './network.js';
export { sequence, traceMermaid, traceSteps } from './trace.js';
export { explanationGrid, type ExplanationOptions } from './explanation.js';
export { ring, type RingOptions } from './ring.js';
export { report, type ReportOptions } from './report.js';
export { show, pictureOf, toHTML, toSVG, toText, presentable } from './present.js';
