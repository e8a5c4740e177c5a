// Writes one located hunk into a Y.Text as the streaming diff settles it. Ops are queued and
// applied in batches (frameBatcher.ts: the first ops after a quiet frame at once, then one
// transaction per frame at most) so that people see the text arrive progressively without one
// update per character and without a sparse token waiting for a timer. Ops are written against
// the text as it was when the hunk was placed and mapped onto the live text by CRDT identity
// (PlacedText), so people typing above, inside or beside the hunk while it streams keep every
// character and shift nothing. Rollback undoes exactly this hunk's items (a Y.UndoManager
// scoped to the hunk's own origin), leaving concurrent typing untouched. When the hunk is
// complete, that same undo manager's stack says which items it inserted and removed: recorded
// in the hunk (lib/review/record.ts) so that a reject is exact after any edit or restart.
// With a ReadState, ops are written against the text the model read (the run's context), so a
// person's change made after that stays; ops that would remove what a person changed are a
// conflict: nothing more is written and `onConflict` says who (the caller rolls back).
// With a typist check (typingWatch.ts), nothing is written while a person types in the hunk's
// lines: the ops wait (`onHold` says for whom), for at most MAX_HOLD_MS, then are placed against
// the text as it is then, by the same identity mapping.
import * as Y from 'yjs';
import type { DiffOp } from '../../lib/edits/streamingDiff.ts';
import type { AiOrigin } from '../../lib/origins.ts';
import { hunkRangeAt, type AiHunkItems } from '../../lib/ai/aiRuns.ts';
import { captureHunkItems, clocksAsOf } from '../../lib/review/index.ts';
import type { RemovedChars } from './orphanRuns.ts';
import { PlacedText, type DeleteSet, type ReadState } from './placedText.ts';
import { FrameBatcher } from './frameBatcher.ts';
import type { Typist, TypistCheck } from './typingWatch.ts';

export { BATCH_MS } from './frameBatcher.ts';

/** Longest a hunk waits for a person typing in its lines before it is written anyway. */
export const MAX_HOLD_MS = 10_000;
/** How often a held hunk looks again. */
const HOLD_POLL_MS = 100;

export interface WrittenRange {
  start: Y.RelativePosition;
  end: Y.RelativePosition;
  startIndex: number;
  endIndex: number;
  /** The items the hunk inserted and removed (for review). */
  items: AiHunkItems;
}

export class HunkWriter {
  readonly origin: AiOrigin;
  private readonly doc: Y.Doc;
  private readonly text: Y.Text;
  private readonly undo: Y.UndoManager;
  private readonly placed: PlacedText;
  /** First character the hunk kept or wrote (assoc 0), once there is one. */
  private rangeStart: Y.RelativePosition | null = null;
  /** After the last character the hunk processed (assoc -1: typing after it stays outside). */
  private rangeEnd: Y.RelativePosition;
  private queued: DiffOp[] = [];
  private readonly batch = new FrameBatcher(() => this.write());
  private done = false;
  /** The AI client's clock when the hunk began: its own characters are at or after it. */
  private readonly fromClock: number;
  /** Characters inserted so far (for size limits). */
  inserted = 0;
  /** Called after each flush with the absolute edit point (for the AI's awareness cursor). */
  onFlush: (index: number) => void = () => {};
  /** Set when ops met a person's change (their clientID, -1 unknown): nothing more is written. */
  conflict: number | null = null;
  onConflict: (client: number) => void = () => {};
  /**
   * Called inside each write's transaction with the characters it is about to delete (not the
   * hunk's own): recorded in the hunk so that another process can roll it back if this one stops
   * (server/ai/orphanRuns.ts).
   */
  onRemoved: ((removed: RemovedChars[]) => void) | null = null;
  /** Who types where (none: the hunk never waits). */
  typing: TypistCheck | null = null;
  /** The end of the hunk's old side (the lines it replaces), for the hold's range. */
  private oldEnd: Y.RelativePosition | null = null;
  /** Called when the hunk starts waiting for someone (their name) and when it stops (null). */
  onHold: (typist: Typist | null) => void = () => {};
  /** Longest this hunk waits for a typist (tests shorten it). */
  maxHoldMs = MAX_HOLD_MS;
  private holdSince: number | null = null;
  private holdOver = false;
  private holdTimer: NodeJS.Timeout | null = null;
  private freeWaiters: (() => void)[] = [];

