// A Y.Text change (its event delta) read as what an editor needs: the edits to apply to its copy
// of the text as it was before the change, and where an offset of that copy lands after it.
// Shared by the browser's editor binding and the tests that check it against Yjs itself.
import type * as Y from 'yjs';

export type TextDelta = Y.YTextEvent['delta'];

/**
 * Where an offset of the text before a change lands after it. An insert at the offset itself
 * lands before it (the caret stays right of text written at its position, as a Yjs relative
 * position with assoc 0 does); a deleted offset moves to the start of the deletion.
 */
export function mapOffset(delta: TextDelta, offset: number): number {
  let old = 0;
  let shift = 0;
  for (const op of delta) {
    if (old > offset) break;
    if (op.retain !== undefined) old += op.retain;
    else if (typeof op.insert === 'string') shift += op.insert.length;
    else if (op.delete !== undefined) {
      shift -= Math.min(op.delete, offset - old);
      old += op.delete;
    }
  }
  return offset + shift;
}

/** A Y.Text delta as Monaco edits on the text before it: [start, end) offsets and the new text. */
export function deltaToEdits(delta: TextDelta): { start: number; end: number; text: string }[] {
  const edits: { start: number; end: number; text: string }[] = [];
  let old = 0;
  for (const op of delta) {
    if (op.retain !== undefined) {
      old += op.retain;
      continue;
    }
    // An insert and a delete at the same place become one replacement (Monaco refuses
    // overlapping edits and orders touching ones by itself).
    const last = edits.at(-1);
    const here = last && last.end === old ? last : null;
    if (typeof op.insert === 'string') {
      if (here) here.text += op.insert;
      else edits.push({ start: old, end: old, text: op.insert });
    } else if (op.delete !== undefined) {
      if (here) here.end += op.delete;
      else edits.push({ start: old, end: old + op.delete, text: '' });
      old += op.delete;
    }
  }
  return edits;
}
