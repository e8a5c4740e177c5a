// Keep, reject and undo of AI hunks, applied to a document at the item level.
//
// Reject = selective undo: it deletes exactly the hunk's AI items (by clientID and recorded item
// ids, never by matching text), re-inserts the characters the hunk removed at their tombstones,
// and leaves every character a person typed inside or beside the hunk. Other hunks are not
// touched, so rejecting hunk 1 of 3 leaves 2 and 3 pending and correct. Where removing the AI's
// newlines would glue a person's text to another line, a fresh newline (the reviewer's) keeps
// it on a line of its own (rejectLines.ts); an undo removes those with the restored text.
//
// Writes happen in forks of the document with clientIDs of their own, merged back in one update
// with the caller's origin: restored old text is attributed to the reviewer, and AI text
// re-inserted by an undone reject to the AI run (identities map), never to whoever else shares
// the target document's clientID.
import * as Y from 'yjs';
import { filesOf, identitiesOf, type Identity } from '../schema.ts';
import { aiRunsOf, hunkRange, hunkRangeAt, readHunk, readRun, encodeRelPos, type AiHunkView, type AiReview, type AiRunView, type IdSpan } from '../ai/aiRuns.ts';
import { aiClientsOf } from './hunks.ts';
import { indexOfId, itemsIn, pushSpan, visibleSpans } from './items.ts';
import { appendEntry, findEntry, lastUndoable, readEntry, type ReviewAction, type ReviewBy, type ReviewLogEntry, type ReviewStep } from './reviewLog.ts';
import { planReject } from './plan.ts';

export type ReviewErrorCode =
  | 'unknown_hunk' | 'unknown_run' | 'unknown_entry'
  | 'already_reviewed' | 'not_applied' | 'not_reviewable' | 'nothing_pending' | 'nothing_to_undo' | 'conflict';

