// Maps diff ops written against a text AS THE MODEL READ IT onto the text as it is now, by CRDT
// identity rather than by character counts. The diff is computed on a snapshot (state vector +
// delete set): the one taken when the run built the model's context (ReadState), or, for a hunk
// located in the live text, the one taken at placement. Meanwhile people keep typing inside and
// beside the hunk; counting characters from a cursor would retain, delete or insert at the wrong
// place. Instead every retain/delete walks the Y.Text's items and counts only characters that
// were visible in the snapshot: characters typed since are stepped over (never deleted),
// characters deleted since count as consumed (already gone). Inserts land at the walk position.
//
// Conflicts: a delete op that meets a character someone else deleted since the snapshot, or
// steps over text someone typed since between two characters it removes (other than whole lines
// inserted between removed lines), is the model changing the very characters a person changed.
// The plan reports it and writes nothing; the caller refuses the hunk.
//
// Yjs has no public API for "walk items against a snapshot", so this reads the item list
// (`_start`, `right`, `left`, `id`, `length`, `deleted`, `countable`, `content`), which is
// stable across Yjs 13.
import * as Y from 'yjs';
import type { DiffOp } from '../../lib/edits/streamingDiff.ts';

interface DeleteRange {
  clock: number;
  len: number;
}

/**
 * The document as the model read it (a Yjs snapshot: every client's next clock and the deleted
 * ranges at that moment). Mutable: a rolled-back hunk's own deletions and restored copies are
 * folded in (recordRollback) so that the text the model read keeps the same characters.
 */
export type ReadState = Y.Snapshot;
export type DeleteSet = Y.Snapshot['ds'];

/**
 * After a hunk's rollback: the characters it deleted count as deleted in the read state, and the
 * copies the rollback wrote under `restoredAs` (a clientID used for nothing else) count as read.
 */
export function recordRollback(read: ReadState, doc: Y.Doc, restoredAs: number, deletions: DeleteSet): void {
  read.ds = Y.mergeDeleteSets([read.ds, deletions]);
  read.sv.set(restoredAs, Y.getState(doc.store, restoredAs));
}

/** One planned change in the coordinates of the text before the batch (non-decreasing `at`). */
export type PlannedEdit = { at: number; del: number } | { at: number; ins: string } | { at: number; mark: true };

export interface Plan {
  edits: PlannedEdit[];
  /** Index (pre-batch coordinates) of the walk position after the last op. */
  end: number;
  /** Next snapshot character still to process, or null at the end of the text. */
  next: Y.ID | null;
  /**
   * The ops remove characters someone changed since the snapshot: the clientID of the text
   * typed there (or near it), -1 when only a deletion says so. Nothing is planned then.
   */
  conflict: number | null;
}

export class PlacedText {
  private readonly doc: Y.Doc;
  private readonly text: Y.Text;
  private readonly sv: Map<number, number>;
  private readonly deleted: Map<number, DeleteRange[]>;
  private readonly atPlacement: Map<number, number>;
  private next: Y.ID | null;
  /** The last snapshot character the ops kept is deleted now (by someone else). */
  private prevGone = false;

  /**
   * `start` is an index in the text as `read` saw it, or, without `read`, in the live text (the
   * snapshot is then taken now).
   */
  constructor(doc: Y.Doc, text: Y.Text, start: number, read?: ReadState) {
    this.doc = doc;
    this.text = text;
    if (read) {
      this.sv = read.sv;
      this.deleted = read.ds.clients;
      this.atPlacement = Y.decodeStateVector(Y.encodeStateVector(doc));
      this.next = this.snapshotCharAt(start);
    } else {
      const snap = Y.snapshot(doc);
      this.sv = snap.sv;
      this.deleted = snap.ds.clients;
      this.atPlacement = snap.sv;
      this.next = Y.createRelativePositionFromTypeIndex(text, Math.min(start, text.length), 0).item;
    }
  }

