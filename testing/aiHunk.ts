// Tests write an AI hunk the way server/ai/HunkWriter does (one origin, a Y.UndoManager scoped
// to it, the diff applied at the located range in one transaction) and record it as
// lib/review/record.ts would, without the streaming and batching HunkWriter adds. One copy here
// so the tests' stand-in for the writer cannot drift apart from test to test.
import * as Y from 'yjs';
import type { DiffOp } from '../lib/edits/sequenceDiff.ts';
import { encodeRelPos, hunkRangeAt, type AiHunkItems } from '../lib/ai/aiRuns.ts';
import { captureHunkItems, clocksBefore } from '../lib/review/index.ts';

export interface WrittenHunk {
  items: AiHunkItems;
  /** The hunk's range as stored: start sticks to its first character, end to the one before it. */
  start: string;
  end: string;
  /** What the range holds after the write. */
  newText: string;
  /** Characters inserted. */
  inserted: number;
}

/** Applies `ops` to the `oldLength` characters of `text` at `start`, under `origin`. */
export function writeAiHunk(doc: Y.Doc, text: Y.Text, start: number, oldLength: number, ops: readonly DiffOp[], origin: object): WrittenHunk {
  const undo = new Y.UndoManager(text, { trackedOrigins: new Set([origin]), captureTimeout: Number.MAX_SAFE_INTEGER });
  const before = clocksBefore(doc, text, start, start + oldLength);
  let i = start;
  let inserted = 0;
  doc.transact(() => {
    for (const op of ops) {
      if (op.type === 'retain') i += op.count;
      else if (op.type === 'delete') text.delete(i, op.count);
      else {
        text.insert(i, op.text);
        i += op.text.length;
        inserted += op.text.length;
      }
    }
  }, origin);
  const items = captureHunkItems(text, undo, before);
  undo.destroy();
  const marks = hunkRangeAt(text, start, i);
  return {
    items,
    start: encodeRelPos(marks.start),
    end: encodeRelPos(marks.end),
    newText: text.toString().slice(start, i),
    inserted,
  };
}
