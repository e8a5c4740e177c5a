// Writes one run's entry of the AI thread (lib/ai/schema.ts) in the AI peer's replica of the
// document, always inside a transaction tagged with the run's origin. Explanation text is
// batched like edits (frameBatcher.ts): the first text goes out at once, then at most one
// transaction per frame while it streams, not one per token.
import * as Y from 'yjs';
import {
  MAX_RUNS_KEPT,
  aiRunOrderOf,
  aiRunsOf,
  readRun,
  type AiError,
  type AiHunkItems,
  type AiHunkOp,
  type AiHunkStatus,
  type AiMetrics,
  type AiRunStatus,
  type AiRunView,
  type AiSelection,
} from '../../lib/ai/schema.ts';
import { FrameBatcher } from './frameBatcher.ts';

export interface RunOrigin {
  kind: 'ai';
  runId: string;
}

export interface NewRun {
  id: string;
  prompt: string;
  file: string | null;
  selection: AiSelection | null;
  requestedBy: { name: string; clientId?: number };
  createdAt: number;
  queuePosition: number | null;
}

export interface HunkFields {
  status?: AiHunkStatus;
  reason?: string | null;
  tier?: string | null;
  start?: string | null;
  end?: string | null;
  oldText?: string;
  newText?: string;
  startLine?: number | null;
  /** Null for a delete hunk: its oldText is what a reject restores (the file's items went with it). */
  items?: AiHunkItems | null;
}

export class RunRecord {
  readonly id: string;
  readonly origin: RunOrigin;
  private readonly doc: Y.Doc;
  private readonly map: Y.Map<unknown>;
  private pendingText = '';
  private readonly textBatch = new FrameBatcher(() => this.writeText());
  private hunkCount = 0;

  private constructor(doc: Y.Doc, map: Y.Map<unknown>, id: string) {
    this.doc = doc;
    this.map = map;
    this.id = id;
    this.origin = { kind: 'ai', runId: id };
  }

  /** Adds a queued run to the thread, dropping the oldest finished runs past MAX_RUNS_KEPT. */
  static create(doc: Y.Doc, run: NewRun): RunRecord {
    const map = new Y.Map<unknown>();
    const record = new RunRecord(doc, map, run.id);
    doc.transact(() => {
      map.set('id', run.id);
      map.set('prompt', run.prompt);
      map.set('file', run.file);
      map.set('selection', run.selection);
      map.set('requestedBy', run.requestedBy);
      map.set('createdAt', run.createdAt);
      map.set('status', 'queued' satisfies AiRunStatus);
      map.set('queuePosition', run.queuePosition);
      map.set('startedAt', null);
      map.set('finishedAt', null);
      map.set('model', null);
      map.set('provider', null);
      map.set('explanation', new Y.Text());
      map.set('metrics', null);
      map.set('error', null);
      map.set('aiClientId', null);
      map.set('truncated', null);
      map.set('hunks', new Y.Array<Y.Map<unknown>>());
      aiRunsOf(doc).set(run.id, map);
      const order = aiRunOrderOf(doc);
      order.push([run.id]);
      const excess = order.length - MAX_RUNS_KEPT;
      if (excess > 0) {
        for (const old of order.slice(0, excess)) aiRunsOf(doc).delete(old);
        order.delete(0, excess);
      }
    }, record.origin);
    return record;
  }

  set(fields: Partial<{
    status: AiRunStatus;
    queuePosition: number | null;
    startedAt: number;
    finishedAt: number;
    model: string;
    provider: string;
    metrics: AiMetrics;
    error: AiError | null;
    aiClientId: number;
    truncated: string | null;
  }>): void {
    this.flushText();
    this.doc.transact(() => {
      for (const [key, value] of Object.entries(fields)) this.map.set(key, value);
    }, this.origin);
  }

  get status(): AiRunStatus {
    return this.map.get('status') as AiRunStatus;
  }

  appendExplanation(delta: string): void {
    if (delta === '') return;
    this.pendingText += delta;
    this.textBatch.schedule();
  }

  /** Writes the explanation text still pending (before any other field, to keep their order). */
  flushText(): void {
    this.textBatch.flush();
  }

  private writeText(): boolean {
    if (this.pendingText === '') return false;
    const text = this.map.get('explanation') as Y.Text;
    const delta = this.pendingText;
    this.pendingText = '';
    this.doc.transact(() => text.insert(text.length, delta), this.origin);
    return true;
  }

  /** Appends a hunk entry and returns its id and map. */
  addHunk(file: string, op: AiHunkOp, fields: HunkFields): { id: string; map: Y.Map<unknown> } {
    const id = `${this.id}:${++this.hunkCount}`;
    const hunk = new Y.Map<unknown>();
    this.doc.transact(() => {
      hunk.set('id', id);
      hunk.set('file', file);
      hunk.set('op', op);
      hunk.set('review', 'pending');
      for (const key of ['status', 'reason', 'tier', 'start', 'end', 'oldText', 'newText', 'startLine', 'items'] as const) {
        hunk.set(key, fields[key] ?? (key === 'oldText' || key === 'newText' ? '' : null));
      }
      (this.map.get('hunks') as Y.Array<Y.Map<unknown>>).push([hunk]);
    }, this.origin);
    return { id, map: hunk };
  }

  updateHunk(hunk: Y.Map<unknown>, fields: HunkFields): void {
    this.doc.transact(() => {
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) hunk.set(key, value);
    }, this.origin);
  }

  view(): AiRunView {
    return readRun(this.map);
  }

  dispose(): void {
    this.flushText();
  }
}
