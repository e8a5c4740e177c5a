// A restore through the API, as a new edit by the person named: the files are changed on a
// replica of the room's document whose clientID is recorded as that person (so authorship shows
// them, not the server), and the replica's update is applied to the room like any client's.
import * as Y from 'yjs';
import { RESTORE_ORIGIN } from '../../lib/origins.ts';
import { identitiesOf } from '../../lib/schema.ts';
import { restoreFiles } from '../../lib/history/restoreFiles.ts';

/** The colour of a restore's author when it came through the API. */
const RESTORE_COLOR = '#94a3b8';

/** Restores `only` (or every file) of `target` into `doc` as `by`; returns the paths changed. */
export function restoreAs(doc: Y.Doc, target: Record<string, string>, only: readonly string[] | null, by: string): string[] {
  const replica = new Y.Doc();
  try {
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
    const before = Y.encodeStateVector(replica);
    const changed = restoreFiles(replica, target, only, RESTORE_ORIGIN);
    if (changed.length === 0) return changed;
    replica.transact(() => identitiesOf(replica).set(String(replica.clientID), { kind: 'human', name: by, color: RESTORE_COLOR }), RESTORE_ORIGIN);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(replica, before), RESTORE_ORIGIN);
    return changed;
  } finally {
    replica.destroy();
  }
}
