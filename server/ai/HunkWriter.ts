// Writes one located hunk into a Y.Text as the streaming diff settles it. Ops are queued and
// applied in batches (one transaction per flush, at most one flush per BATCH_MS) so that people
// see the text arrive progressively without one update per character. The position of the next
// op is kept as a Yjs relative position, so text people type above or around the hunk while
// it streams shifts nothing. Rollback undoes exactly this hunk's items (a Y.UndoManager scoped
// to the hunk's own origin), leaving concurrent typing untouched.
import * as Y from 'yjs';
import type { DiffOp } from '../../lib/edits/streamingDiff.ts';

export interface HunkOrigin {
  kind: 'ai';
  runId: string;
  hunkId: string;
}

export interface WrittenRange {
  start: Y.RelativePosition;
  end: Y.RelativePosition;
  startIndex: number;
  endIndex: number;
}

/** Flushes at most this often; a frame at 60 Hz. */
export const BATCH_MS = 16;

export class HunkWriter {
  readonly origin: HunkOrigin;
  private readonly doc: Y.Doc;
  private readonly text: Y.Text;
  private readonly undo: Y.UndoManager;
  /** Start of the hunk's range (associated with the character after it). */
  private readonly rangeStart: Y.RelativePosition;
  /** Where the next op applies: associated with the next unprocessed character. */
  private cursor: Y.RelativePosition;
  private queued: DiffOp[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  private done = false;
  /** Called after each flush with the absolute edit point (for the AI's awareness cursor). */
  onFlush: (index: number) => void = () => {};

  constructor(doc: Y.Doc, text: Y.Text, start: number, origin: HunkOrigin) {
    this.doc = doc;
    this.text = text;
    this.origin = origin;
    this.undo = new Y.UndoManager(text, { trackedOrigins: new Set([origin]), captureTimeout: Number.MAX_SAFE_INTEGER });
    this.rangeStart = Y.createRelativePositionFromTypeIndex(text, start, 0);
    this.cursor = this.rangeStart;
  }

  push(ops: readonly DiffOp[]): void {
    if (this.done || ops.length === 0) return;
    for (const op of ops) this.queued.push(op);
    if (this.timer) return;
    const wait = Math.max(0, BATCH_MS - (Date.now() - this.lastFlush));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  /** Applies every queued op now, in one transaction. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queued.length === 0) return;
    const ops = this.queued;
    this.queued = [];
    this.lastFlush = Date.now();
    let index = this.absolute(this.cursor);
    this.doc.transact(() => {
      for (const op of ops) {
        if (op.type === 'retain') {
          index = Math.min(this.text.length, index + op.count);
        } else if (op.type === 'delete') {
          this.text.delete(index, Math.min(op.count, this.text.length - index));
        } else {
          this.text.insert(index, op.text);
          index += op.text.length;
        }
      }
    }, this.origin);
    this.cursor = Y.createRelativePositionFromTypeIndex(this.text, index, 0);
    this.onFlush(index);
  }

  /** Writes what is left and returns the range the hunk now occupies. */
  finish(): WrittenRange {
    this.flush();
    this.done = true;
    this.undo.destroy();
    const startIndex = this.absolute(this.rangeStart);
    const endIndex = Math.max(startIndex, this.absolute(this.cursor));
    return {
      start: Y.createRelativePositionFromTypeIndex(this.text, startIndex, 0),
      end: Y.createRelativePositionFromTypeIndex(this.text, endIndex, -1),
      startIndex,
      endIndex,
    };
  }

  /** Drops queued ops and undoes every item this hunk wrote. */
  rollback(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.queued = [];
    if (this.done) return;
    this.done = true;
    while (this.undo.undoStack.length > 0) this.undo.undo();
    this.undo.destroy();
  }

  private absolute(pos: Y.RelativePosition): number {
    const abs = Y.createAbsolutePositionFromRelativePosition(pos, this.doc);
    if (!abs || abs.type !== this.text) return this.text.length;
    return abs.index;
  }
}
