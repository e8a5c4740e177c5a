// Turns a located range's old text and the new text arriving in chunks into edit operations,
// emitted as soon as they are settled, such that characters that stay the same are retained
// rather than deleted and re-inserted (they keep their CRDT identity, authorship and any
// concurrent edits next to them).
//
// Public API
//   new StreamingDiff(oldText: string, options?: StreamingDiffOptions)
//   diff.push(chunk: string): DiffOp[]   ops settled by this chunk (may be empty)
//   diff.finish(): DiffOp[]              the rest; all ops together turn oldText into the
//                                        concatenated chunks
//   (DiffOp, applyOps and diffText come from ./sequenceDiff.ts and are re-exported here.)
// Ops are relative to the start of the range and continue from one call to the next: a
// consumer keeps a cursor, moves it over `retain`, removes at it for `delete`, inserts at it
// and moves past the insertion for `insert`. Counts are UTF-16 code units (Y.Text indices).
//
// How it settles text (line granularity, like a reviewer reading along):
// - a complete new line equal to the next old line, with nothing unsettled before it, is
//   retained at once;
// - any other new line equal to an old line (within `lookaheadLines`) becomes an anchor once
//   confirmed: the following new line matches the following old line (one of the two lines
//   being more than a blank or a brace), or the unsettled lines before it are as many as the
//   old lines they would replace (a block of up to 3 modified lines, strong lines only). So an
//   inserted block ending in `}` does not swallow the old lines up to some later `}`;
// - the text between the previous anchor and a new one goes through diffText: identical lines
//   kept whole, changed lines paired with the old lines they most resemble and diffed by
//   character, which is where modified lines keep their unchanged parts;
// - once the old range is used up, new text is inserted immediately, even mid-line;
// - `finish()` diffs whatever is still pending.
// Cost per new line is bounded by maxPendingLines × occurrences in the window; the settled
// gaps are bounded by lookaheadLines and maxPendingLines, so a 100 KB range streams without
// quadratic work. Above maxPendingLines unsettled new lines, the oldest is inserted as new text
// so that long additions keep appearing (at worst a later old line that the model merely
// rewrote is deleted rather than diffed).

import { diffText, isStrongLine, pushOp, splitKeepLF, type DiffOp } from './sequenceDiff.ts';

export { applyOps, diffText, type DiffOp } from './sequenceDiff.ts';

export interface StreamingDiffOptions {
  /** How many old lines past the current position a new line may match (default 256). */
  lookaheadLines?: number;
  /** Unsettled complete new lines kept before the oldest is inserted (default 32). */
  maxPendingLines?: number;
}

export class StreamingDiff {
  private readonly oldLines: string[];
  private readonly positions = new Map<string, number[]>();
  private readonly lookahead: number;
  private readonly maxPending: number;
  /** Next old line not yet covered by emitted ops. */
  private li = 0;
  /** Complete new lines (with LF) not yet covered by emitted ops. */
  private pending: string[] = [];
  private partial = '';
  private finished = false;

  constructor(oldText: string, options: StreamingDiffOptions = {}) {
    this.oldLines = splitKeepLF(oldText);
    this.lookahead = options.lookaheadLines ?? 256;
    this.maxPending = options.maxPendingLines ?? 32;
    this.oldLines.forEach((line, i) => {
      const list = this.positions.get(line);
      if (list) list.push(i);
      else this.positions.set(line, [i]);
    });
  }

  push(chunk: string): DiffOp[] {
    if (this.finished) throw new Error('StreamingDiff.push after finish');
    const ops: DiffOp[] = [];
    let from = 0;
    let nl = chunk.indexOf('\n');
    while (nl !== -1) {
      this.pending.push(this.partial + chunk.slice(from, nl + 1));
      this.partial = '';
      from = nl + 1;
      nl = chunk.indexOf('\n', from);
      this.settle(ops);
    }
    this.partial += chunk.slice(from);
    if (this.li === this.oldLines.length && this.pending.length === 0 && this.partial !== '') {
      // Nothing old left to match: the half line is certainly new text.
      pushOp(ops, { type: 'insert', text: this.partial });
      this.partial = '';
    }
    return ops;
  }

  finish(): DiffOp[] {
    if (this.finished) return [];
    this.finished = true;
    const ops: DiffOp[] = [];
    const oldRest = this.oldLines.slice(this.li).join('');
    const newRest = this.pending.join('') + this.partial;
    for (const op of diffText(oldRest, newRest)) pushOp(ops, op);
    this.li = this.oldLines.length;
    this.pending = [];
    this.partial = '';
    return ops;
  }

  private settle(ops: DiffOp[]): void {
    while (this.pending.length > 0) {
      if (this.li === this.oldLines.length) {
        pushOp(ops, { type: 'insert', text: this.pending.join('') });
        this.pending = [];
        return;
      }
      const anchor = this.findAnchor();
      if (anchor !== null) {
        const [p, j] = anchor;
        this.emitGap(ops, p, j);
        pushOp(ops, { type: 'retain', count: this.oldLines[j].length });
        this.li = j + 1;
        this.pending = this.pending.slice(1);
        continue;
      }
      if (this.pending.length > this.maxPending) {
        pushOp(ops, { type: 'insert', text: this.pending.shift()! });
        continue;
      }
      return;
    }
  }

  /** [pending index, old line index] of the earliest settled match, or null. */
  private findAnchor(): [number, number] | null {
    const pending = this.pending;
    const limit = Math.min(this.oldLines.length, this.li + this.lookahead);
    for (let p = 0; p < pending.length; p++) {
      const list = this.positions.get(pending[p]);
      if (list === undefined) continue;
      for (let q = firstAtLeast(list, this.li); q < list.length && list[q] < limit; q++) {
        const j = list[q];
        if (p === 0 && j === this.li) return [p, j];
        const next = pending[p + 1];
        const strong = isStrongLine(pending[p]);
        const confirmed = next !== undefined && this.oldLines[j + 1] === next && (strong || isStrongLine(next));
        const sameShape = strong && p === j - this.li && p <= 3;
        if (confirmed || sameShape) return [p, j];
      }
    }
    return null;
  }

  /** Emits the diff of pending[0..p) against old lines li..j, then drops those pending lines. */
  private emitGap(ops: DiffOp[], p: number, j: number): void {
    const oldGap = this.oldLines.slice(this.li, j).join('');
    const newGap = this.pending.slice(0, p).join('');
    for (const op of diffText(oldGap, newGap)) pushOp(ops, op);
    this.pending = this.pending.slice(p);
  }
}

function firstAtLeast(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
