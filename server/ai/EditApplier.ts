// Turns a run's parsed edit events (apply_patch or SEARCH/REPLACE) into document changes, one
// place() per event: each hunk is located in the text of its file AS THE MODEL READ IT
// (SnapshotPlacement), refused unless the match is unique, bound to the text by CRDT identity
// and streamed in through a minimal diff against what the model read (OpenHunk, HunkWriter). So
// the CRDT merges: what people typed since stays where they typed it, lines the hunk quotes as
// context are never written (a SEARCH/REPLACE block's unchanged lines are the file's own bytes),
// and where the model changes the very characters a person changed since, the hunk is refused
// with who and why (HunkWriter's conflict) rather than either side silently winning. An
// apply_patch hunk is placed early, as soon as the old lines seen so far (with its `@@` context)
// match one place only, and its new side streams line by line from then on (EarlyHunk); if a
// later old line or the complete old side disagrees with that place, the hunk is rolled back and
// placed again as a whole. Every hunk, applied or refused, is recorded in the thread; the
// outcome summary is what the next turn tells the model (EditReport). A hunk waits while a person
// types in its lines (HunkWriter's hold; the caller awaits whenWritable() before each event).
import * as Y from 'yjs';
import type { PatchEvent, PatchHunk } from '../../lib/edits/applyPatchParser.ts';
import type { SearchReplaceEvent } from '../../lib/edits/searchReplaceParser.ts';
import type { LocateMatch } from '../../lib/edits/locator.ts';
import type { DiffOp } from '../../lib/edits/sequenceDiff.ts';
import { filesOf } from '../../lib/schema.ts';
import type { AiHunkOp } from '../../lib/ai/aiRuns.ts';
import type { ReadState } from './placedText.ts';
import { newSideAsFile } from './unchangedLines.ts';
import type { RunRecord } from './RunRecord.ts';
import { EarlyHunk, MAX_EARLY_ATTEMPTS } from './earlyHunk.ts';
import { EditReport } from './EditReport.ts';
import { OpenHunk } from './OpenHunk.ts';
import { SnapshotPlacement } from './SnapshotPlacement.ts';
import { deleteWholeFile, openAddedFile, openUpdate } from './openHunks.ts';
import type { Typist, TypingPolicy } from './typingWatch.ts';

/** One event of either edit format's parser. */
export type EditEvent = PatchEvent | SearchReplaceEvent;

export interface EditApplierOptions {
  /** Whether the document may grow by about this many bytes (the room's size limit). */
  canGrow?: (bytes: number) => boolean;
  /** Called once for each hunk rollback: a clientID to restore the removed text under. */
  restoreClientId?: () => number;
  /** Who types where: hunks wait while a person types in their lines (none: they never wait). */
  typing?: TypingPolicy;
  /** A hunk started waiting for someone (null: it stopped waiting). */
  onHold?: (typist: Typist | null) => void;
}

export class EditApplier {
  private readonly doc: Y.Doc;
  private readonly placement: SnapshotPlacement;
  private readonly report: EditReport;
  private active: OpenHunk | null = null;
  /** A hunk whose end arrived while it was held: completed once it is free. */
  private parked: { hunk: OpenHunk; done: Promise<void> } | null = null;
  private skipping = false;
  /**
   * The record of the hunk being received when it was refused for a conflict: its remaining
   * lines are ignored, and its end completes the record with the model's whole hunk.
   */
  private conflictMap: Y.Map<unknown> | null = null;
  /** The file being updated (apply_patch) or the SEARCH/REPLACE block's file. */
  private srPath: string | null = null;
  /** The apply_patch update hunk being received (placed early or not yet). */
  private early: EarlyHunk | null = null;
  private readonly options: EditApplierOptions;
  /** A parse error in the model's edit: nothing after it is applied. */
  parseError: string | null = null;
  /** A limit that ends the run: nothing more is written. */
  fatal: { code: string; message: string } | null = null;
  onCursor: (file: string, text: Y.Text, index: number) => void = () => {};
  private readonly onCursorOf = (file: string, text: Y.Text, index: number): void => this.onCursor(file, text, index);

  constructor(doc: Y.Doc, run: RunRecord, options: EditApplierOptions = {}) {
    this.doc = doc;
    this.placement = new SnapshotPlacement(doc);
    this.report = new EditReport(run);
    this.options = options;
  }

  /** Binds this run's edits to the document as the model reads it now (SnapshotPlacement.readAt). */
  readAt(contents?: Record<string, string>): void {
    this.placement.readAt(contents);
  }

  get hunkCount(): number {
    return this.report.hunkCount;
  }

  /** What happened to this run's edits, for the model's next turn (null when all applied). */
  summary(): string | null {
    return this.report.summary();
  }

  /** Places one parsed event of the model's edit (apply_patch or SEARCH/REPLACE). */
  place(event: EditEvent): void {
    if (this.fatal) return;
    switch (event.type) {
      // apply_patch
      case 'fileStart':
        this.startFile(event.path, event.op);
        break;
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
        this.report.note(`moving files is not supported: the edits stay in ${this.srPath ?? 'the old path'} (not moved to ${event.to})`);
        break;
      case 'fileEnd':
        if (!this.skipping && this.active) this.finishActive();
        this.srPath = null;
        break;
      // SEARCH/REPLACE
      case 'blockStart':
        this.skipping = false;
        this.conflictMap = null;
        this.srPath = this.report.validPath(event.path, 'update');
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
      // both
      case 'error':
        this.failParse(event.line, event.message);
        break;
      default:
        break;
    }
  }