  /** `start` is an index in the text `read` saw, or in the live text without `read`. */
  constructor(doc: Y.Doc, text: Y.Text, start: number, origin: AiOrigin, read?: ReadState) {
    this.doc = doc;
    this.text = text;
    this.origin = origin;
    this.undo = new Y.UndoManager(text, { trackedOrigins: new Set([origin]), captureTimeout: Number.MAX_SAFE_INTEGER });
    this.placed = new PlacedText(doc, text, start, read);
    this.fromClock = Y.getState(doc.store, doc.clientID);
    this.rangeEnd = Y.createRelativePositionFromTypeIndex(text, this.placed.currentIndex(), -1);
  }

  /** Where the hunk's old side ends, as an index in the text it was placed against (see the constructor). */
  setOldEnd(index: number): void {
    this.oldEnd = this.placed.positionAt(index);
  }

  /** Where the hunk begins in the live text now. */
  startIndex(): number {
    return this.placed.currentIndex();
  }

  push(ops: readonly DiffOp[]): void {
    if (this.done || this.conflict !== null || ops.length === 0) return;
    for (const op of ops) this.queued.push(op);
    this.batch.schedule();
  }

  /** Applies every queued op now, in one transaction. */
  flush(): void {
    this.batch.flush();
  }

  /**
   * The person typing in the hunk's lines now, whom its writes wait for; null once no one is (or
   * the wait reached MAX_HOLD_MS: it does not wait again).
   */
  heldBy(): Typist | null {
    if (!this.typing || this.holdOver || this.done || this.conflict !== null) return this.release();
    const typist = this.typing(this.text, () => this.holdRange());
    if (!typist) return this.release();
    const now = Date.now();
    if (this.holdSince === null) {
      this.holdSince = now;
      this.onHold(typist);
    } else if (now - this.holdSince >= this.maxHoldMs) {
      this.holdOver = true;
      return this.release();
    }
    return typist;
  }

  /** Null when the hunk is not held; else resolves once it is not. */
  whenFree(): Promise<void> | null {
    if (this.heldBy() === null) return null;
    this.pollHold();
    return new Promise((resolve) => this.freeWaiters.push(resolve));
  }

  private release(): null {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (this.holdSince !== null) {
      this.holdSince = null;
      this.onHold(null);
    }
    const waiters = this.freeWaiters;
    this.freeWaiters = [];
    for (const w of waiters) w();
    return null;
  }

  private pollHold(): void {
    this.holdTimer ??= setTimeout(() => {
      this.holdTimer = null;
      if (this.heldBy() !== null) return this.pollHold();
      if (this.queued.length > 0) this.batch.schedule();
    }, HOLD_POLL_MS);
  }

  /** The hunk's lines in the live text: from its first character to the end of its old side or of what it wrote. */
  private holdRange(): { from: number; to: number } {
    const at = this.placed.currentIndex();
    const from = this.rangeStart ? Math.min(this.absolute(this.rangeStart), at) : at;
    return { from, to: Math.max(at, this.oldEnd ? this.absolute(this.oldEnd) : at) };
  }

