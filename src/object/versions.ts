/**
 * Object versioning as Swift's legacy `versioned_writes` middleware does it: a container with
 * `X-Versions-Location: <archive>` (stack mode) or `X-History-Location: <archive>` (history
 * mode) copies an object's current version into the archive container before it is overwritten
 * (and, in history mode, deleted), named `<len(name) as 3 hex digits><name>/<timestamp>`. In
 * stack mode a DELETE brings back the latest archived version. Not simulated: history mode's
 * delete markers, the newer `X-Versions-Enabled` API.
 */
import { InvalidInput, plain, tablePrefix, type CloudState, type Tx } from '../core/index.js';
import { checkContainerName, utf8Length, type HeaderMap } from './headers.js';
import { PreconditionFailed } from './errors.js';
import { findContainer, objectKey, readObjectData, writeObject, deleteObjectRow } from './servers.js';
import type { ContainerRow, ObjectRow } from './types.js';

/** The versioning fields a container PUT / POST sets (400 for both modes at once or a bad name). */
export function checkVersionsHeaders(_s: CloudState, h: HeaderMap, row: ContainerRow, _account: string): Pick<ContainerRow, 'versions_location' | 'versions_mode'> {
  const stack = h.get('x-versions-location');
  const history = h.get('x-history-location');
  if (stack !== undefined && history !== undefined && stack !== '' && history !== '') {
    throw new InvalidInput('headers.X-Versions-Location', 'Only one of X-Versions-Location or X-History-Location may be specified.');
  }
  if (h.has('x-remove-versions-location') || h.has('x-remove-history-location') || stack === '' || history === '') {
    return { versions_location: null, versions_mode: null };
  }
  if (stack !== undefined) return { versions_location: checkContainerName(stack, 'headers.X-Versions-Location'), versions_mode: 'stack' };
  if (history !== undefined) return { versions_location: checkContainerName(history, 'headers.X-History-Location'), versions_mode: 'history' };
  return { versions_location: row.versions_location, versions_mode: row.versions_mode };
}

/**
 * The prefix of an object's archived versions: `%03x%s/` of the name's length in UTF-8 bytes (the
 * middleware sees the name as a WSGI string, one character per byte) and the name.
 */
export function versionPrefix(object: string): string {
  return `${utf8Length(object).toString(16).padStart(3, '0')}${object}/`;
}

/** The archive name of a version: {@link versionPrefix} and the version's timestamp (`Timestamp.internal`). */
export function versionName(s: CloudState, object: string, timestamp: number): string {
  const unix = Date.parse(s.meta.clock.epoch) / 1000 + timestamp;
  return `${versionPrefix(object)}${unix.toFixed(5).padStart(16, '0')}`;
}

function archive(s: CloudState, container: ContainerRow): ContainerRow {
  const target = findContainer(s, container.account, container.versions_location as string);
  // legacy versioned_writes answers 412 when the archive container is missing
  if (!target) throw new PreconditionFailed(`The versions container '${container.versions_location}' does not exist; create it first.`, { container: container.versions_location });
  return target;
}

/**
 * Copies the current version into the archive container (before it is overwritten or, in history
 * mode, deleted), as legacy `versioned_writes` `_copy_current` does: it GETs the current version
 * first, so a version with no copy left (404) is not archived and the request proceeds; one whose
 * copies do not answer is a 503; then a missing archive container is a 412.
 */
export function archiveVersion(tx: Tx, container: ContainerRow, current: ObjectRow): void {
  const s = tx.draft as CloudState;
  if (current.copies.length === 0) return;
  const data = readObjectData(s, current);
  const target = archive(s, container);
  writeObject(tx, {
    account: container.account,
    container: target.name,
    object: versionName(s, current.name, current.timestamp),
    data,
    content_type: current.content_type,
    metadata: current.metadata,
    delete_at: null,
  });
}

/**
 * Stack mode's DELETE: the latest archived version replaces the object and leaves the archive.
 * A version with no copy left reads as 404 and the one before it is tried (`_restore_data`); one
 * whose copies do not answer is a 503. Returns false when no version can be restored (the DELETE
 * then proceeds as usual).
 */
export function restoreVersion(tx: Tx, container: ContainerRow, object: string, _live: ObjectRow | undefined): boolean {
  const s = tx.draft as CloudState;
  const target = archive(s, container);
  const versions = tablePrefix(plain(s.object.objects), objectKey(container.account, target.name, versionPrefix(object)));
  const latest = versions.map(([, row]) => row).reverse().find((row) => row.copies.length > 0);
  if (latest === undefined) return false;
  writeObject(tx, {
    account: container.account,
    container: container.name,
    object,
    data: readObjectData(s, latest),
    content_type: latest.content_type,
    metadata: latest.metadata,
    delete_at: null,
  });
  deleteObjectRow(tx, latest);
  tx.trace('swift-proxy', `restored ${object} from ${target.name}/${latest.name}`);
  return true;
}
