// Putting files back as a checkpoint had them, as a new edit: each file's text is changed by a
// minimal diff (lib/edits/sequenceDiff.ts), so the characters both versions share keep their
// identity (and their authors), and whatever another person types at the same time merges as
// usual. Nothing is rewound: the document's history goes on forward, and an undo of this one
// transaction (a Y.UndoManager tracking its origin) takes exactly it back. The browser runs it
// as the person restoring; the server's API runs it on a replica whose clientID is that person's.
import * as Y from 'yjs';
import { diffText } from '../edits/sequenceDiff.ts';
import { filesOf, isFileKey, toLF } from '../schema.ts';

/** Changes `text` into `target` by a minimal diff; returns whether anything changed. */
export function writeMinimal(text: Y.Text, target: string): boolean {
  const current = text.toString();
  const wanted = toLF(target);
  if (current === wanted) return false;
  let pos = 0;
  for (const op of diffText(current, wanted)) {
    if (op.type === 'retain') pos += op.count;
    else if (op.type === 'delete') text.delete(pos, op.count);
    else {
      text.insert(pos, op.text);
      pos += op.text.length;
    }
  }
  return true;
}

/**
 * Makes the files named by `only` (or, when null, every file of either side) as they are in
 * `target`: changed by a minimal diff, created, or deleted when the checkpoint did not have
 * them. One transaction with `origin`. Returns the paths it changed, sorted.
 */
export function restoreFiles(doc: Y.Doc, target: Record<string, string>, only: readonly string[] | null, origin: unknown): string[] {
  const files = filesOf(doc);
  const paths = only ?? Array.from(new Set([...Object.keys(target), ...files.keys()]));
  const changed: string[] = [];
  doc.transact(() => {
    for (const path of paths) {
      if (!isFileKey(path)) continue;
      const wanted = Object.hasOwn(target, path) ? target[path] : undefined;
      const have = files.get(path);
      if (wanted === undefined) {
        if (have !== undefined) {
          files.delete(path);
          changed.push(path);
        }
      } else if (!(have instanceof Y.Text)) {
        files.set(path, new Y.Text(toLF(wanted)));
        changed.push(path);
      } else if (writeMinimal(have, wanted)) {
        changed.push(path);
      }
    }
  }, origin);
  return changed.sort();
}
