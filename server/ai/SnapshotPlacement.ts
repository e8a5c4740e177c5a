// Where a run's hunks go: each is located in the text of its file AS THE MODEL READ IT (readAt:
// the run's context, with the document's snapshot at that moment), a unique match or nothing,
// so that its edits are written against that text and mapped onto the live text by CRDT
// identity (placedText.ts). A hunk whose old side is not in the text the model read (say a
// SEARCH block quoting an earlier block's result) is located in the current text instead. The
// next hunk in a file is looked for after where the previous one ended.
import * as Y from 'yjs';
import type { PatchHunk } from '../../lib/edits/applyPatchParser.ts';
import { locate, type LocateMatch } from '../../lib/edits/locator.ts';
import { filesOf } from '../../lib/schema.ts';
import type { EarlyHunk } from './earlyHunk.ts';
import { recordRollback, type DeleteSet, type ReadState } from './placedText.ts';

/** The files as the model read them for this run. */
interface ReadFiles {
  state: ReadState;
  files: Map<string, { text: Y.Text; content: string }>;
}

/** A file's text to locate in: what the model read with its snapshot, or the live text (read null). */
export interface PlacementBase {
  content: string;
  read: ReadState | null;
}

export type Located = { ok: true; match: LocateMatch; read: ReadState | null } | { ok: false; message: string };

export class SnapshotPlacement {
  private readonly doc: Y.Doc;
  private read: ReadFiles | null = null;
  /** Where the previous hunk in each file ended (preferred start of the next match). */
  private readonly lastEnd = new Map<string, Y.RelativePosition>();
  /** Where the previous hunk in each file ended in the read text. */
  private readonly lastReadEnd = new Map<string, number>();

  constructor(doc: Y.Doc) {
    this.doc = doc;
  }

  /**
   * Binds this run's edits to the document as it is now: call when the model's context is read
   * from the document (same tick: `contents` are the texts it read), before any edit arrives.
   */
  readAt(contents?: Record<string, string>): void {
    const files = new Map<string, { text: Y.Text; content: string }>();
    for (const [path, text] of filesOf(this.doc)) files.set(path, { text, content: contents?.[path] ?? text.toString() });
    this.read = { state: Y.snapshot(this.doc), files };
  }

  /** Whether the run is bound to the text the model read. */
  get bound(): boolean {
    return this.read !== null;
  }

  /** A rollback restored `deletions` as `restoredAs`: that text counts as read (the model read it). */
  restored(restoredAs: number | undefined, deletions: DeleteSet): void {
    if (this.read && restoredAs !== undefined) recordRollback(this.read.state, this.doc, restoredAs, deletions);
  }

  /** The file's text the model read and the snapshot to write against, or the live text. */
  baseOf(path: string, text: Y.Text): PlacementBase {
    const seen = this.read?.files.get(path);
    if (this.read && seen && seen.text === text) return { content: seen.content, read: this.read.state };
    return { content: text.toString(), read: null };
  }

  /** Locates a whole hunk's old side: in the text the model read, else in the live text. */
  locate(path: string, text: Y.Text, hunk: Pick<PatchHunk, 'oldLines'> & Partial<PatchHunk>): Located {
    const query = { oldLines: hunk.oldLines, context: hunk.context, eof: hunk.eof, hintLine: hunk.lineHint };
    const base = this.baseOf(path, text);
    if (base.read) {
      const seen = locate(base.content, { ...query, after: this.lastReadEnd.get(path) });
      if (seen.ok) return { ok: true, match: seen, read: base.read };
    }
    const result = locate(text.toString(), { ...query, after: this.afterIn(path) });
    if (!result.ok) return { ok: false, message: result.message };
    return { ok: true, match: result, read: null };
  }

  /**
   * Locates an apply_patch hunk on the old lines seen so far (strict: one place only), for
   * EarlyHunk; `after` is where the previous hunk in the file ended, in `base`.
   */
  locateEarly(path: string, text: Y.Text, e: EarlyHunk): { match: LocateMatch; base: PlacementBase; after: number | undefined } | null {
    const base = this.baseOf(path, text);
    const after = base.read ? this.lastReadEnd.get(path) : this.afterIn(path);
    const match = locate(base.content, { oldLines: e.oldLines, context: e.context, hintLine: e.lineHint, after, strict: true });
    return match.ok ? { match, base, after } : null;
  }

  /** A hunk in `file` was applied, ending at `end` (and at `readEnd` in the read text, with `read`). */
  placed(file: string, end: Y.RelativePosition, read: ReadState | null, readEnd: number): void {
    this.lastEnd.set(file, end);
    if (read) this.lastReadEnd.set(file, readEnd);
    else this.lastReadEnd.delete(file);
  }

  private afterIn(path: string): number | undefined {
    const last = this.lastEnd.get(path);
    return last ? Y.createAbsolutePositionFromRelativePosition(last, this.doc)?.index : undefined;
  }
}