export class ReviewError extends Error {
  readonly code: ReviewErrorCode;
  constructor(code: ReviewErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type ReviewRequest =
  | { action: ReviewAction; hunkIds?: string[]; runId?: string; file?: string }
  | { action: 'undo'; entryId?: string };

export interface ReviewResult {
  entry: ReviewLogEntry;
  hunks: { hunkId: string; runId: string; file: string; review: AiReview }[];
}

interface Target {
  runMap: Y.Map<unknown>;
  run: AiRunView;
  hunkMap: Y.Map<unknown>;
  hunk: AiHunkView;
}

const REVIEWER_COLOR = '#64748b';
const AI_FALLBACK_COLOR = '#8b5cf6';

function hunkMaps(runMap: Y.Map<unknown>): Y.Map<unknown>[] {
  const arr = runMap.get('hunks');
  return arr instanceof Y.Array ? (arr.toArray() as Y.Map<unknown>[]) : [];
}

export function findHunk(doc: Y.Doc, hunkId: string): Target | null {
  const runId = hunkId.slice(0, hunkId.lastIndexOf(':'));
  const runMap = aiRunsOf(doc).get(runId);
  if (!runMap) return null;
  const hunkMap = hunkMaps(runMap).find((m) => m.get('id') === hunkId);
  return hunkMap ? { runMap, run: readRun(runMap), hunkMap, hunk: readHunk(hunkMap) } : null;
}

/** The hunks a keep/reject request names, validated: every one applied and pending. */
export function selectHunks(doc: Y.Doc, req: { action: ReviewAction; hunkIds?: string[]; runId?: string; file?: string }): Target[] {
  if (req.hunkIds && req.hunkIds.length > 0) {
    return req.hunkIds.map((id) => {
      const t = findHunk(doc, id);
      if (!t) throw new ReviewError('unknown_hunk', `no hunk ${JSON.stringify(id)} in this session`);
      if (t.hunk.status !== 'applied') throw new ReviewError('not_applied', `hunk ${id} is ${t.hunk.status}, not applied: there is nothing to ${req.action}`);
      if (t.hunk.review !== 'pending') throw new ReviewError('already_reviewed', `hunk ${id} was already ${t.hunk.review}; undo that first`);
      return t;
    });
  }
  if (req.runId === undefined && req.file === undefined) throw new ReviewError('nothing_pending', 'name hunkIds, a runId or a file');
  if (req.runId !== undefined && !aiRunsOf(doc).has(req.runId)) throw new ReviewError('unknown_run', `no AI run ${JSON.stringify(req.runId)} in this session`);
  const out: Target[] = [];
  for (const [runId, runMap] of aiRunsOf(doc)) {
    if (req.runId !== undefined && runId !== req.runId) continue;
    const run = readRun(runMap);
    for (const hunkMap of hunkMaps(runMap)) {
      const hunk = readHunk(hunkMap);
      if (hunk.status !== 'applied' || hunk.review !== 'pending') continue;
      if (req.file !== undefined && hunk.file !== req.file) continue;
      out.push({ runMap, run, hunkMap, hunk });
    }
  }
  if (out.length === 0) throw new ReviewError('nothing_pending', 'no pending AI changes match');
  return out;
}

function fork(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
}

/** Runs a write in a fork whose clientID is registered with this identity if it inserts text. */
function inFork(state: Uint8Array, identity: Identity, write: (doc: Y.Doc) => void): Y.Doc {
  const doc = fork(state);
  doc.transact(() => {
    write(doc);
    if (Y.getState(doc.store, doc.clientID) > 0) identitiesOf(doc).set(String(doc.clientID), identity);
  });
  return doc;
}

/** Inserts text at a tombstone (or where it would be); returns the new items' span. */
function insertAt(doc: Y.Doc, text: Y.Text, client: number, clock: number, str: string, spans: IdSpan[]): void {
  const index = indexOfId(text, client, clock) ?? text.length;
  const first = Y.getState(doc.store, doc.clientID);
  text.insert(index, str);
  pushSpan(spans, doc.clientID, first, str.length);
}

function deleteSpans(text: Y.Text, spans: { start: number; end: number }[]): void {
  for (let k = spans.length - 1; k >= 0; k--) text.delete(spans[k].start, spans[k].end - spans[k].start);
}

function rejectOne(doc: Y.Doc, t: Target): ReviewStep {
  const step: ReviewStep = { runId: t.run.id, hunkId: t.hunk.id, file: t.hunk.file, restored: [], removedAi: [] };
  const files = filesOf(doc);
  const { hunk } = t;
  if (hunk.op === 'delete') {
    if (files.has(hunk.file)) throw new ReviewError('conflict', `${hunk.file} exists again; rejecting the deletion would overwrite it`);
    const text = new Y.Text();
    files.set(hunk.file, text);
    const first = Y.getState(doc.store, doc.clientID);
    text.insert(0, hunk.oldText);
    pushSpan(step.restored, doc.clientID, first, hunk.oldText.length);
    step.fileCreated = true;
    return step;
  }
  const text = files.get(hunk.file);
  if (!text) throw new ReviewError('conflict', `${hunk.file} no longer exists`);
  if (!hunk.items && hunk.op !== 'add') throw new ReviewError('not_reviewable', `hunk ${hunk.id} was written without item records; it can be kept but not rejected`);
  // This fork's own earlier restores (reject-all) are old text, not a person's typing.
  const plan = planReject(doc, t.run, hunk, new Set([doc.clientID]));
  // The AI's characters, with their ids and text, so that an undo can put them back.
  const content = text.toString();
  for (const span of plan.aiSpans) {
    for (const it of itemsIn(text, span.start, span.end)) {
      step.removedAi.push([it.client, it.clock, content.slice(it.start, it.end)]);
    }
  }
  deleteSpans(text, plan.aiSpans);
  // Last tombstone first: Yjs places an insert after the tombstones that follow the index, so
  // going backwards keeps the pieces in their original order.
  const removed = hunk.items?.removed ?? [];
  for (let k = removed.length - 1; k >= 0; k--) insertAt(doc, text, removed[k][0], removed[k][1], removed[k][2], step.restored);
  // The layout was computed on the document before the writes; if the text left differs (it
  // cannot, short of a bug), adding separators at its offsets would misplace them.
  const { separators } = plan.lines;
  if (separators.length > 0 && text.toString() === plan.lines.result) {
    step.separators = [];
    for (let k = separators.length - 1; k >= 0; k--) {
      const first = Y.getState(doc.store, doc.clientID);
      text.insert(separators[k], '\n');
      pushSpan(step.separators, doc.clientID, first, 1);
    }
  }
  if (hunk.op === 'add' && text.length === 0 && files.get(hunk.file) === text) {
    files.delete(hunk.file);
    step.fileRemoved = true;
  }
  return step;
}

function undoReject(reviewer: Y.Doc, step: ReviewStep): void {
  const files = filesOf(reviewer);
  const text = files.get(step.file);
  if (step.fileCreated) {
    if (text) files.delete(step.file);
    return;
  }
  if (text) deleteSpans(text, visibleSpans(text, [...step.restored, ...(step.separators ?? [])]));
}

/** Re-inserts an undone reject's AI text in a fork attributed to the run; moves the hunk's range over it. */
function reinsertAi(ai: Y.Doc, step: ReviewStep): void {
  const files = filesOf(ai);
  let text = files.get(step.file);
  if (step.fileCreated) return;
  if (!text) {
    if (!step.fileRemoved) return;
    text = new Y.Text();
    files.set(step.file, text);
  }
  const spans: IdSpan[] = [];
  for (let k = step.removedAi.length - 1; k >= 0; k--) insertAt(ai, text, step.removedAi[k][0], step.removedAi[k][1], step.removedAi[k][2], spans);
  const target = findHunk(ai, step.hunkId);
  if (!target || spans.length === 0) return;
  const placed = visibleSpans(text, spans);
  const range = hunkRange(ai, target.hunk);
  const start = Math.min(placed[0].start, range && range.text === text ? range.start : Infinity);
  const end = Math.max(placed.at(-1)!.end, range && range.text === text ? range.end : -Infinity);
  const marks = hunkRangeAt(text, start, end);
  target.hunkMap.set('start', encodeRelPos(marks.start));
  target.hunkMap.set('end', encodeRelPos(marks.end));
}

function aiIdentity(doc: Y.Doc, run: AiRunView): Identity {
  const own = run.aiClientId !== null ? identitiesOf(doc).get(String(run.aiClientId)) : undefined;
  const name = own?.name ?? run.model ?? 'AI';
  return { kind: 'ai', name, color: own?.color ?? AI_FALLBACK_COLOR, runId: run.id, ...(run.model ? { model: run.model } : {}) };
}

function newEntryId(): string {
  return `v${Date.now().toString(36)}${Math.floor(Math.random() * 0xffffffff).toString(36)}`;
}

/**
 * Applies a review request to `doc` in one update tagged with `origin`. Throws ReviewError
 * (nothing written) when the request names unknown or already-reviewed hunks.
 */
export function applyReview(doc: Y.Doc, req: ReviewRequest, by: ReviewBy, origin: unknown, now = Date.now()): ReviewResult {
  const state = Y.encodeStateAsUpdate(doc);
  const sv = Y.encodeStateVector(doc);
  const reviewerIdentity: Identity = { kind: 'human', name: by.name, color: REVIEWER_COLOR };
  const forks: Y.Doc[] = [];
  let entryId: string;
  try {
    if (req.action === 'undo') {
      const found = req.entryId !== undefined ? findEntry(doc, req.entryId) : lastUndoable(doc);
      if (!found) throw new ReviewError(req.entryId !== undefined ? 'unknown_entry' : 'nothing_to_undo', req.entryId !== undefined ? `no review action ${JSON.stringify(req.entryId)} (it may be too old)` : 'there is no review action to undo');
      const entry = readEntry(found);
      if (entry.undone) throw new ReviewError('conflict', `review action ${entry.id} was already undone`);
      const expected: AiReview = entry.action === 'keep' ? 'kept' : 'rejected';
      for (const step of entry.steps) {
        const t = findHunk(doc, step.hunkId);
        if (!t) throw new ReviewError('conflict', `hunk ${step.hunkId} is no longer in the thread`);
        if (t.hunk.review !== expected) throw new ReviewError('conflict', `hunk ${step.hunkId} is ${t.hunk.review} now, not ${expected}`);
      }
      entryId = entry.id;
      forks.push(inFork(state, reviewerIdentity, (r) => {
        for (const step of entry.steps) {
          if (entry.action === 'reject') undoReject(r, step);
          findHunk(r, step.hunkId)!.hunkMap.set('review', 'pending');
        }
        findEntry(r, entry.id)!.set('undone', { by, at: now });
      }));
      if (entry.action === 'reject') {
        const byRun = new Map<string, ReviewStep[]>();
        for (const step of entry.steps) (byRun.get(step.runId) ?? byRun.set(step.runId, []).get(step.runId)!).push(step);
        for (const [runId, steps] of byRun) {
          const runMap = aiRunsOf(doc).get(runId);
          if (!runMap) continue;
          forks.push(inFork(state, aiIdentity(doc, readRun(runMap)), (ai) => steps.forEach((s) => reinsertAi(ai, s))));
        }
      }
    } else {
      const action = req.action;
      const targets = selectHunks(doc, req);
      entryId = newEntryId();
      forks.push(inFork(state, reviewerIdentity, (r) => {
        const steps: ReviewStep[] = [];
        for (const t of targets) {
          const own = findHunk(r, t.hunk.id)!;
          steps.push(action === 'reject' ? rejectOne(r, own) : { runId: t.run.id, hunkId: t.hunk.id, file: t.hunk.file, restored: [], removedAi: [] });
          own.hunkMap.set('review', action === 'keep' ? 'kept' : 'rejected');
        }
        appendEntry(r, { id: entryId, action, by, at: now, steps });
      }));
    }
    const update = Y.mergeUpdates(forks.map((f) => Y.encodeStateAsUpdate(f, sv)));
    Y.applyUpdate(doc, update, origin);
  } finally {
    for (const f of forks) f.destroy();
  }
  const entry = readEntry(findEntry(doc, entryId)!);
  return {
    entry,
    hunks: entry.steps.map((s) => ({ hunkId: s.hunkId, runId: s.runId, file: s.file, review: findHunk(doc, s.hunkId)?.hunk.review ?? 'pending' })),
  };
}

export { aiClientsOf };
