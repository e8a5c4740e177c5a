// A three-way merge through the CRDT, for a file changed both on disk and in the session since
// they last agreed: both edits are replayed as concurrent Yjs edits of the common text (each a
// minimal diff, lib/history/restoreFiles.ts) and merged the way the document merges two people
// typing at once. Nothing either side wrote is dropped; where both replaced the same text, both
// replacements are kept.
import * as Y from 'yjs';
import { writeMinimal } from '../lib/history/restoreFiles.ts';

export function mergeText(base: string, ours: string, theirs: string): string {
  if (ours === base || ours === theirs) return theirs;
  if (theirs === base) return ours;
  const root = new Y.Doc();
  root.getText('t').insert(0, base);
  const start = Y.encodeStateAsUpdate(root);
  const a = new Y.Doc();
  const b = new Y.Doc();
  try {
    Y.applyUpdate(a, start);
    Y.applyUpdate(b, start);
    writeMinimal(a.getText('t'), ours);
    writeMinimal(b.getText('t'), theirs);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(root)));
    return a.getText('t').toString();
  } finally {
    root.destroy();
    a.destroy();
    b.destroy();
  }
}
