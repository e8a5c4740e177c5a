// The review action log, in the document: what each keep/reject did at the item level, so any
// action can be undone from the panel by anyone, after reloads and server restarts.
//
//   reviewLog  Y.Array<Y.Map>  oldest first, at most MAX_LOG_ENTRIES (older ones can no longer be undone)
// An entry (Y.Map): id, action ('keep' | 'reject'), by {name, clientId?}, at (epoch ms),
//   steps (ReviewStep[], plain JSON), undone ({by, at} | null).
import * as Y from 'yjs';
import type { IdSpan } from '../ai/aiRuns.ts';

export const REVIEW_LOG_KEY = 'reviewLog';
export const MAX_LOG_ENTRIES = 500;

export type ReviewAction = 'keep' | 'reject';

export interface ReviewBy {
  name: string;
  clientId?: number;
}

export interface ReviewStep {
  runId: string;
  hunkId: string;
  file: string;
  /** Reject: items it inserted to restore the old text (removed again by an undo). */
  restored: IdSpan[];
  /** Reject: newlines it added so that a person's text keeps its own line (removed again by an undo). */
  separators?: IdSpan[];
  /** Reject: the AI's characters it removed, with their ids (re-inserted there by an undo). */
  removedAi: [client: number, clock: number, text: string][];
  /** Reject of an added file removed the file; reject of a deleted file recreated it. */
  fileRemoved?: boolean;
  fileCreated?: boolean;
}

export interface ReviewLogEntry {
  id: string;
  action: ReviewAction;
  by: ReviewBy;
  at: number;
  steps: ReviewStep[];
  undone: { by: ReviewBy; at: number } | null;
}

export function reviewLogOf(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(REVIEW_LOG_KEY);
}

export function readEntry(map: Y.Map<unknown>): ReviewLogEntry {
  return {
    id: String(map.get('id') ?? ''),
    action: map.get('action') === 'reject' ? 'reject' : 'keep',
    by: (map.get('by') as ReviewBy | undefined) ?? { name: 'someone' },
    at: Number(map.get('at') ?? 0),
    steps: (map.get('steps') as ReviewStep[] | undefined) ?? [],
    undone: (map.get('undone') as ReviewLogEntry['undone'] | undefined) ?? null,
  };
}

/** The log, oldest first. */
export function readLog(doc: Y.Doc): ReviewLogEntry[] {
  return reviewLogOf(doc).toArray().map(readEntry);
}

/** Appends an entry (inside the caller's transaction), dropping the oldest past the bound. */
export function appendEntry(doc: Y.Doc, entry: Omit<ReviewLogEntry, 'undone'>): void {
  const map = new Y.Map<unknown>();
  map.set('id', entry.id);
  map.set('action', entry.action);
  map.set('by', entry.by);
  map.set('at', entry.at);
  map.set('steps', entry.steps);
  map.set('undone', null);
  const log = reviewLogOf(doc);
  log.push([map]);
  const excess = log.length - MAX_LOG_ENTRIES;
  if (excess > 0) log.delete(0, excess);
}

export function findEntry(doc: Y.Doc, id: string): Y.Map<unknown> | null {
  for (const map of reviewLogOf(doc)) if (map.get('id') === id) return map;
  return null;
}

/** The most recent entry not undone yet. */
export function lastUndoable(doc: Y.Doc): Y.Map<unknown> | null {
  const log = reviewLogOf(doc);
  for (let i = log.length - 1; i >= 0; i--) {
    const map = log.get(i);
    if (!map.get('undone')) return map;
  }
  return null;
}
