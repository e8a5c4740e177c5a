// Recent edits of a file, for the prediction prompt ("what the person, and the others, just did"),
// as line diffs with their author. Nothing is kept for a file until a prediction is asked in it:
// from then on its Y.Text is observed, and each transaction costs only a note of its delta and
// author (the AI streaming into the file included). The diffs are made when the next prediction
// reads the file, by replaying those deltas on the text the previous one read: consecutive
// changes by one author to neighbouring lines merge into one edit (typing a line is one edit, not
// one per key), and only the last few edits are kept.
//
// Written here rather than taken from a library: Yjs keeps no history on a live document (gc on),
// and the prompt needs little: whole lines before and after, per author, bounded.
import * as Y from 'yjs';

/** Edits kept per file (oldest dropped). */
const MAX_EDITS = 6;
/** Transactions noted between two reads; past this the interval is not replayed (only its end is known). */
const MAX_PENDING = 400;
/** Lines of one side of an edit shown in the prompt; longer sides are cut with a note. */
const MAX_SIDE_LINES = 12;
/** Files observed per document; the least recently read stops being observed. */
const MAX_FILES = 16;
/** Longest file observed (characters): replaying costs a pass over the text per change. */
const MAX_TEXT = 512 * 1024;

type DeltaOp = { retain?: number; insert?: string | object; delete?: number };

interface Pending {
  client: number | null;
  delta: DeltaOp[];
}

/** An edit merged from changes by one author: lines [start, end) of the current text replaced `removed`. */
interface Group {
  client: number | null;
  start: number;
  end: number;
  removed: string[];
}

export interface HistoryEdit {
  client: number | null;
  /** 1-based line of the edit in the text as it was read. */
  line: number;
  removed: readonly string[];
  added: readonly string[];
}

class FileLog {
  base: string | null = null;
  pending: Pending[] = [];
  overflowed = false;
  done: HistoryEdit[] = [];
  /** The last edit, still growing while its author keeps editing there. */
  open: Group | null = null;
  readonly observer: (event: Y.YTextEvent) => void;

  constructor(text: Y.Text, clientOf: ClientOfOrigin) {
    // The client of what a transaction inserted; a deletion names no client, so the origin's.
    const authorOf = (event: Y.YTextEvent): number | null => {
      for (const item of event.changes.added) return item.id.client;
      return clientOf(event.transaction.origin);
    };
    this.observer = (event) => {
      if (this.overflowed) return;
      if (this.pending.length >= MAX_PENDING) {
        this.overflowed = true;
        this.pending = [];
        return;
      }
      this.pending.push({ client: authorOf(event), delta: event.delta as DeltaOp[] });
    };
    text.observe(this.observer);
  }

  /** The file's recent edits as of `current` (its text now); the latest last. */
  read(current: string): HistoryEdit[] {
    if (this.base !== null && !this.overflowed) this.replay(this.base);
    if (this.overflowed) {
      // What happened in between is not known edit by edit: start again from here.
      this.done = [];
      this.open = null;
    }
    this.base = current;
    this.pending = [];
    this.overflowed = false;
    const lines = current.split('\n');
    const edits = [...this.done];
    if (this.open) edits.push(render(this.open, lines));
    return edits.slice(-MAX_EDITS);
  }

  private replay(base: string): void {
    let lines = base.split('\n');
    for (const { client, delta } of this.pending) {
      let pos = 0;
      for (const op of delta) {
        if (op.retain !== undefined) {
          pos += op.retain;
        } else if (op.delete !== undefined) {
          lines = this.change(lines, client, pos, op.delete, '');
        } else if (typeof op.insert === 'string') {
          lines = this.change(lines, client, pos, 0, op.insert);
          pos += op.insert.length;
        }
      }
    }
  }

  /** Applies one change to `lines` (text[pos, pos + deleted) → inserted) and files it into the edits. */
  private change(lines: string[], client: number | null, pos: number, deleted: number, inserted: string): string[] {
    const [line, column] = lineAt(lines, pos);
    const [endLine, endColumn] = lineAt(lines, pos + deleted);
    const before = lines[line].slice(0, column);
    const after = lines[endLine].slice(endColumn);
    const replacement = (before + inserted + after).split('\n');
    const start = line;
    const oldEnd = endLine + 1;
    const newEnd = start + replacement.length;
    const shift = newEnd - oldEnd;
    const open = this.open;
    if (open && open.client === client && start <= open.end && oldEnd >= open.start) {
      // The same author next to (or inside) their edit: one edit. Lines it now covers that were
      // not part of it yet are the original text: they join what it removed.
      const removed = [...lines.slice(start, Math.max(start, open.start)), ...open.removed, ...lines.slice(Math.min(oldEnd, Math.max(open.end, start)), oldEnd)];
      open.removed = removed;
      open.start = Math.min(open.start, start);
      open.end = Math.max(open.end, oldEnd) + shift;
    } else {
      if (open) this.finish(open, lines);
      this.open = { client, start, end: newEnd, removed: lines.slice(start, oldEnd) };
    }
    const next = [...lines.slice(0, start), ...replacement, ...lines.slice(oldEnd)];
    return next;
  }

  private finish(group: Group, lines: readonly string[]): void {
    const edit = render(group, lines);
    if (edit.removed.join('\n') !== edit.added.join('\n')) this.done.push(edit);
    if (this.done.length > MAX_EDITS) this.done.shift();
  }
}

function render(group: Group, lines: readonly string[]): HistoryEdit {
  return { client: group.client, line: group.start + 1, removed: group.removed, added: lines.slice(group.start, group.end) };
}

/** Line and column of a text offset, in lines. */
function lineAt(lines: readonly string[], offset: number): [number, number] {
  let rest = offset;
  for (let i = 0; i < lines.length; i++) {
    if (rest <= lines[i].length) return [i, rest];
    rest -= lines[i].length + 1;
  }
  const last = lines.length - 1;
  return [last, lines[last].length];
}

/** Which client a transaction's origin speaks for (the socket a deletion came in on), if known. */
export type ClientOfOrigin = (origin: unknown) => number | null;

/** Per document: the observed files, least recently read first. */
const logs = new WeakMap<Y.Doc, Map<Y.Text, FileLog>>();

/**
 * The recent edits of `file` (a Y.Text of a live document) as of `current`, its text now; starts
 * observing it on the first call (that call returns none).
 */
export function recentEditsOf(file: Y.Text, current: string, clientOf: ClientOfOrigin): HistoryEdit[] {
  const doc = file.doc;
  if (!doc || current.length > MAX_TEXT) return [];
  let files = logs.get(doc);
  if (!files) logs.set(doc, (files = new Map()));
  let log = files.get(file);
  if (log) {
    files.delete(file);
  } else {
    log = new FileLog(file, clientOf);
    if (files.size >= MAX_FILES) {
      const [oldest, stale] = files.entries().next().value!;
      oldest.unobserve(stale.observer);
      files.delete(oldest);
    }
  }
  files.set(file, log);
  return log.read(current);
}

/** An edit as the prompt shows it: a hunk header with its line, then "-" and "+" lines. */
export function diffOf(edit: HistoryEdit): string {
  const side = (mark: string, lines: readonly string[]) => {
    const shown = lines.slice(0, MAX_SIDE_LINES).map((l) => `${mark}${l}`);
    if (lines.length > MAX_SIDE_LINES) shown.push(`${mark}… (${lines.length - MAX_SIDE_LINES} more lines)`);
    return shown;
  };
  return [`@@ line ${edit.line} @@`, ...side('-', edit.removed), ...side('+', edit.added)].join('\n');
}