  /** Null: place the next event now; else resolves once no hunk waits for a typist (parked: complete). */
  whenWritable(): Promise<void> | null {
    return this.parked?.done ?? this.active?.writer.whenFree() ?? null;
  }

  /** Ends the stream: a hunk still open was cut off and is rolled back. */
  finish(): void {
    if (this.active) this.rollback('the edit stopped before this hunk was complete');
  }

  /** Undoes the hunk in progress (cancel, failure, truncated edit). */
  rollback(reason: string, quiet = false): void {
    const a = this.active;
    const hunks = [this.parked?.hunk, a].filter((h): h is OpenHunk => h != null);
    this.parked = null;
    this.active = null;
    if (a?.early) this.early = null;
    for (const h of hunks) {
      h.undo(this.doc, this.placement, this.options.restoreClientId);
      this.report.rolledBack(h.map, h.file, reason, h.newText, quiet);
    }
  }

  /** The model's whole hunk, for people to compare with what they wrote. */
  private completeConflict(oldLines: string[], newLines: string[]): void {
    this.report.completeConflict(this.conflictMap!, oldLines, newLines);
    this.conflictMap = null;
  }

  /** A person changed what this hunk changes since the model read it: refused, nothing kept. */
  private refuseConflict(a: OpenHunk, client: number): void {
    if (this.active === a) {
      this.active = null;
      this.conflictMap = a.map;
    }
    if (a.early && this.early === a.early) this.early = null;
    a.undo(this.doc, this.placement, this.options.restoreClientId);
    this.report.conflict(a.map, a.file, this.doc, client, a.newText);
  }

  private startFile(raw: string, op: AiHunkOp): void {
    this.skipping = false;
    this.conflictMap = null;
    this.early = null;
    const path = this.report.validPath(raw, op);
    if (path === null) this.skipping = true;
    else if (op === 'delete') deleteWholeFile(this.doc, this.report, path);
    else if (op === 'add') this.startAdd(path);
    else this.srPath = path;
  }

  private failParse(line: number, message: string): void {
    this.parseError = `the edit was malformed at line ${line}: ${message}`;
    if (this.active) this.rollback('the edit was malformed');
    this.skipping = true;
    this.report.note(this.parseError);
  }

  private startAdd(path: string): void {
    const opened = openAddedFile(this.doc, this.report, path, this.onCursorOf);
    if (typeof opened === 'string') return this.refuseAndSkip(path, 'add', opened);
    this.active = opened;
  }

  private refuseAndSkip(path: string, op: AiHunkOp, reason: string): void {
    this.report.refuse(path, op, reason);
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
    this.active?.keepFileLines(oldLines, match.matched);
  }

  private locateIn(path: string, text: Y.Text, hunk: Pick<PatchHunk, 'oldLines'> & Partial<PatchHunk>): { match: LocateMatch; read: ReadState | null } | null {
    const located = this.placement.locate(path, text, hunk);
    if (located.ok) return located;
    this.report.refuse(path, 'update', located.message, hunk.oldLines.join('\n'), hunk.newLines?.join('\n') ?? '');
    return null;
  }

  private startUpdate(path: string, text: Y.Text, match: LocateMatch, leadingLF: boolean, early: EarlyHunk | null, read: ReadState | null): void {
    const { typing, onHold } = this.options;
    const active = openUpdate(this.doc, this.report, { path, text, match, leadingLF, early, read }, this.onCursorOf, typing && { ...typing, onHold });
    active.writer.onConflict = (client) => this.refuseConflict(active, client);
    this.active = active;
    this.onCursor(path, text, active.writer.startIndex());
  }

  private streamLine(raw: string): void {
    const a = this.active;
    if (!a) return;
    this.write(a, a.line(raw));
  }

  /** Queues ops on the active hunk unless they would break a size limit (which ends it). */
  private write(a: OpenHunk, ops: DiffOp[]): void {
    const limit = a.push(ops, this.options.canGrow);
    if (limit === null) return;
    this.rollback(limit.message);
    if (limit.fatal) this.fatal = { code: 'document_too_large', message: limit.message };
    this.skipping = true;
  }

  private finishActive(): void {
    const a = this.active!;
    this.active = null;
    const free = a.writer.whenFree();
    if (!free) return this.complete(a);
    // Its end arrived while it waits for a typist: completed once free (unless rolled back).
    const done = free.then(() => {
      if (this.parked?.hunk !== a) return;
      this.parked = null;
      this.complete(a);
    });
    this.parked = { hunk: a, done };
  }

  private complete(a: OpenHunk): void {
    const range = a.finish();
    if (range === null) return;
    this.placement.placed(a.file, range.end, a.read, a.placedReadEnd());
    this.report.update(a.map, a.appliedFields(range));
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
    const found = this.placement.locateEarly(path, text, e);
    if (!found) return;
    const { match, base, after } = found;
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

  private applyWholeHunk(path: string, hunk: PatchHunk, e: EarlyHunk | null): void {
    const text = filesOf(this.doc).get(path);
    if (!text) return this.report.refuse(path, 'update', 'the file does not exist', hunk.oldLines.join('\n'), hunk.newLines.join('\n'));
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
