// Writes one run's entry of the AI thread (lib/ai/aiRuns.ts) in the AI peer's replica of the
// document, always inside a transaction tagged with the run's origin. Explanation text is
// batched like edits (frameBatcher.ts): the first text goes out at once, then at most one
// transaction per frame while it streams, not one per token.
import * as Y from 'yjs';
import {
  MAX_RUNS_KEPT,
  aiRunOrderOf,
  aiRunsOf,
  readRun,
  type AiRedirect,
  type AiRunError,
  type AiHunkItems,
  type AiHunkOp,
  type AiHunkStatus,
  type AiMetrics,
  type AiRunStatus,
  type AiRunView,
  type AiSelection,
} from '../../lib/ai/aiRuns.ts';
import { aiOrigin, type AiOrigin } from '../../lib/origins.ts';
import { FrameBatcher } from './frameBatcher.ts';

export interface NewRun {
  id: string;
  prompt: string;
  file: string | null;
  selection: AiSelection | null;
  requestedBy: { name: string; clientId?: number };
  createdAt: number;
  queuePosition: number | null;
  /** The model the run was asked of, when not the default (the thread shows it while queued). */
  model?: string | null;
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
  conflict?: boolean;
  /** While streaming: the AI client's clock when the hunk began (server/ai/orphanRuns.ts). */
  aiFrom?: number | null;
  /** While streaming: the characters the hunk deleted so far, with their text; null once ended. */
  removedSoFar?: Y.Array<unknown> | null;
  /** The hunk created its file. */
  created?: boolean;
}

/** An ended hunk keeps no recovery record. */
export const ENDED_HUNK = { aiFrom: null, removedSoFar: null } as const satisfies HunkFields;

type RunFields = Partial<{
  status: AiRunStatus;
  queuePosition: number | null;
  startedAt: number;
  finishedAt: number;
  model: string;
  provider: string;
  metrics: AiMetrics;
  error: AiRunError | null;
  aiClientId: number;
  truncated: string | null;
  /** The person whose typing the hunk in progress waits for (null: none). */
  waitingFor: string | null;
  redirects: AiRedirect[];
}>;

export class RunRecord {
  readonly id: string;
  readonly origin: AiOrigin;
  private readonly doc: Y.Doc;
  private readonly map: Y.Map<unknown>;
  /** The run as asked, until its entry is written into the thread (null once written). */
  private unwritten: NewRun | null;
  private pendingText = '';
  private readonly textBatch = new FrameBatcher(() => this.writeText());
  private hunkCount = 0;

  private constructor(doc: Y.Doc, run: NewRun, existing?: Y.Map<unknown>) {
    this.doc = doc;
    this.map = existing ?? new Y.Map<unknown>();
    this.id = run.id;
    this.origin = aiOrigin(run.id);
    this.unwritten = existing ? null : run;
    if (existing) this.hunkCount = (existing.get('hunks') as Y.Array<unknown>).length;
  }

  /** The entry of a run already in the thread (a queued run this process takes over), or null. */
  static existing(doc: Y.Doc, id: string): RunRecord | null {
    const map = aiRunsOf(doc).get(id);
    if (!map) return null;
    const view = readRun(map);
    return new RunRecord(doc, { ...view, queuePosition: view.queuePosition }, map);
  }

  /** Adds a queued run to the thread, dropping the oldest finished runs past MAX_RUNS_KEPT. */
  static create(doc: Y.Doc, run: NewRun): RunRecord {
    const record = new RunRecord(doc, run);
    record.write({});
    return record;
  }

  /**
   * A run whose thread entry is written later, by its first set() (or write()): a run that
   * starts at once is then written in one transaction together with its start, after its
   * request has gone upstream, instead of once queued and again started.
   */
  static prepare(doc: Y.Doc, run: NewRun): RunRecord {
    return new RunRecord(doc, run);
  }

  /** Whether the thread has this run's entry. */
  get written(): boolean {
    return this.unwritten === null;
  }

  /** Writes the thread entry (once): the run as asked, queued, with `fields` already applied. */
  write(fields: RunFields): void {
    const run = this.unwritten;
    if (!run) return;
    this.unwritten = null;
    const doc = this.doc;
    const map = this.map;
    const initial: Record<string, unknown> = {
      status: 'queued' satisfies AiRunStatus,
      queuePosition: run.queuePosition,
      startedAt: null,
      finishedAt: null,
      model: run.model ?? null,
      provider: null,
      metrics: null,
      error: null,
      aiClientId: null,
      truncated: null,
    };
    for (const [key, value] of Object.entries(fields)) initial[key] = value;
    doc.transact(() => {
      map.set('id', run.id);
      map.set('prompt', run.prompt);
      map.set('file', run.file);
      map.set('selection', run.selection);
      map.set('requestedBy', run.requestedBy);
      map.set('createdAt', run.createdAt);
      for (const [key, value] of Object.entries(initial)) map.set(key, value);
      map.set('explanation', new Y.Text());
      map.set('hunks', new Y.Array<Y.Map<unknown>>());
      aiRunsOf(doc).set(run.id, map);
      const order = aiRunOrderOf(doc);
      order.push([run.id]);
      const excess = order.length - MAX_RUNS_KEPT;
      if (excess > 0) {
        for (const old of order.slice(0, excess)) aiRunsOf(doc).delete(old);
        order.delete(0, excess);
      }
    }, this.origin);
  }

  set(fields: RunFields): void {
    if (!this.written) {
      this.write(fields);
      return;
    }
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
    this.write({});
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
    this.write({});
    this.doc.transact(() => {
      hunk.set('id', id);
      hunk.set('file', file);
      hunk.set('op', op);
      hunk.set('review', 'pending');
      for (const key of ['status', 'reason', 'tier', 'start', 'end', 'oldText', 'newText', 'startLine', 'items'] as const) {
        hunk.set(key, fields[key] ?? (key === 'oldText' || key === 'newText' ? '' : null));
      }
      for (const key of ['aiFrom', 'removedSoFar', 'created'] as const) if (fields[key] !== undefined) hunk.set(key, fields[key]);
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
