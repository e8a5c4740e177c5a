// The AI thread as it lives in the session document. Integrations and the review UI rely on
// these names; change them only together with SCHEMA_VERSION in lib/schema.ts and the README.
//
//   aiRuns      Y.Map<Y.Map>   runId → run (fields below)
//   aiRunOrder  Y.Array<string> runIds, oldest first (the thread's order; bounded, oldest dropped)
//
// A run (Y.Map):
//   id, prompt, file (string | null), selection (AiSelection | null), createdAt (epoch ms),
//   requestedBy {name, clientId?}, status (AiRunStatus), queuePosition (1-based while queued,
//   else null), startedAt / finishedAt (epoch ms | null), model, provider (label),
//   explanation (Y.Text: the model's prose, streamed), metrics (AiMetrics | null),
//   error ({code, message} | null), aiClientId (the Yjs clientID the run wrote with),
//   truncated (string | null: what the context left out), hunks (Y.Array<Y.Map>, below).
//
// A hunk (Y.Map) — one located change, in the order the model sent them:
//   id ('<runId>:<n>'), file, op ('add' | 'update' | 'delete'), status (AiHunkStatus),
//   reason (why it was refused or rolled back, else null), tier (locator tier, else null),
//   start / end (base64 Yjs relative positions bounding the text the hunk wrote: start is
//     associated with the range's first character (assoc 0), end with its last one (assoc -1),
//     so typing just outside never widens the range; both null for a refused hunk), oldText (the text the hunk replaced, exactly as it was), newText (what the
//     model asked for), startLine (1-based line of the range when written),
//   review ('pending' | 'kept' | 'rejected'): review state, written by the review endpoint,
//   items (AiHunkItems | null): the Yjs items the hunk wrote and removed, recorded by the writer
//     when the hunk completes (lib/review/record.ts); what makes reject exact after any edit.
//   aiFrom, removedSoFar, created (while 'streaming' only, then null): the AI client's clock when
//     the hunk began, the characters it has deleted so far as [client, clock, text], and whether
//     it created the file: what a process taking over after a crash needs to roll the hunk back
//     (server/ai/orphanRuns.ts).
//   conflict (boolean, absent = false): refused because a person changed the same characters
//     after the model read the file; oldText/newText are then the model's whole hunk (its copy
//     of the old lines and what it wanted instead), for people to compare with theirs.
// Reject = remove the characters between start and end written by aiClientId, then insert
// oldText at start; everything a reject needs is in the document, so it survives restarts.
import * as Y from 'yjs';

export const AI_DOC_KEYS = {
  runs: 'aiRuns',
  order: 'aiRunOrder',
} as const;

export type AiRunStatus = 'queued' | 'thinking' | 'editing' | 'done' | 'error' | 'cancelled';
export type AiHunkStatus = 'streaming' | 'applied' | 'refused' | 'rolledBack';
export type AiHunkOp = 'add' | 'update' | 'delete';
export type AiReview = 'pending' | 'kept' | 'rejected';

