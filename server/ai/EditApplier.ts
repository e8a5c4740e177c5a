// Turns a run's parsed edit events (apply_patch or SEARCH/REPLACE) into document changes:
// each hunk is located in the text of its file AS THE MODEL READ IT (readAt: the run's context,
// with the document's snapshot at that moment), refused unless the match is unique, bound to the
// text by CRDT identity and streamed in through a minimal diff against what the model read. So
// the CRDT merges: what people typed since stays where they typed it, lines the hunk quotes as
// context are never written (a SEARCH/REPLACE block's unchanged lines are the file's own bytes),
// and where the model changes the very characters a person changed since, the hunk is refused
// with who and why (HunkWriter's conflict) rather than either side silently winning. A hunk whose
// old side is not in the text the model read (say a SEARCH block quoting an earlier block's
// result) is located in the current text instead, as before. An apply_patch
// hunk is placed early, as soon as the old lines seen so far (with its `@@` context) match one
// place only, and its new side streams line by line from then on (EarlyHunk); if a later old
// line or the complete old side disagrees with that place, the hunk is rolled back and placed
// again as a whole. Every hunk, applied or refused, is recorded in the thread; the outcome
// summary is what the next turn tells the model.
import * as Y from 'yjs';
import type { PatchEvent, PatchHunk } from '../../lib/edits/applyPatchParser.ts';
import type { SearchReplaceEvent } from '../../lib/edits/searchReplaceParser.ts';
import { locate, type LocateMatch } from '../../lib/edits/locator.ts';
import type { DiffOp } from '../../lib/edits/sequenceDiff.ts';
import { StreamingDiff } from '../../lib/edits/streamingDiff.ts';
import { filesOf, normalisePath } from '../../lib/schema.ts';
import { encodeRelPos, type AiHunkOp } from '../../lib/ai/schema.ts';
import { HunkWriter } from './HunkWriter.ts';
import { recordRollback, type ReadState } from './placedText.ts';
import { UnchangedLines, linesOf, newSideAsFile } from './unchangedLines.ts';
import { authorOf } from '../../lib/review/authorship.ts';
import type { RunRecord } from './RunRecord.ts';
import { EarlyHunk, MAX_EARLY_ATTEMPTS } from './earlyHunk.ts';

/** Largest file the AI may create or grow, in characters. */
const MAX_FILE_CHARS = 2 * 1024 * 1024;

interface Active {
  writer: HunkWriter;
  diff: StreamingDiff | null;
  map: Y.Map<unknown>;
  file: string;
  text: Y.Text;
  oldText: string;
  newText: string;
  /** SEARCH/REPLACE streaming state: lines so far, LF handling as replacementFor does it. */
  lines: number;
  leadingLF: boolean;
  finalLF: boolean;
  /** The hunk created the file (rollback removes it). */
  created: boolean;
  /** An apply_patch hunk placed before its old side was complete. */
  early: EarlyHunk | null;
  /** Placed in the text the model read (offsets are that text's), or null: in the live text. */
  read: ReadState | null;
  /** End of the matched old side, in the read text (with `read`). */
  readEnd: number;
  /** SEARCH/REPLACE: the block's old lines as the model copied them and as the file has them. */
  lineMap: UnchangedLines | null;
}

/** The files as the model read them for this run. */
interface ReadFiles {
  state: ReadState;
  files: Map<string, { text: Y.Text; content: string }>;
}

export interface EditApplierOptions {
  /** Whether the document may grow by about this many bytes (the room's size limit). */
  canGrow?: (bytes: number) => boolean;
  /** Called once for each hunk rollback: a clientID to restore the removed text under. */
  restoreClientId?: () => number;
}

export class EditApplier {
  private readonly doc: Y.Doc;
  private readonly run: RunRecord;
  private active: Active | null = null;
  /** Where the previous hunk in each file ended (preferred start of the next match). */
  private readonly lastEnd = new Map<string, Y.RelativePosition>();
  private skipping = false;
  /**
   * The record of the hunk being received when it was refused for a conflict: its remaining
   * lines are ignored, and its end completes the record with the model's whole hunk.
   */
  private conflictMap: Y.Map<unknown> | null = null;
  private read: ReadFiles | null = null;
  /** Where the previous hunk in each file ended in the read text. */
  private readonly lastReadEnd = new Map<string, number>();
  private srPath: string | null = null;
  /** The apply_patch update hunk being received (placed early or not yet). */
  private early: EarlyHunk | null = null;
  private readonly options: EditApplierOptions;
  private readonly outcome: string[] = [];
  private hunks = 0;
  /** A parse error in the model's edit: nothing after it is applied. */
  parseError: string | null = null;
  /** A limit that ends the run: nothing more is written. */
  fatal: { code: string; message: string } | null = null;
  onCursor: (file: string, text: Y.Text, index: number) => void = () => {};

