// Maps diff ops written against a text AS IT WAS when a hunk was placed onto the text as it is
// now, by CRDT identity rather than by character counts. The diff is computed on a snapshot
// (state vector + delete set taken at placement); while the model streams, people keep typing
// inside and beside the hunk. Counting characters from a cursor would then retain, delete or
// insert at the wrong place. Instead every retain/delete walks the Y.Text's items and counts
// only characters that were visible in the snapshot: characters typed since are stepped over
// (never deleted), characters deleted since count as consumed (already gone). Inserts land
// just before the next snapshot character still to be processed.
//
// Yjs has no public API for "walk items against a snapshot", so this reads the item list
// (`_start`, `right`, `left`, `id`, `length`, `deleted`, `countable`), which is stable across
// Yjs 13.
import * as Y from 'yjs';
import type { DiffOp } from '../../lib/edits/streamingDiff.ts';

interface DeleteRange {
  clock: number;
  len: number;
}

/** One planned change in the coordinates of the text before the batch (non-decreasing `at`). */
export type PlannedEdit = { at: number; del: number } | { at: number; ins: string } | { at: number; mark: true };

export interface Plan {
  edits: PlannedEdit[];
  /** Index (pre-batch coordinates) of the walk position after the last op. */
  end: number;
  /** Next snapshot character still to process, or null at the end of the text. */
  next: Y.ID | null;
}

export class PlacedText {
  private readonly doc: Y.Doc;
  private readonly text: Y.Text;
  private readonly sv: Map<number, number>;
  private readonly deleted: Map<number, DeleteRange[]>;
  private next: Y.ID | null;

  constructor(doc: Y.Doc, text: Y.Text, start: number) {
    this.doc = doc;
    this.text = text;
    const snap = Y.snapshot(doc);
    this.sv = snap.sv;
    this.deleted = snap.ds.clients;
    this.next = Y.createRelativePositionFromTypeIndex(text, Math.min(start, text.length), 0).item;
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
    for (const op of ops) {
      if (op.type === 'insert') {
        if (marking) edits.push({ at: index, mark: true });
        marking = false;
        edits.push({ at: index, ins: op.text });
        continue;
      }
      let n = op.count;
      while (n > 0 && item) {
        if (off >= item.length) {
          item = item.right as Y.Item | null;
          off = 0;
          continue;
        }
        const visible = !item.deleted && item.countable;
        const seg = this.segment(item, off);
        if (!item.countable || !seg.inSnapshot) {
          if (visible) index += seg.len;
          off += seg.len;
          continue;
        }
        const k = Math.min(n, seg.len);
        if (visible) {
          if (op.type === 'delete') edits.push({ at: index, del: k });
          else if (marking) {
            edits.push({ at: index, mark: true });
            marking = false;
          }
          index += k;
        }
        off += k;
        n -= k;
      }
    }
    while (item && off >= item.length) {
      item = item.right as Y.Item | null;
      off = 0;
    }
    const next = item ? Y.createID(item.id.client, item.id.clock + off) : null;
    return { edits, end: index, next };
  }

  /** Every client's next clock when the hunk was placed (what the ops are written against). */
  get stateAtPlacement(): ReadonlyMap<number, number> {
    return this.sv;
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