  /** The snapshot's character at `index` of the snapshot's text (null: its end). */
  private snapshotCharAt(index: number): Y.ID | null {
    let rest = index;
    for (let item = this.text._start; item; item = item.right as Y.Item | null) {
      for (let off = 0; off < item.length; ) {
        const seg = this.segment(item, off);
        if (item.countable && seg.inSnapshot) {
          if (rest < seg.len) return Y.createID(item.id.client, item.id.clock + off + rest);
          rest -= seg.len;
        }
        off += seg.len;
      }
    }
    return null;
  }

  /**
   * Plans ops from the current position. `mark` edits are emitted where the first character
   * the ops keep or insert begins (when `markFirst`), for the range's start.
   */
  plan(ops: readonly DiffOp[], markFirst: boolean): Plan {
    const edits: PlannedEdit[] = [];
    let { item, off } = this.resolve(this.next);
    let index = item ? this.indexOf(item, off) : this.text.length;
    let marking = markFirst;
    let conflict: number | null = null;
    let nearby: number | null = null;
    const own = this.doc.clientID;
    for (const op of ops) {
      if (op.type === 'insert') {
        // Text typed since in the very gap the model inserts into: the two would interleave
        // (two names for one identifier, a line split by a comment). Only whole lines on both
        // sides merge: a line the model adds next to a line a person added.
        const ahead = this.scanAhead(item, off);
        const gap = ahead.typed;
        if (gap && !(gap.last === '\n' && op.text.endsWith('\n'))) conflict ??= gap.client;
        // Inside text removed since the snapshot (the characters on both sides are gone): the
        // model writes into what a person deleted.
        if (this.prevGone && ahead.nextGone) conflict ??= -1;
        if (marking) edits.push({ at: index, mark: true });
        marking = false;
        edits.push({ at: index, ins: op.text });
        continue;
      }
      let n = op.count;
      // Inside a delete op: the last character it removed, and text typed since that it stepped
      // over after that character (who typed it, whether it is whole lines so far).
      let lastRemoved: string | null = null;
      let typed: { client: number; lines: boolean; last: string } | null = null;
      while (n > 0 && item) {
        if (off >= item.length) {
          item = item.right as Y.Item | null;
          off = 0;
          continue;
        }
        const visible = !item.deleted && item.countable;
        const seg = this.segment(item, off);
        if (!item.countable || !seg.inSnapshot) {
          if (visible) {
            if (op.type === 'delete' && item.id.client !== own) {
              nearby ??= item.id.client;
              if (lastRemoved !== null) {
                typed ??= { client: item.id.client, lines: lastRemoved === '\n', last: '' };
                typed.last = charAt(item, off + seg.len - 1);
              }
            }
            index += seg.len;
          }
          off += seg.len;
          continue;
        }
        const k = Math.min(n, seg.len);
        if (op.type === 'delete') {
          // Typed text between two removed characters: a conflict unless it is whole lines
          // inserted between removed lines (a line a person added inside the replaced block).
          if (typed && !(typed.lines && typed.last === '\n')) conflict ??= typed.client;
          typed = null;
          // Removed since the snapshot: whoever typed next to it is who changed it.
          if (!visible) conflict ??= nearby ?? this.scanAhead(item, off + k, true).typed?.client ?? -1;
        }
        this.prevGone = op.type === 'retain' && !visible;
        if (visible) {
          if (op.type === 'delete') {
            edits.push({ at: index, del: k });
            lastRemoved = charAt(item, off + k - 1);
          } else if (marking) {
            edits.push({ at: index, mark: true });
            marking = false;
          }
          index += k;
        }
        off += k;
        n -= k;
      }
    }
    if (conflict !== null) {
      this.prevGone = false;
      return { edits: [], end: index, next: this.next, conflict };
    }
    while (item && off >= item.length) {
      item = item.right as Y.Item | null;
      off = 0;
    }
    const next = item ? Y.createID(item.id.client, item.id.clock + off) : null;
    return { edits, end: index, next, conflict: null };
  }