  private write(): boolean {
    if (this.queued.length === 0 || this.done || this.conflict !== null) return false;
    if (this.heldBy() !== null) {
      this.pollHold();
      return false;
    }
    const ops = this.queued;
    this.queued = [];
    const plan = this.placed.plan(ops, this.rangeStart === null);
    if (plan.conflict !== null) {
      this.batch.cancel();
      this.conflict = plan.conflict;
      this.onConflict(plan.conflict);
      return false;
    }
    let shift = 0;
    let mark: number | null = null;
    this.doc.transact(() => {
      for (const e of plan.edits) {
        const at = e.at + shift;
        if ('mark' in e) mark = at;
        else if ('del' in e) {
          if (this.onRemoved) this.recordRemoval(at, e.del);
          this.text.delete(at, e.del);
          shift -= e.del;
        } else {
          this.text.insert(at, e.ins);
          shift += e.ins.length;
          this.inserted += e.ins.length;
        }
      }
    }, this.origin);
    this.placed.advance(plan);
    const end = plan.end + shift;
    if (mark !== null) this.rangeStart = Y.createRelativePositionFromTypeIndex(this.text, mark, 0);
    this.rangeEnd = Y.createRelativePositionFromTypeIndex(this.text, end, -1);
    this.onFlush(end);
    return true;
  }

  /** Writes what is left and returns the range the hunk now occupies (null: a conflict). */
  finish(): WrittenRange | null {
    // What is left is written now, held or not (the caller waits for whenFree() first).
    this.holdOver = true;
    this.flush();
    if (this.conflict !== null) return null;
    this.done = true;
    this.release();
    const endIndex0 = this.absolute(this.rangeEnd);
    const startIndex = this.rangeStart ? Math.min(this.absolute(this.rangeStart), endIndex0) : endIndex0;
    const endIndex = Math.max(startIndex, endIndex0);
    // The old side's extent is known only now (an early-placed hunk grows line by line), so the
    // clocks before the hunk are read from the state vector taken at placement.
    let items: AiHunkItems;
    try {
      items = captureHunkItems(this.text, this.undo, clocksAsOf(this.text, startIndex, endIndex, this.placed.stateAtPlacement));
    } finally {
      this.undo.destroy();
    }
    return {
      ...hunkRangeAt(this.text, startIndex, endIndex),
      startIndex,
      endIndex,
      items,
    };
  }

  /**
   * Drops queued ops and undoes every item this hunk wrote. Deleted text cannot be revived in
   * Yjs (a deletion is final; undo re-inserts copies as new items), so the original authors
   * cannot be restored. With `restoreAs`, the copies are written under that clientID instead of
   * the run's, so the restored text is not attributed to the AI run that had removed it.
   * Returns the characters the hunk had deleted.
   */
  rollback(restoreAs?: number): DeleteSet {
    this.batch.cancel();
    this.queued = [];
    if (this.done) return Y.createDeleteSet();
    this.done = true;
    this.release();
    // What this hunk deleted (returned: the caller's read state counts it as deleted).
    const deletions = Y.mergeDeleteSets(this.undo.undoStack.map((item) => item.deletions));
    const own = this.doc.clientID;
    if (restoreAs !== undefined) this.doc.clientID = restoreAs;
    try {
      while (this.undo.undoStack.length > 0) this.undo.undo();
    } finally {
      this.doc.clientID = own;
      this.undo.destroy();
    }
    return deletions;
  }

  /** Reads the characters [at, at + len) with their ids from the items (not the whole text). */
  private recordRemoval(at: number, len: number): void {
    const removed: RemovedChars[] = [];
    const end = at + len;
    let index = 0;
    for (let item = this.text._start; item && index < end; item = item.right) {
      if (item.deleted || !item.countable) continue;
      const itemStart = index;
      index += item.length;
      if (index <= at || !(item.content instanceof Y.ContentString)) continue;
      const { client, clock } = item.id;
      const from = Math.max(at, itemStart) - itemStart;
      let to = Math.min(end, index) - itemStart;
      // Characters this hunk inserted itself were never part of the old text (Yjs may have merged
      // them into one item with the same client's earlier ones).
      if (client === this.doc.clientID) to = Math.min(to, this.fromClock - clock);
      if (to > from) removed.push([client, clock + from, item.content.str.slice(from, to)]);
    }
    if (removed.length > 0) this.onRemoved!(removed);
  }

  private absolute(pos: Y.RelativePosition): number {
    const abs = Y.createAbsolutePositionFromRelativePosition(pos, this.doc);
    if (!abs || abs.type !== this.text) return this.text.length;
    return abs.index;
  }
}
