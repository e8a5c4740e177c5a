// The live state of every AI hunk, computed from the document alone (thread entries, relative
// positions, item authorship), so it is right after concurrent edits, reloads and reconnects.
import type * as Y from 'yjs';
import { filesOf, identitiesOf } from '../schema.ts';
import { aiRunOrderOf, aiRunsOf, hunkRange, readRun, type AiHunkItems, type AiHunkOp, type AiHunkStatus, type AiHunkView, type AiReview, type AiRunView } from '../ai/aiRuns.ts';
import { itemsIn, mergeSpans } from './items.ts';
import { lineDiff } from './hunkLineDiff.ts';

export interface Span {
  start: number;
  end: number;
}

export interface GhostBlock {
  /** Show the deleted lines above this 1-based line of the file (one past the last line: at the end). */
  beforeLine: number;
  text: string;
  lines: number;
}

export interface HunkState {
  runId: string;
  hunkId: string;
  file: string;
  op: AiHunkOp;
  status: AiHunkStatus;
  review: AiReview;
  model: string | null;
  /** Current [start, end) offsets of the hunk's range in its file; null when the file or range is gone. */
  range: Span | null;
  /** 1-based first and last line of the range (null with range). */
  startLine: number | null;
  endLine: number | null;
  /** The AI's visible characters inside the range (merged offsets) and how many. */
  aiSpans: Span[];
  aiChars: number;
  /** Characters people typed inside the range after the hunk began. */
  personSpans: Span[];
  personChars: number;
  /** A person typed inside the hunk: rejecting it keeps their characters. */
  mixed: boolean;
  /** Lines added / removed, from the hunk's old text against the range's current text. */
  added: number;
  removed: number;
  /** Deleted lines to show as ghost text (never document content). */
  ghost: GhostBlock[];
  oldText: string;
  /** Keep/reject possible: applied, pending, and (for reject) recorded at the item level. */
  reviewable: boolean;
}

/** Every clientID that wrote for a run: its own, plus any review re-insertion attributed to it. */
export function aiClientsOf(doc: Y.Doc, run: Pick<AiRunView, 'id' | 'aiClientId'>): Set<number> {
  const out = new Set<number>();
  if (run.aiClientId !== null) out.add(run.aiClientId);
  for (const [key, identity] of identitiesOf(doc)) {
    if (identity && identity.kind === 'ai' && identity.runId === run.id) out.add(Number(key));
  }
  return out;
}

/** Was this character typed by a person after the hunk began? */
export function isPersonTyped(items: AiHunkItems | null, aiClients: Set<number>, client: number, clock: number): boolean {
  if (aiClients.has(client) || !items) return false;
  const before = items.before.find(([c]) => c === client);
  return !before || clock >= before[1];
}

/**
 * What computeHunk reads of a file's text besides its items: 1-based line of an offset, and a
 * slice. By default from the whole text (a copy of the file per call); an editor that already
 * holds the same text answers both without reading the file (see components/review/pendingCache).
 */
export interface TextView {
  lineAt(offset: number): number;
  slice(start: number, end: number): string;
}

function contentView(text: Y.Text): TextView {
  let content: string | null = null;
  const get = () => (content ??= text.toString());
  return {
    lineAt(offset) {
      const c = get();
      let line = 1;
      for (let i = c.indexOf('\n'); i !== -1 && i < offset; i = c.indexOf('\n', i + 1)) line++;
      return line;
    },
    slice: (start, end) => get().slice(start, end),
  };
}