  constructor(doc: Y.Doc, run: RunRecord, options: EditApplierOptions = {}) {
    this.doc = doc;
    this.run = run;
    this.options = options;
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

  get hunkCount(): number {
    return this.hunks;
  }

  /** What happened to this run's edits, for the model's next turn (null when all applied). */
  summary(): string | null {
    return this.outcome.length === 0 ? null : this.outcome.join('\n');
  }

  // ---- apply_patch ---------------------------------------------------------------------

  onPatch(event: PatchEvent): void {
    if (this.fatal) return;
    switch (event.type) {
      case 'fileStart': {
        this.skipping = false;
        this.conflictMap = null;
        this.early = null;
        const path = this.checkPath(event.path, event.op);
        if (path === null) {
          this.skipping = true;
        } else if (event.op === 'delete') {
          this.deleteFile(path);
        } else if (event.op === 'add') {
          this.startAdd(path);
        } else {
          this.srPath = path;
        }
        break;
      }
      case 'hunkStart':
        this.conflictMap = null;
        if (!this.skipping && this.srPath !== null) this.early = new EarlyHunk(event.context, event.lineHint);
        break;
      case 'line':
        if (this.skipping || this.conflictMap) break;
        if (this.active?.created) this.streamLine(event.text);
        else if (this.early && this.srPath !== null) this.earlyLine(this.srPath, event.kind, event.text);
        break;
      case 'hunkEnd':
        if (this.conflictMap) this.completeConflict(event.hunk.oldLines, event.hunk.newLines);
        else if (!this.skipping && this.srPath !== null) this.endPatchHunk(this.srPath, event.hunk);
        this.early = null;
        break;
      case 'move':
        this.note(`moving files is not supported: the edits stay in ${this.srPath ?? 'the old path'} (not moved to ${event.to})`);
        break;
      case 'fileEnd':
        if (!this.skipping && this.active) this.finishActive();
        this.srPath = null;
        break;
      case 'error':
        this.failParse(event.line, event.message);
        break;
      default:
        break;
    }
  }

  // ---- SEARCH/REPLACE ------------------------------------------------------------------

  onSearchReplace(event: SearchReplaceEvent): void {
    if (this.fatal) return;
    switch (event.type) {
      case 'blockStart':
        this.skipping = false;
        this.conflictMap = null;
        this.srPath = this.checkPath(event.path, 'update');
        if (this.srPath === null) this.skipping = true;
        break;
      case 'searchEnd':
        if (!this.skipping && this.srPath !== null) this.startSearchReplace(this.srPath, event.oldLines);
        break;
      case 'replaceLine':
        if (!this.skipping && this.active) this.streamLine(event.text);
        break;
      case 'blockEnd':
        if (this.conflictMap) this.completeConflict(event.oldLines, event.newLines);
        else if (!this.skipping && this.active) this.finishActive();
        break;
      case 'error':
        this.failParse(event.line, event.message);
        break;
      default:
        break;
    }
  }

  /** Ends the stream: a hunk still open was cut off and is rolled back. */
  finish(): void {
    if (this.active) this.rollback('the edit stopped before this hunk was complete');
  }

  /** Undoes the hunk in progress (cancel, failure, truncated edit). */
  rollback(reason: string, quiet = false): void {
    const a = this.active;
    if (!a) return;
    this.active = null;
    if (a.early) this.early = null;
    this.undoHunk(a);
    this.run.updateHunk(a.map, { status: 'rolledBack', reason, start: null, end: null, newText: a.newText });
    if (!quiet) this.note(`${a.file}: a change was rolled back (${reason})`);
  }

  /** Removes what a hunk wrote; the text it restores counts as read (it is what the model read). */
  private undoHunk(a: Active): void {
    // A clientID of its own for the restored copies: they are told apart from the run's text.
    const restoreAs = this.options.restoreClientId?.() ?? (this.read ? Math.floor(Math.random() * 0xffffffff) : undefined);
    const deletions = a.writer.rollback(restoreAs);
    if (this.read && restoreAs !== undefined) recordRollback(this.read.state, this.doc, restoreAs, deletions);
    if (a.created && filesOf(this.doc).get(a.file) === a.text) {
      this.doc.transact(() => filesOf(this.doc).delete(a.file), a.writer.origin);
    }
  }

  /** The model's whole hunk, for people to compare with what they wrote. */
  private completeConflict(oldLines: string[], newLines: string[]): void {
    const map = this.conflictMap!;
    this.conflictMap = null;
    const text = (lines: string[]) => (lines.length ? `${lines.join('\n')}\n` : '');
    this.run.updateHunk(map, { oldText: text(oldLines).slice(0, 20_000), newText: text(newLines).slice(0, 20_000) });
  }

  /** A person changed what this hunk changes since the model read it: refused, nothing kept. */
  private refuseConflict(a: Active, client: number): void {
    if (this.active === a) {
      this.active = null;
      this.conflictMap = a.map;
    }
    if (a.early && this.early === a.early) this.early = null;
    this.undoHunk(a);
    const who = client >= 0 ? authorOf(this.doc, client) : null;
    const name = who && who.kind === 'human' ? who.name : 'Someone';
    const reason = `${name} changed this text while the AI was writing: the AI's change here was not applied, so that theirs stays`;
    this.run.updateHunk(a.map, { status: 'refused', reason, conflict: true, start: null, end: null, newText: a.newText, items: null });
    this.note(`${a.file}: a change was NOT applied: ${reason} (read the file again before changing it)`);
  }

  // ---- internals -----------------------------------------------------------------------

  private checkPath(raw: string, op: AiHunkOp): string | null {
    const path = normalisePath(raw);
    if (path !== null) return path;
    this.refuse(raw.slice(0, 200), op, `not a valid workspace path: ${JSON.stringify(raw.slice(0, 200))}`);
    return null;
  }

  private refuse(file: string, op: AiHunkOp, reason: string, oldText = '', newText = ''): void {
    this.hunks++;
    this.run.addHunk(file, op, { status: 'refused', reason, oldText: oldText.slice(0, 20_000), newText: newText.slice(0, 20_000) });
    this.note(`${file}: a change was NOT applied: ${reason}`);
  }

  private note(line: string): void {
    if (this.outcome.length < 50) this.outcome.push(line);
  }

  private failParse(line: number, message: string): void {
    this.parseError = `the edit was malformed at line ${line}: ${message}`;
    if (this.active) this.rollback('the edit was malformed');
    this.skipping = true;
    this.note(this.parseError);
  }

  private deleteFile(path: string): void {
    const files = filesOf(this.doc);
    const text = files.get(path);
    if (!text) return this.refuse(path, 'delete', 'the file does not exist');
    const oldText = text.toString();
    this.hunks++;
    // No item record: the file's Y.Text goes with the map entry, so its items cannot be revived
    // in place. Reject recreates the file from oldText (lib/review rejectOne), which is exact.
    const { id, map } = this.run.addHunk(path, 'delete', { status: 'streaming', oldText });
    const origin = { kind: 'ai' as const, runId: this.run.id, hunkId: id };
    this.doc.transact(() => files.delete(path), origin);
    this.run.updateHunk(map, { status: 'applied' });
  }

  private startAdd(path: string): void {
    const files = filesOf(this.doc);
    const existing = files.get(path);
    if (existing && existing.length > 0) return this.refuseAndSkip(path, 'add', 'the file already exists; update it instead');
    this.hunks++;
    const { id, map } = this.run.addHunk(path, 'add', { status: 'streaming', startLine: 1 });
    const origin = { kind: 'ai' as const, runId: this.run.id, hunkId: id };
    let text = existing;
    if (!text) {
      text = new Y.Text();
      this.doc.transact(() => files.set(path, text!), origin);
    }
    const writer = new HunkWriter(this.doc, text, 0, origin);
    writer.onFlush = (index) => this.onCursor(path, text!, index);
    this.active = {
      writer, diff: new StreamingDiff(''), map, file: path, text, oldText: '', newText: '',
      lines: 0, leadingLF: false, finalLF: true, created: !existing, early: null, read: null, readEnd: 0, lineMap: null,
    };
  }

  private refuseAndSkip(path: string, op: AiHunkOp, reason: string): void {
    this.refuse(path, op, reason);
    this.skipping = true;
  }

  private startSearchReplace(path: string, oldLines: string[]): void {
    const text = filesOf(this.doc).get(path);
    if (!text) {
      if (oldLines.length === 0) return this.startAdd(path);
      return this.refuseAndSkip(path, 'update', 'the file does not exist');
    }
    const located = this.locateIn(path, text, { oldLines });
    if (!located) {
      this.skipping = true;
      return;
    }
    const { match, read } = located;
    this.startUpdate(path, text, match, oldLines.length === 0 && match.start === match.end && !match.finalNewline, null, read);
    // A match that tolerated whitespace: the block's unchanged lines are written as the file has
    // them, not as the model copied them (they are context, not a change).
    const fileLines = linesOf(match.matched);
    if (this.active && fileLines.length === oldLines.length) {
      const map = new UnchangedLines();
      oldLines.forEach((l, i) => map.addOld(l, fileLines[i]));
      this.active.lineMap = map;
    }
  }

  /** The file's text the model read and the snapshot to write against, or the live text. */
  private baseOf(path: string, text: Y.Text): { content: string; read: ReadState | null } {
    const seen = this.read?.files.get(path);
    if (this.read && seen && seen.text === text) return { content: seen.content, read: this.read.state };
    return { content: text.toString(), read: null };
  }

  private locateIn(path: string, text: Y.Text, hunk: Pick<PatchHunk, 'oldLines'> & Partial<PatchHunk>): { match: LocateMatch; read: ReadState | null } | null {
    const query = { oldLines: hunk.oldLines, context: hunk.context, eof: hunk.eof, hintLine: hunk.lineHint };
    const base = this.baseOf(path, text);
    if (base.read) {
      const seen = locate(base.content, { ...query, after: this.lastReadEnd.get(path) });
      if (seen.ok) return { match: seen, read: base.read };
    }
    const result = locate(text.toString(), { ...query, after: this.afterIn(path) });
    if (!result.ok) {
      this.refuse(path, 'update', result.message, hunk.oldLines.join('\n'), hunk.newLines?.join('\n') ?? '');
      return null;
    }
    return { match: result, read: null };
  }

  private startUpdate(path: string, text: Y.Text, match: LocateMatch, leadingLF: boolean, early: EarlyHunk | null, read: ReadState | null): void {
    this.hunks++;
    const { id, map } = this.run.addHunk(path, 'update', {
      status: 'streaming', tier: match.tier, oldText: match.matched, startLine: match.startLine,
    });
    const origin = { kind: 'ai' as const, runId: this.run.id, hunkId: id };
    const writer = new HunkWriter(this.doc, text, match.start, origin, read ?? undefined);
    writer.onFlush = (index) => this.onCursor(path, text, index);
    const active: Active = {
      writer, diff: early ? null : new StreamingDiff(match.matched), map, file: path, text, oldText: match.matched, newText: '',
      lines: 0, leadingLF, finalLF: match.finalNewline, created: false, early, read, readEnd: match.end, lineMap: null,
    };
    writer.onConflict = (client) => this.refuseConflict(active, client);
    this.active = active;
    this.onCursor(path, text, writer.startIndex());
  }

  private streamLine(raw: string): void {
    const a = this.active;
    if (!a) return;
    // A block line the model re-sends unchanged is written with the file's own bytes.
    const line = a.lineMap ? a.lineMap.map(raw) : raw;
    let chunk = a.lines === 0 ? (a.leadingLF ? `\n${line}` : line) : `\n${line}`;
    if (a.created) chunk = a.lines === 0 ? line : `\n${line}`;
    a.lines++;
    a.newText += chunk;
    this.write(a, a.diff!.push(chunk));
  }

  /** Queues ops on the active hunk unless they would break a size limit. */
  private write(a: Active, ops: DiffOp[]): boolean {
    let grow = 0;
    for (const op of ops) if (op.type === 'insert') grow += op.text.length;
    if (grow === 0) {
      a.writer.push(ops);
      return true;
    }
    if (a.text.length + grow > MAX_FILE_CHARS) {
      this.rollback(`the file would exceed ${MAX_FILE_CHARS} characters`);
      this.skipping = true;
      return false;
    }
    // UTF-8 can take 3 bytes per UTF-16 unit; plus the update's own framing.
    if (this.options.canGrow && !this.options.canGrow(grow * 3 + 64)) {
      const message = 'the session document has reached its size limit (MAX_DOC_BYTES): the AI stopped writing';
      this.rollback(message);
      this.fatal = { code: 'document_too_large', message };
      this.skipping = true;
      return false;
    }
    a.writer.push(ops);
    return true;
  }

  private finishActive(): void {
    const a = this.active!;
    this.active = null;
    if (a.early) {
      a.writer.push(a.early.finish());
    } else {
      if (a.lines > 0 && a.finalLF && !a.leadingLF) {
        a.newText += '\n';
        a.writer.push(a.diff!.push('\n'));
      }
      a.writer.push(a.diff!.finish());
    }
    const range = a.writer.finish();
    if (range === null) return;
    this.lastEnd.set(a.file, range.end);
    if (a.read) this.lastReadEnd.set(a.file, a.early ? a.early.placedEnd() : a.readEnd);
    else this.lastReadEnd.delete(a.file);
    // One record for every path (early-placed, whole hunk, SEARCH/REPLACE, added file): the
    // items are what a reject removes and restores.
    this.run.updateHunk(a.map, {
      status: 'applied', start: encodeRelPos(range.start), end: encodeRelPos(range.end), newText: a.newText, items: range.items,
      ...(a.early ? { oldText: a.early.placedOldText() } : {}),
    });
  }

  // ---- apply_patch hunks placed early ----------------------------------------------------

  private earlyLine(path: string, kind: 'context' | 'remove' | 'add', line: string): void {
    const e = this.early!;
    e.record(kind, line);
    const a = this.active;
    if (a?.early === e) {
      const fed = e.feed(kind, line);
      if (fed.ok) {
        if (kind !== 'remove') a.newText += `${line}\n`;
        this.write(a, fed.ops);
        return;
      }
      // The place chosen on fewer lines was wrong: undo what went there and look again.
      this.rollback(`placed early at line ${e.startLine()}, but ${fed.reason}`, true);
      this.early = e;
      e.unplace();
    }
    if (kind !== 'add' && e.attempts < MAX_EARLY_ATTEMPTS) this.tryPlace(path, e);
  }

  private tryPlace(path: string, e: EarlyHunk): void {
    const text = filesOf(this.doc).get(path);
    if (!text) return;
    e.attempts++;
    const base = this.baseOf(path, text);
    const after = base.read ? this.lastReadEnd.get(path) : this.afterIn(path);
    const match = locate(base.content, { oldLines: e.oldLines, context: e.context, hintLine: e.lineHint, after, strict: true });
    if (!match.ok) return;
    this.startUpdate(path, text, match, false, e, base.read);
    const a = this.active;
    if (!a) return;
    const replay = e.place(base.content, match, after);
    if (!replay.ok) {
      this.rollback(replay.reason, true);
      this.early = e;
      e.unplace();
      return;
    }
    a.newText = replay.newText;
    this.write(a, replay.ops);
  }

  private endPatchHunk(path: string, hunk: PatchHunk): void {
    const a = this.active;
    const e = this.early;
    if (!e || a?.early !== e) return this.applyWholeHunk(path, hunk, e);
    const problem = e.verify(hunk);
    if (problem === null) return this.finishActive();
    this.rollback(`placed early at line ${e.startLine()}, but ${problem}`, true);
    this.applyWholeHunk(path, hunk, e);
  }

  private afterIn(path: string): number | undefined {
    const last = this.lastEnd.get(path);
    return last ? Y.createAbsolutePositionFromRelativePosition(last, this.doc)?.index : undefined;
  }

  private applyWholeHunk(path: string, hunk: PatchHunk, e: EarlyHunk | null): void {
    const text = filesOf(this.doc).get(path);
    if (!text) return this.refuse(path, 'update', 'the file does not exist', hunk.oldLines.join('\n'), hunk.newLines.join('\n'));
    const located = this.locateIn(path, text, hunk);
    if (!located) return;
    const { match, read } = located;
    const newLines = newSideAsFile(hunk, match.matched, e?.kinds());
    // The whole hunk is known at once here (its old side is complete only at its end), so it
    // streams through the same writer in one batch.
    this.startUpdate(path, text, match, hunk.oldLines.length === 0 && match.start === match.end && !match.finalNewline, null, read);
    for (const line of newLines) this.streamLine(line);
    if (this.active) this.finishActive();
  }
}
