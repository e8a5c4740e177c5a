// Streams one apply_patch hunk as edit ops while its lines arrive, once the hunk has been placed
// in a text. apply_patch already says line by line what happens (context = keep, '-' = remove,
// '+' = add), so the new text is known up to the current line at every moment; only a removed
// run followed by added lines needs pairing, so that a modified line keeps its unchanged
// characters instead of being deleted and re-typed.
//
// Public API
//   new PatchHunkDiff(options?)
//   d.context(docLine): DiffOp[]   the document's own line (with its LF, none at a file end
//                                  without one) that a context line matched: kept
//   d.remove(docLine): DiffOp[]    the document's line that a '-' line matched: queued until
//                                  added lines pair with it or the run of changes ends
//   d.add(text): DiffOp[]          an added line (without LF): paired with a queued removed line
//                                  that resembles it (diffed by character) or inserted
//   d.finish(): DiffOp[]           removes what is still queued
// Ops are relative to the hunk's start and continue from call to call, as StreamingDiff's do.
// Pairing is greedy (the first queued line within `lookahead` at least `similarity` alike,
// after an exact match is looked for): the result is always exactly the new text; only how
// much is kept rather than re-typed depends on the pairing.

import { lineSimilarity } from './locator.ts';
import { diffText, pushOp, type DiffOp } from './sequenceDiff.ts';

export interface PatchHunkDiffOptions {
  lookahead?: number;
  similarity?: number;
}

export class PatchHunkDiff {
  private readonly lookahead: number;
  private readonly similarity: number;
  /** Removed document lines not yet paired or removed. */
  private queue: string[] = [];
  /** The text ends without LF before the hunk's current point: new lines start with LF. */
  private atEndWithoutLF = false;
  /** An inserted line's LF held back: the run ends the file without LF, and may delete its end. */
  private owedLF = false;

  constructor(options: PatchHunkDiffOptions = {}) {
    this.lookahead = options.lookahead ?? 8;
    this.similarity = options.similarity ?? 0.5;
  }

  context(docLine: string): DiffOp[] {
    const ops = this.closeRun();
    this.payLF(ops);
    pushOp(ops, { type: 'retain', count: docLine.length });
    if (!docLine.endsWith('\n')) this.atEndWithoutLF = true;
    return ops;
  }

  remove(docLine: string): DiffOp[] {
    this.queue.push(docLine);
    return [];
  }

  add(text: string): DiffOp[] {
    const ops: DiffOp[] = [];
    const j = this.pair(text);
    this.payLF(ops);
    if (j === -1) {
      if (this.atEndWithoutLF) pushOp(ops, { type: 'insert', text: `\n${text}` });
      else if (this.queue.length > 0 && !this.queue[this.queue.length - 1].endsWith('\n')) {
        pushOp(ops, { type: 'insert', text });
        this.owedLF = true;
      } else pushOp(ops, { type: 'insert', text: `${text}\n` });
      return ops;
    }
    for (const line of this.queue.slice(0, j)) pushOp(ops, { type: 'delete', count: line.length });
    const old = this.queue[j];
    this.queue = this.queue.slice(j + 1);
    const hasLF = old.endsWith('\n');
    for (const op of diffText(old, hasLF ? `${text}\n` : text)) pushOp(ops, op);
    if (!hasLF) this.atEndWithoutLF = true;
    return ops;
  }

  finish(): DiffOp[] {
    return this.closeRun();
  }

  private closeRun(): DiffOp[] {
    const ops: DiffOp[] = [];
    // Deleting the file's last line (no LF) makes the last inserted line the file's end.
    if (this.queue.length > 0 && !this.queue[this.queue.length - 1].endsWith('\n')) {
      if (this.owedLF) this.atEndWithoutLF = true;
      this.owedLF = false;
    }
    for (const line of this.queue) pushOp(ops, { type: 'delete', count: line.length });
    this.queue = [];
    return ops;
  }

  private payLF(ops: DiffOp[]): void {
    if (!this.owedLF) return;
    pushOp(ops, { type: 'insert', text: '\n' });
    this.owedLF = false;
  }

  private pair(text: string): number {
    const limit = Math.min(this.queue.length, this.lookahead);
    const bare = (s: string) => (s.endsWith('\n') ? s.slice(0, -1) : s);
    for (let j = 0; j < limit; j++) if (bare(this.queue[j]) === text) return j;
    const t = text.trim();
    for (let j = 0; j < limit; j++) {
      const o = bare(this.queue[j]).trim();
      if (o === '' || t === '') continue;
      if (lineSimilarity(o, t) >= this.similarity) return j;
    }
    return -1;
  }
}
