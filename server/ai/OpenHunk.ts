// The hunk being streamed: where it was placed, its writer (HunkWriter), and its new side as it
// arrives line by line, diffed against its old side (StreamingDiff) or, placed early, fed through
// its EarlyHunk. A SEARCH/REPLACE block's lines the model re-sends unchanged are written with
// the file's own bytes (lineMap).
import * as Y from 'yjs';
import type { DiffOp } from '../../lib/edits/sequenceDiff.ts';
import { StreamingDiff } from '../../lib/edits/streamingDiff.ts';
import { encodeRelPos } from '../../lib/ai/aiRuns.ts';
import { filesOf } from '../../lib/schema.ts';
import type { HunkWriter, WrittenRange } from './HunkWriter.ts';
import { ENDED_HUNK, type HunkFields } from './RunRecord.ts';
import type { ReadState } from './placedText.ts';
import { UnchangedLines, linesOf } from './unchangedLines.ts';
import type { EarlyHunk } from './earlyHunk.ts';
import type { SnapshotPlacement } from './SnapshotPlacement.ts';

/** Largest file the AI may create or grow, in characters. */
const MAX_FILE_CHARS = 2 * 1024 * 1024;

/** A size limit the hunk's next ops would break: the hunk ends (`fatal`: and so does the run). */
export interface LimitReached {
  message: string;
  fatal: boolean;
}

export interface OpenHunkInit {
  writer: HunkWriter;
  map: Y.Map<unknown>;
  file: string;
  text: Y.Text;
  /** The old side as matched in the file ('' for a file being added). */
  oldText: string;
  /** The new side starts with a line feed (an insertion at the end of a file without one). */
  leadingLF: boolean;
  /** The new side ends with a line feed. */
  finalLF: boolean;
  /** The hunk created the file (rollback removes it). */
  created: boolean;
  /** An apply_patch hunk placed before its old side was complete. */
  early: EarlyHunk | null;
  /** Placed in the text the model read (offsets are that text's), or null: in the live text. */
  read: ReadState | null;
  /** End of the matched old side, in the read text (with `read`). */
  readEnd: number;
}

export class OpenHunk {
  readonly writer: HunkWriter;
  readonly map: Y.Map<unknown>;
  readonly file: string;
  readonly text: Y.Text;
  readonly created: boolean;
  readonly early: EarlyHunk | null;
  readonly read: ReadState | null;
  /** The new side so far, as the model wrote it. */
  newText = '';
  /** SEARCH/REPLACE: the block's old lines as the model copied them and as the file has them. */
  lineMap: UnchangedLines | null = null;
  private readonly diff: StreamingDiff | null;
  private readonly leadingLF: boolean;
  private readonly finalLF: boolean;
  private readonly readEnd: number;
  /** New-side lines so far. */
  private lines = 0;

  constructor(init: OpenHunkInit) {
    this.writer = init.writer;
    this.map = init.map;
    this.file = init.file;
    this.text = init.text;
    this.created = init.created;
    this.early = init.early;
    this.read = init.read;
    this.readEnd = init.readEnd;
    this.leadingLF = init.leadingLF;
    this.finalLF = init.finalLF;
    this.diff = init.early ? null : new StreamingDiff(init.oldText);
    const removedSoFar = init.map.get('removedSoFar');
    if (removedSoFar instanceof Y.Array) this.writer.onRemoved = (removed) => removedSoFar.push(removed);
  }

  /**
   * What a streaming hunk records for another process to roll it back should this one stop
   * (server/ai/orphanRuns.ts): the AI client's clock now, and a list of what it deletes.
   */
  static recovery(doc: Y.Doc, created: boolean): HunkFields {
    return { aiFrom: Y.getState(doc.store, doc.clientID), removedSoFar: new Y.Array(), ...(created ? { created: true } : {}) };
  }

  /** The ops for one more line of the new side (LF handling as replacementFor does it). */
  line(raw: string): DiffOp[] {
    // A block line the model re-sends unchanged is written with the file's own bytes.
    const line = this.lineMap ? this.lineMap.map(raw) : raw;
    let chunk = this.lines === 0 ? (this.leadingLF ? `\n${line}` : line) : `\n${line}`;
    if (this.created) chunk = this.lines === 0 ? line : `\n${line}`;
    this.lines++;
    this.newText += chunk;
    return this.diff!.push(chunk);
  }

  /**
   * A SEARCH/REPLACE match that tolerated whitespace: the block's unchanged lines are written as
   * the file has them (`matched`), not as the model copied them (they are context, not a change).
   */
  keepFileLines(oldLines: string[], matched: string): void {
    const fileLines = linesOf(matched);
    if (fileLines.length !== oldLines.length) return;
    const map = new UnchangedLines();
    oldLines.forEach((l, i) => map.addOld(l, fileLines[i]));
    this.lineMap = map;
  }

  /** Queues ops on the writer unless they would break a size limit (`canGrow`: the room's). */
  push(ops: DiffOp[], canGrow?: (bytes: number) => boolean): LimitReached | null {
    let grow = 0;
    for (const op of ops) if (op.type === 'insert') grow += op.text.length;
    if (grow > 0) {
      if (this.text.length + grow > MAX_FILE_CHARS) return { message: `the file would exceed ${MAX_FILE_CHARS} characters`, fatal: false };
      // UTF-8 can take 3 bytes per UTF-16 unit; plus the update's own framing.
      if (canGrow && !canGrow(grow * 3 + 64)) {
        return { message: 'the session document has reached its size limit (MAX_DOC_BYTES): the AI stopped writing', fatal: true };
      }
    }
    this.writer.push(ops);
    return null;
  }

  /** Writes the end of the new side and returns the range the hunk occupies (null: a conflict). */
  finish(): WrittenRange | null {
    if (this.early) {
      this.writer.push(this.early.finish());
    } else {
      if (this.lines > 0 && this.finalLF && !this.leadingLF) {
        this.newText += '\n';
        this.writer.push(this.diff!.push('\n'));
      }
      this.writer.push(this.diff!.finish());
    }
    return this.writer.finish();
  }

  /** Where the hunk ended in the read text. */
  placedReadEnd(): number {
    return this.early ? this.early.placedEnd() : this.readEnd;
  }

  /**
   * The applied hunk's record, the same for every path (early-placed, whole hunk,
   * SEARCH/REPLACE, added file): the items are what a reject removes and restores.
   */
  appliedFields(range: WrittenRange): HunkFields {
    return {
      status: 'applied', start: encodeRelPos(range.start), end: encodeRelPos(range.end), newText: this.newText, items: range.items, ...ENDED_HUNK,
      ...(this.early ? { oldText: this.early.placedOldText() } : {}),
    };
  }

  /**
   * Removes what the hunk wrote; the text it restores counts as read (it is what the model read).
   * `restoreClientId`: a clientID to restore the removed text under.
   */
  undo(doc: Y.Doc, placement: SnapshotPlacement, restoreClientId?: () => number): void {
    // A clientID of its own for the restored copies: they are told apart from the run's text.
    const restoreAs = restoreClientId?.() ?? (placement.bound ? Math.floor(Math.random() * 0xffffffff) : undefined);
    const deletions = this.writer.rollback(restoreAs);
    placement.restored(restoreAs, deletions);
    if (this.created && filesOf(doc).get(this.file) === this.text) {
      doc.transact(() => filesOf(doc).delete(this.file), this.writer.origin);
    }
  }
}