  /**
   * From the walk position up to the next snapshot character (`pastGone`: the next one still
   * there): the text typed since the snapshot by another client than this one (who typed it and
   * its last character; null when none), and whether that next snapshot character is deleted
   * now (or there is none).
   */
  private scanAhead(start: Y.Item | null, startOff: number, pastGone = false): { typed: { client: number; last: string } | null; nextGone: boolean } {
    let typed: { client: number; last: string } | null = null;
    let off = startOff;
    for (let item = start; item; item = item.right as Y.Item | null, off = 0) {
      while (off < item.length) {
        const seg = this.segment(item, off);
        if (item.countable && seg.inSnapshot && !(pastGone && item.deleted)) return { typed, nextGone: item.deleted };
        if (item.countable && !seg.inSnapshot && !item.deleted && item.id.client !== this.doc.clientID) {
          const last = charAt(item, off + seg.len - 1);
          if (typed) typed.last = last;
          else typed = { client: item.id.client, last };
        }
        off += seg.len;
      }
    }
    return { typed, nextGone: true };
  }

  /** A position before the snapshot's character at `index` (its end: the end of the text). */
  positionAt(index: number): Y.RelativePosition {
    const id = this.snapshotCharAt(index);
    return id ? Y.createRelativePositionFromJSON({ type: null, tname: null, item: id, assoc: 0 }) : Y.createRelativePositionFromTypeIndex(this.text, this.text.length, -1);
  }

  /** Every client's next clock when the hunk was placed (what the ops are written against). */
  get stateAtPlacement(): ReadonlyMap<number, number> {
    return this.atPlacement;
  }

  /** Accepts a plan once its edits are applied. */
  advance(plan: Plan): void {
    this.next = plan.next;
  }

  /** Current index of the walk position (before the next snapshot character). */
  currentIndex(): number {
    const { item, off } = this.resolve(this.next);
    return item ? this.indexOf(item, off) : this.text.length;
  }

  private resolve(id: Y.ID | null): { item: Y.Item | null; off: number } {
    if (id === null) return { item: null, off: 0 };
    const struct = Y.getItem(this.doc.store, id);
    if (!(struct instanceof Y.Item) || struct.parent !== this.text) return { item: null, off: 0 };
    return { item: struct, off: id.clock - struct.id.clock };
  }

  private indexOf(item: Y.Item, off: number): number {
    let index = !item.deleted && item.countable ? off : 0;
    for (let n = item.left; n; n = n.left) if (!n.deleted && n.countable) index += n.length;
    return index;
  }

  /** The run from `off` in `item` whose characters share one snapshot status. */
  private segment(item: Y.Item, off: number): { len: number; inSnapshot: boolean } {
    const client = item.id.client;
    const clock = item.id.clock + off;
    const rest = item.length - off;
    const state = this.sv.get(client) ?? 0;
    if (clock >= state) return { len: rest, inSnapshot: false };
    let len = Math.min(rest, state - clock);
    const ranges = this.deleted.get(client);
    if (ranges) {
      const i = firstEndingAfter(ranges, clock);
      if (i < ranges.length) {
        const r = ranges[i];
        if (r.clock <= clock) return { len: Math.min(len, r.clock + r.len - clock), inSnapshot: false };
        len = Math.min(len, r.clock - clock);
      }
    }
    return { len, inSnapshot: true };
  }
}

/** The character at `off` in a string item ('' for embeds and deleted content). */
function charAt(item: Y.Item, off: number): string {
  return item.content instanceof Y.ContentString ? (item.content.str[off] ?? '') : '';
}

/** First range (sorted, disjoint) whose end is after `clock`. */
function firstEndingAfter(ranges: DeleteRange[], clock: number): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid].clock + ranges[mid].len <= clock) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
