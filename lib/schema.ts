// The session document's schema. Everything a session holds lives in one Y.Doc so that late
// joiners, reconnects, offline clients and persistence get it for free. Integrations rely on
// these names: change them only together with SCHEMA_VERSION and the README.
import * as Y from 'yjs';

export const SCHEMA_VERSION = 1;

/** Top-level shared types of a session document. */
export const DOC_KEYS = {
  /** Y.Map<Y.Text>: workspace path (`src/app.ts`) → file contents, always LF. */
  files: 'files',
  /** Y.Map<true>: explicitly created folders (so an empty folder exists). */
  folders: 'folders',
  /** Y.Map<unknown>: `title`, `schemaVersion`, `createdAt`. */
  meta: 'meta',
  /** Y.Map<Identity>: String(clientID) → who wrote with that clientID. */
  identities: 'identities',
  /**
   * Y.Map<AcceptedPrediction>: `<clientID>:<clock>` → text a person wrote by accepting an edit
   * prediction (its items are theirs: clientID and clock range; the model that predicted it).
   */
  predictions: 'predictions',
} as const;

export interface AcceptedPrediction {
  /** The accepting person's clientID: the items' author (the server refuses any other). */
  client: number;
  /** First clock of the inserted items and how many there are. */
  clock: number;
  length: number;
  model: string;
}

export type Role = 'edit' | 'view';

export interface Identity {
  kind: 'human' | 'ai';
  name: string;
  color: string;
  /** For the AI: the run and model that wrote with this clientID. */
  runId?: string;
  model?: string;
}

export function filesOf(doc: Y.Doc): Y.Map<Y.Text> {
  return doc.getMap<Y.Text>(DOC_KEYS.files);
}

export function foldersOf(doc: Y.Doc): Y.Map<true> {
  return doc.getMap<true>(DOC_KEYS.folders);
}

export function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(DOC_KEYS.meta);
}

/** The meta entry naming the session's newest checkpoint ({id, at}; written by the server's history). */
export const CHECKPOINT_META_KEY = 'checkpoint';

export function acceptedPredictionsOf(doc: Y.Doc): Y.Map<AcceptedPrediction> {
  return doc.getMap<AcceptedPrediction>(DOC_KEYS.predictions);
}

export function identitiesOf(doc: Y.Doc): Y.Map<Identity> {
  return doc.getMap<Identity>(DOC_KEYS.identities);
}

/** Normalises text to the document's line endings (LF). */
export function toLF(text: string): string {
  return text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
}

/**
 * A workspace path: relative, `/`-separated, no empty, `.` or `..` segments, no control
 * characters, no drive letter (`C:`), at most 512 characters. Returns the normalised path or
 * null. The one rule for every file key that enters or leaves the document (isFileKey).
 */
export function normalisePath(input: string): string | null {
  const trimmed = input.trim().replace(/\\/g, '/').replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed.length === 0 || trimmed.length > 512) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return null;
  const parts = trimmed.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return null;
  if (/^[A-Za-z]:$/.test(parts[0])) return null;
  return parts.join('/');
}

/** A key of the files map as it must be: a path already in normal form. */
export function isFileKey(key: string): boolean {
  return normalisePath(key) === key;
}

/** Writes seed files into a fresh document (server side only: seeding on clients doubles text). */
export function seedDocument(doc: Y.Doc, title: string, files: Record<string, string>, origin: unknown = null): void {
  doc.transact(() => {
    const meta = metaOf(doc);
    meta.set('schemaVersion', SCHEMA_VERSION);
    meta.set('title', title);
    meta.set('createdAt', Date.now());
    const map = filesOf(doc);
    for (const [rawPath, content] of Object.entries(files)) {
      const path = normalisePath(rawPath);
      if (!path) continue;
      map.set(path, new Y.Text(toLF(content)));
    }
  }, origin);
}

/** Reads every file of a document as plain strings (keys that are not paths are left out). */
export function readFiles(doc: Y.Doc): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, text] of filesOf(doc)) if (isFileKey(path) && text instanceof Y.Text) out[path] = text.toString();
  return out;
}