export function computeHunk(doc: Y.Doc, run: AiRunView, hunk: AiHunkView, aiClients = aiClientsOf(doc, run), viewOf?: (text: Y.Text) => TextView | null): HunkState {
  const base: HunkState = {
    runId: run.id, hunkId: hunk.id, file: hunk.file, op: hunk.op, status: hunk.status, review: hunk.review,
    model: run.model, range: null, startLine: null, endLine: null, aiSpans: [], aiChars: 0, personSpans: [],
    personChars: 0, mixed: false, added: 0, removed: 0, ghost: [], oldText: hunk.oldText, reviewable: false,
  };
  const applied = hunk.status === 'applied';
  if (hunk.op === 'delete') {
    const lines = lineDiff(hunk.oldText, '');
    return { ...base, removed: lines.removed, reviewable: applied && hunk.review === 'pending' };
  }
  const located = applied ? hunkRange(doc, hunk) : null;
  const text = filesOf(doc).get(hunk.file);
  if (!located || !text || located.text !== text) return base;
  const { start, end } = located;
  const view = viewOf?.(text) ?? contentView(text);
  const ai: Span[] = [];
  const person: Span[] = [];
  for (const it of itemsIn(text, start, end)) {
    if (aiClients.has(it.client)) ai.push({ start: it.start, end: it.end });
    else if (isPersonTyped(hunk.items, aiClients, it.client, it.clock)) {
      // Clocks within one item are consecutive: split where the person's new typing begins.
      const before = hunk.items!.before.find(([c]) => c === it.client);
      const from = before ? Math.max(it.start, it.start + (before[1] - it.clock)) : it.start;
      person.push({ start: from, end: it.end });
    }
  }
  const aiSpans = mergeSpans(ai);
  const personSpans = mergeSpans(person);
  const startLine = view.lineAt(start);
  const endLine = end > start ? view.lineAt(end - 1) : startLine;
  const diff = lineDiff(hunk.oldText, view.slice(start, end));
  return {
    ...base,
    range: { start, end },
    startLine,
    endLine,
    aiSpans,
    aiChars: aiSpans.reduce((n, s) => n + s.end - s.start, 0),
    personSpans,
    personChars: personSpans.reduce((n, s) => n + s.end - s.start, 0),
    mixed: personSpans.length > 0,
    added: diff.added,
    removed: diff.removed,
    ghost: diff.ghost.map((g) => ({ beforeLine: startLine + g.beforeNewLine, text: g.text, lines: g.lines })),
    reviewable: hunk.review === 'pending' && (hunk.items !== null || hunk.op === 'add'),
  };
}

export interface HunkFilter {
  file?: string;
  runId?: string;
  review?: AiReview;
}

/** Every applied hunk in thread order (refused and rolled-back ones are not reviewable and are left out). */
export function hunkStates(doc: Y.Doc, filter: HunkFilter = {}): HunkState[] {
  const out: HunkState[] = [];
  const runs = aiRunsOf(doc);
  for (const runId of aiRunOrderOf(doc).toArray()) {
    if (filter.runId !== undefined && runId !== filter.runId) continue;
    const map = runs.get(runId);
    if (!map) continue;
    const run = readRun(map);
    const clients = aiClientsOf(doc, run);
    for (const h of run.hunks) {
      if (h.status !== 'applied') continue;
      if (filter.file !== undefined && h.file !== filter.file) continue;
      if (filter.review !== undefined && h.review !== filter.review) continue;
      out.push(computeHunk(doc, run, h, clients));
    }
  }
  return out;
}

/** The hunks waiting for review, in thread order. */
export function pendingHunks(doc: Y.Doc, filter: Omit<HunkFilter, 'review'> = {}): HunkState[] {
  return hunkStates(doc, { ...filter, review: 'pending' });
}

export interface RunGroup {
  runId: string;
  model: string | null;
  files: { file: string; hunks: HunkState[]; added: number; removed: number }[];
  added: number;
  removed: number;
}

/** Hunks grouped by run, then by file (for the review panel), with line counts. */
export function groupByRun(hunks: readonly HunkState[]): RunGroup[] {
  const runs: RunGroup[] = [];
  for (const h of hunks) {
    let run = runs.find((r) => r.runId === h.runId);
    if (!run) runs.push((run = { runId: h.runId, model: h.model, files: [], added: 0, removed: 0 }));
    let file = run.files.find((f) => f.file === h.file);
    if (!file) run.files.push((file = { file: h.file, hunks: [], added: 0, removed: 0 }));
    file.hunks.push(h);
    file.added += h.added;
    file.removed += h.removed;
    run.added += h.added;
    run.removed += h.removed;
  }
  return runs;
}
