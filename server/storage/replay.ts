// Rebuilding a document from what storage holds: the snapshot, then the log in append order.
import * as Y from 'yjs';
import type { StoredRoom } from './Storage.ts';

/** Applies a stored room to `doc` in one transaction with `origin`. */
export function applyStoredRoom(doc: Y.Doc, stored: Pick<StoredRoom, 'snapshot' | 'updates'>, origin: unknown = null): void {
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot, origin);
    for (const update of stored.updates) Y.applyUpdate(doc, update, origin);
  }, origin);
}
