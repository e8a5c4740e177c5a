// Workspace changes made from the file tree. Each one is a single transaction so that other
// people see a rename as one change, never a moment with both or neither file, and carries
// FILE_TREE_ORIGIN, so observers can tell this person's tree edits from others'.
import * as Y from 'yjs';
import { FILE_TREE_ORIGIN } from '@/lib/origins.ts';
import { filesOf, foldersOf, metaOf, normalisePath } from '@/lib/schema.ts';
import { isWithin } from './pathTree.ts';

export type OpResult = { ok: true; path: string } | { ok: false; error: string };

function exists(doc: Y.Doc, path: string): boolean {
  const files = filesOf(doc);
  if (files.has(path) || foldersOf(doc).has(path)) return true;
  for (const key of files.keys()) if (key.startsWith(`${path}/`)) return true;
  return false;
}

function checkTarget(doc: Y.Doc, raw: string): OpResult {
  const path = normalisePath(raw);
  if (!path) return { ok: false, error: 'That name is not a valid path.' };
  if (exists(doc, path)) return { ok: false, error: `“${path}” already exists.` };
  // A file cannot also be a folder on the way to the new path.
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    if (filesOf(doc).has(parts.slice(0, i).join('/'))) return { ok: false, error: `“${parts.slice(0, i).join('/')}” is a file.` };
  }
  return { ok: true, path };
}

export function createFile(doc: Y.Doc, raw: string): OpResult {
  const check = checkTarget(doc, raw);
  if (!check.ok) return check;
  doc.transact(() => filesOf(doc).set(check.path, new Y.Text()), FILE_TREE_ORIGIN);
  return check;
}

export function createFolder(doc: Y.Doc, raw: string): OpResult {
  const check = checkTarget(doc, raw);
  if (!check.ok) return check;
  doc.transact(() => foldersOf(doc).set(check.path, true), FILE_TREE_ORIGIN);
  return check;
}

/** Renames a file or a folder (with everything inside it). */
export function renamePath(doc: Y.Doc, from: string, rawTo: string): OpResult {
  const to = normalisePath(rawTo);
  if (!to) return { ok: false, error: 'That name is not a valid path.' };
  if (to === from) return { ok: true, path: to };
  if (isWithin(to, from)) return { ok: false, error: 'A folder cannot move inside itself.' };
  const check = checkTarget(doc, to);
  if (!check.ok) return check;
  const files = filesOf(doc);
  const folders = foldersOf(doc);
  doc.transact(() => {
    // Y types cannot be re-parented: a rename is a new Y.Text with the same content.
    for (const [path, text] of Array.from(files.entries())) {
      if (!isWithin(path, from)) continue;
      const target = to + path.slice(from.length);
      files.set(target, new Y.Text(text.toString()));
      files.delete(path);
    }
    for (const path of Array.from(folders.keys())) {
      if (!isWithin(path, from)) continue;
      folders.set(to + path.slice(from.length), true);
      folders.delete(path);
    }
  }, FILE_TREE_ORIGIN);
  return { ok: true, path: to };
}

/** Deletes a file, or a folder with everything inside it. */
/** The files a deletion of `path` (a file or a folder) would remove. */
export function filesWithin(doc: Y.Doc, path: string): string[] {
  return Array.from(filesOf(doc).keys()).filter((key) => isWithin(key, path)).sort();
}

/**
 * Deletes a file or a folder with everything in it. The same transaction records the deletion in
 * the session's meta map (`deletion`: the paths and when), so the others can be told which files
 * went and, from the entry's Yjs client, by whom.
 */
export function deletePath(doc: Y.Doc, path: string): string[] {
  const files = filesOf(doc);
  const folders = foldersOf(doc);
  const deleted = filesWithin(doc, path);
  doc.transact(() => {
    for (const key of deleted) files.delete(key);
    for (const key of Array.from(folders.keys())) if (isWithin(key, path)) folders.delete(key);
    metaOf(doc).set(DELETION_KEY, { path, files: deleted.slice(0, MAX_RECORDED), at: Date.now() });
  }, FILE_TREE_ORIGIN);
  return deleted;
}

/** The meta map's entry naming the last deletion (components/files/useDeletion.tsx reads it). */
export const DELETION_KEY = 'deletion';
/** Paths one deletion record lists (a folder's files beyond it are counted, not named). */
const MAX_RECORDED = 50;
