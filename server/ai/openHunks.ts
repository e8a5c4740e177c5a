// Where a run's hunks begin: each is recorded in the thread, gets a writer with an origin of its
// own (authorship and rollback by hunk) and becomes the OpenHunk that streams in. Deleting a
// file is one step (recorded with its old text, which is what a reject recreates); adding one
// streams the new file from empty; an update streams into the located old side.
import * as Y from 'yjs';
import { filesOf } from '../../lib/schema.ts';
import { aiOrigin } from '../../lib/origins.ts';
import type { LocateMatch } from '../../lib/edits/locator.ts';
import type { EditReport } from './EditReport.ts';
import { HunkWriter } from './HunkWriter.ts';
import { OpenHunk } from './OpenHunk.ts';
import type { EarlyHunk } from './earlyHunk.ts';
import type { ReadState } from './placedText.ts';
import type { Typist, TypingPolicy } from './typingWatch.ts';

type OnCursor = (file: string, text: Y.Text, index: number) => void;

/** Deletes a file as one applied hunk of the run (refused when it does not exist). */
export function deleteWholeFile(doc: Y.Doc, report: EditReport, path: string): void {
  const files = filesOf(doc);
  const text = files.get(path);
  if (!text) return report.refuse(path, 'delete', 'the file does not exist');
  const oldText = text.toString();
  // No item record: the file's Y.Text goes with the map entry, so its items cannot be revived
  // in place. Reject recreates the file from oldText (lib/review rejectOne), which is exact.
  const { id, map } = report.add(path, 'delete', { status: 'streaming', oldText });
  doc.transact(() => files.delete(path), aiOrigin(report.runId, id));
  report.update(map, { status: 'applied' });
}

/**
 * Opens the hunk that writes a new file (or fills an empty one), or returns why it cannot: an
 * existing file with text is updated, not added.
 */
export function openAddedFile(doc: Y.Doc, report: EditReport, path: string, onCursor: OnCursor): OpenHunk | string {
  const files = filesOf(doc);
  const existing = files.get(path);
  if (existing && existing.length > 0) return 'the file already exists; update it instead';
  const { id, map } = report.add(path, 'add', { status: 'streaming', startLine: 1, ...OpenHunk.recovery(doc, !existing) });
  const origin = aiOrigin(report.runId, id);
  const text = existing ?? new Y.Text();
  if (!existing) doc.transact(() => files.set(path, text), origin);
  const writer = new HunkWriter(doc, text, 0, origin);
  writer.onFlush = (index) => onCursor(path, text, index);
  return new OpenHunk({
    writer, map, file: path, text, oldText: '', leadingLF: false, finalLF: true, created: !existing, early: null, read: null, readEnd: 0,
  });
}

export interface UpdatePlace {
  path: string;
  text: Y.Text;
  match: LocateMatch;
  leadingLF: boolean;
  early: EarlyHunk | null;
  read: ReadState | null;
}

/** Opens the hunk that rewrites a located old side; it waits for people typing in its lines with `typing`. */
export function openUpdate(doc: Y.Doc, report: EditReport, at: UpdatePlace, onCursor: OnCursor, typing?: TypingPolicy & { onHold?: (t: Typist | null) => void }): OpenHunk {
  const { path, text, match, read } = at;
  const { id, map } = report.add(path, 'update', {
    status: 'streaming', tier: match.tier, oldText: match.matched, startLine: match.startLine, ...OpenHunk.recovery(doc, false),
  });
  const writer = new HunkWriter(doc, text, match.start, aiOrigin(report.runId, id), read ?? undefined);
  writer.onFlush = (index) => onCursor(path, text, index);
  if (typing) {
    writer.typing = typing.check;
    writer.setOldEnd(match.end);
    if (typing.onHold) writer.onHold = typing.onHold;
    if (typing.maxHoldMs !== undefined) writer.maxHoldMs = typing.maxHoldMs;
  }
  return new OpenHunk({
    writer, map, file: path, text, oldText: match.matched, leadingLF: at.leadingLF, finalLF: match.finalNewline, created: false, early: at.early, read, readEnd: match.end,
  });
}
