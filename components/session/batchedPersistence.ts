'use client';
// y-indexeddb writes every document update in its own IndexedDB transaction, on the main thread.
// While the AI streams, that is one transaction per batch it writes (up to 60 a second) for
// updates the server already holds. This keeps the library's storage and its format, and changes
// only when updates received from the server are written: merged, at most every STORE_MS. The
// person's own edits are still written at once, so what offline persistence guarantees is as before.
import * as Y from 'yjs';
import type { IndexeddbPersistence } from 'y-indexeddb';

const STORE_MS = 100;

/** Takes over `persistence`'s update listener; returns the function that flushes and releases it. */
export function batchRemoteUpdates(doc: Y.Doc, persistence: IndexeddbPersistence, remoteOrigin: unknown): () => void {
  const store = persistence._storeUpdate;
  doc.off('update', store);
  let pending: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    const update = pending.length === 1 ? pending[0] : Y.mergeUpdates(pending);
    pending = [];
    store(update, null);
  };
  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === persistence) return;
    if (origin === remoteOrigin) {
      pending.push(update);
      timer ??= setTimeout(flush, STORE_MS);
      return;
    }
    store(update, origin);
  };
  doc.on('update', onUpdate);
  // A tab closed or hidden right after a batch arrived still stores it.
  window.addEventListener('pagehide', flush);
  return () => {
    flush();
    window.removeEventListener('pagehide', flush);
    doc.off('update', onUpdate);
  };
}
