// Turns a run's parsed edit events (apply_patch or SEARCH/REPLACE) into document changes:
// each hunk is located in the CURRENT text of its file, refused unless the match is unique,
// bound to the text by CRDT identity and streamed in through a minimal diff. An apply_patch
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
        if (!this.skipping && this.srPath !== null) this.early = new EarlyHunk(event.context, event.lineHint);
        break;
      case 'line':
        if (this.skipping) break;
        if (this.active?.created) this.streamLine(event.text);
        else if (this.early && this.srPath !== null) this.earlyLine(this.srPath, event.kind, event.text);
        break;
      case 'hunkEnd':
        if (!this.skipping && this.srPath !== null) this.endPatchHunk(this.srPath, event.hunk);
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
        if (!this.skipping && this.active) this.finishActive();
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
    a.writer.rollback(this.options.restoreClientId?.());
    if (a.created && filesOf(this.doc).get(a.file) === a.text) {
      this.doc.transact(() => filesOf(this.doc).delete(a.file), a.writer.origin);
    }
    this.run.updateHunk(a.map, { status: 'rolledBack', reason, start: null, end: null, newText: a.newText });
    if (!quiet) this.note(`${a.file}: a change was rolled back (${reason})`);
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
      lines: 0, leadingLF: false, finalLF: true, created: !existing, early: null,
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
    const match = this.locateIn(path, text, { oldLines });
    if (!match) {
      this.skipping = true;
      return;
    }
    this.startUpdate(path, text, match, oldLines.length === 0 && match.start === match.end && !match.finalNewline);
  }

  private locateIn(path: string, text: Y.Text, hunk: Pick<PatchHunk, 'oldLines'> & Partial<PatchHunk>): LocateMatch | null {
    const current = text.toString();
    const after = this.afterIn(path);
    const result = locate(current, { oldLines: hunk.oldLines, context: hunk.context, eof: hunk.eof, hintLine: hunk.lineHint, after });
    if (!result.ok) {
      this.refuse(path, 'update', result.message, hunk.oldLines.join('\n'), hunk.newLines?.join('\n') ?? '');
      return null;
    }
    return result;
  }

  private startUpdate(path: string, text: Y.Text, match: LocateMatch, leadingLF: boolean, early: EarlyHunk | null = null): void {
    this.hunks++;
    const { id, map } = this.run.addHunk(path, 'update', {
      status: 'streaming', tier: match.tier, oldText: match.matched, startLine: match.startLine,
    });
    const origin = { kind: 'ai' as const, runId: this.run.id, hunkId: id };
    const writer = new HunkWriter(this.doc, text, match.start, origin);
    writer.onFlush = (index) => this.onCursor(path, text, index);
    this.active = {
      writer, diff: early ? null : new StreamingDiff(match.matched), map, file: path, text, oldText: match.matched, newText: '',
      lines: 0, leadingLF, finalLF: match.finalNewline, created: false, early,
    };
    this.onCursor(path, text, match.start);
  }

  private streamLine(line: string): void {
    const a = this.active!;
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
    this.lastEnd.set(a.file, range.end);
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
    const current = text.toString();
    const after = this.afterIn(path);
    const match = locate(current, { oldLines: e.oldLines, context: e.context, hintLine: e.lineHint, after, strict: true });
    if (!match.ok) return;
    this.startUpdate(path, text, match, false, e);
    const a = this.active!;
    const replay = e.place(current, match, after);
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
    if (!e || a?.early !== e) return this.applyWholeHunk(path, hunk);
    const problem = e.verify(hunk);
    if (problem === null) return this.finishActive();
    this.rollback(`placed early at line ${e.startLine()}, but ${problem}`, true);
    this.applyWholeHunk(path, hunk);
  }

  private afterIn(path: string): number | undefined {
    const last = this.lastEnd.get(path);
    return last ? Y.createAbsolutePositionFromRelativePosition(last, this.doc)?.index : undefined;
  }

  private applyWholeHunk(path: string, hunk: PatchHunk): void {
    const text = filesOf(this.doc).get(path);
    if (!text) return this.refuse(path, 'update', 'the file does not exist', hunk.oldLines.join('\n'), hunk.newLines.join('\n'));
    const match = this.locateIn(path, text, hunk);
    if (!match) return;
    // The whole hunk is known at once here (its old side is complete only at its end), so it
    // streams through the same writer in one batch.
    this.startUpdate(path, text, match, hunk.oldLines.length === 0 && match.start === match.end && !match.finalNewline);
    for (const line of hunk.newLines) this.streamLine(line);
    if (this.active) this.finishActive();
  }
}