/** 1-based lines and columns (Monaco's convention), end exclusive. */
export interface AiSelection {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface AiMetrics {
  ttftMs: number | null;
  tokens: number;
  tokensPerSec: number | null;
  durationMs: number;
}

export interface AiRunError {
  code: string;
  message: string;
}

/** [clientID, clock, length] of a run of Yjs items. */
export type IdSpan = [client: number, clock: number, len: number];

/**
 * What a hunk did at the item level. `before`: the clock of every client with characters in
 * the located range when the hunk started (an item of such a client at or after that clock, or
 * of another non-AI client, was typed by a person after the hunk began). `inserted`: the items
 * the hunk inserted. `removed`: the characters it deleted, with their text (the room document
 * garbage-collects deleted content, so the text travels with the ids).
 */
export interface AiHunkItems {
  v: 1;
  before: [client: number, clock: number][];
  inserted: IdSpan[];
  removed: [client: number, clock: number, text: string][];
}

export interface AiHunkView {
  id: string;
  file: string;
  op: AiHunkOp;
  status: AiHunkStatus;
  reason: string | null;
  tier: string | null;
  start: string | null;
  end: string | null;
  oldText: string;
  newText: string;
  startLine: number | null;
  review: AiReview;
  items: AiHunkItems | null;
  conflict: boolean;
}

/** A follow-up someone sent to a run while it was working (steered into it, or queued after it). */
export interface AiRedirect {
  prompt: string;
  by: string;
  at: number;
  mode: 'steer' | 'queue';
  /** The queued run that carries it (mode 'queue'). */
  runId?: string;
}

export interface AiRunView {
  id: string;
  prompt: string;
  file: string | null;
  selection: AiSelection | null;
  createdAt: number;
  requestedBy: { name: string; clientId?: number };
  status: AiRunStatus;
  queuePosition: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  model: string | null;
  provider: string | null;
  explanation: string;
  metrics: AiMetrics | null;
  error: AiRunError | null;
  aiClientId: number | null;
  truncated: string | null;
  /** The person typing in the lines of the hunk in progress, whom it waits for. */
  waitingFor: string | null;
  /** Follow-ups sent while it worked, in order. */
  redirects: AiRedirect[];
  hunks: AiHunkView[];
  /** Files touched, with their hunks' ids, in first-touched order. */
  changes: { file: string; op: AiHunkOp; hunks: { id: string; status: AiHunkStatus; reason?: string; tier?: string }[] }[];
}

/** Runs kept in the thread; older ones are dropped from the document. */
export const MAX_RUNS_KEPT = 200;

export function aiRunsOf(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>(AI_DOC_KEYS.runs);
}

export function aiRunOrderOf(doc: Y.Doc): Y.Array<string> {
  return doc.getArray<string>(AI_DOC_KEYS.order);
}

export function isFinished(status: AiRunStatus): boolean {
  return status === 'done' || status === 'error' || status === 'cancelled';
}

/** Encodes a relative position for storage in a Y.Map (base64, portable across peers). */
export function encodeRelPos(pos: Y.RelativePosition): string {
  const bytes = Y.encodeRelativePosition(pos);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function decodeRelPos(encoded: string): Y.RelativePosition {
  const binary = atob(encoded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return Y.decodeRelativePosition(bytes);
}

/**
 * The relative positions a hunk's [start, end) is stored as (hunkRange reads them back): start
 * sticks to the first character (assoc 0), end to the one before it (assoc -1), so typing just
 * outside either edge stays outside the range.
 */
export function hunkRangeAt(text: Y.Text, start: number, end: number): { start: Y.RelativePosition; end: Y.RelativePosition } {
  return { start: Y.createRelativePositionFromTypeIndex(text, start, 0), end: Y.createRelativePositionFromTypeIndex(text, end, -1) };
}

/** The current [start, end) offsets of a hunk's range, or null if it is gone or refused. */
export function hunkRange(doc: Y.Doc, hunk: Pick<AiHunkView, 'start' | 'end'>): { text: Y.Text; start: number; end: number } | null {
  if (!hunk.start || !hunk.end) return null;
  const start = Y.createAbsolutePositionFromRelativePosition(decodeRelPos(hunk.start), doc);
  const end = Y.createAbsolutePositionFromRelativePosition(decodeRelPos(hunk.end), doc);
  if (!start || !end || start.type !== end.type || !(start.type instanceof Y.Text)) return null;
  return { text: start.type, start: start.index, end: Math.max(start.index, end.index) };
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function readItems(value: unknown): AiHunkItems | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Partial<AiHunkItems>;
  if (v.v !== 1 || !Array.isArray(v.before) || !Array.isArray(v.inserted) || !Array.isArray(v.removed)) return null;
  return v as AiHunkItems;
}

export function readHunk(map: Y.Map<unknown>): AiHunkView {
  return {
    id: str(map.get('id')) ?? '',
    file: str(map.get('file')) ?? '',
    op: (str(map.get('op')) ?? 'update') as AiHunkOp,
    status: (str(map.get('status')) ?? 'refused') as AiHunkStatus,
    reason: str(map.get('reason')),
    tier: str(map.get('tier')),
    start: str(map.get('start')),
    end: str(map.get('end')),
    oldText: str(map.get('oldText')) ?? '',
    newText: str(map.get('newText')) ?? '',
    startLine: num(map.get('startLine')),
    review: (str(map.get('review')) ?? 'pending') as AiReview,
    items: readItems(map.get('items')),
    conflict: map.get('conflict') === true,
  };
}

/** A plain snapshot of a run, for the API and the UI. */
function readRedirects(value: unknown): AiRedirect[] {
  if (!Array.isArray(value)) return [];
  return value.filter((r): r is AiRedirect => typeof r === 'object' && r !== null && typeof r.prompt === 'string' && typeof r.by === 'string');
}

export function readRun(map: Y.Map<unknown>): AiRunView {
  const hunksArr = map.get('hunks');
  const hunks = hunksArr instanceof Y.Array ? (hunksArr.toArray() as Y.Map<unknown>[]).map(readHunk) : [];
  const changes: AiRunView['changes'] = [];
  for (const h of hunks) {
    let change = changes.find((c) => c.file === h.file);
    if (!change) changes.push((change = { file: h.file, op: h.op, hunks: [] }));
    change.hunks.push({ id: h.id, status: h.status, ...(h.reason ? { reason: h.reason } : {}), ...(h.tier ? { tier: h.tier } : {}) });
  }
  const explanation = map.get('explanation');
  return {
    id: str(map.get('id')) ?? '',
    prompt: str(map.get('prompt')) ?? '',
    file: str(map.get('file')),
    selection: (map.get('selection') as AiSelection | null | undefined) ?? null,
    createdAt: num(map.get('createdAt')) ?? 0,
    requestedBy: (map.get('requestedBy') as AiRunView['requestedBy'] | undefined) ?? { name: 'someone' },
    status: (str(map.get('status')) ?? 'queued') as AiRunStatus,
    queuePosition: num(map.get('queuePosition')),
    startedAt: num(map.get('startedAt')),
    finishedAt: num(map.get('finishedAt')),
    model: str(map.get('model')),
    provider: str(map.get('provider')),
    explanation: explanation instanceof Y.Text ? explanation.toString() : str(explanation) ?? '',
    metrics: (map.get('metrics') as AiMetrics | null | undefined) ?? null,
    error: (map.get('error') as AiRunError | null | undefined) ?? null,
    aiClientId: num(map.get('aiClientId')),
    truncated: str(map.get('truncated')),
    waitingFor: str(map.get('waitingFor')),
    redirects: readRedirects(map.get('redirects')),
    hunks,
    changes,
  };
}

/** Every run in thread order. */
export function readThread(doc: Y.Doc): AiRunView[] {
  const runs = aiRunsOf(doc);
  const out: AiRunView[] = [];
  for (const id of aiRunOrderOf(doc).toArray()) {
    const map = runs.get(id);
    if (map) out.push(readRun(map));
  }
  return out;
}
