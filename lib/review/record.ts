// What the AI's hunk writer records about a hunk so that review can be exact later, after any
// concurrent edits, reloads and restarts: which clients' characters were in the range when it
// began, which items it inserted, and which characters (with their text) it removed. The
// writer already scopes a Y.UndoManager to the hunk's origin; its stack items hold exactly the
// hunk's insertions and deletions, and it keeps deleted items' content until destroyed.
import * as Y from 'yjs';
import type { AiHunkItems, IdSpan } from '../ai/aiRuns.ts';
import { itemsIn, pushSpan } from './items.ts';

/**
 * The lines [start, end) touches, as offsets: from the start of start's line to the end of the
 * line holding end (its newline excluded). A reject can join these lines when it removes the
 * AI's newlines, so it must tell old text from a person's typing on all of them.
 */
function touchedLines(text: Y.Text, start: number, end: number): [number, number] {
  const content = text.toString();
  const from = content.lastIndexOf('\n', start - 1) + 1;
  const nl = content.indexOf('\n', end);
  return [start > 0 ? from : 0, nl === -1 ? content.length : nl];
}

/** Call when a hunk starts: the next clock of every client with characters on the lines [start, end) touches. */
export function clocksBefore(doc: Y.Doc, text: Y.Text, start: number, end: number): [number, number][] {
  const clients = new Set<number>();
  const [from, to] = touchedLines(text, start, end);
  for (const it of itemsIn(text, from, to)) clients.add(it.client);
  return [...clients].map((c) => [c, Y.getState(doc.store, c)]);
}

/**
 * The same record taken later, from the state vector saved when the hunk started: the clock
 * each client had then, for every client with characters in [start, end) now. Used when the
 * range the hunk covers is known only at its end (a hunk placed before its old side was
 * complete); a client with no clock then had no characters then, so it is left out (all its
 * characters on those lines were typed after the hunk began).
 */
export function clocksAsOf(text: Y.Text, start: number, end: number, stateThen: ReadonlyMap<number, number>): [number, number][] {
  const out: [number, number][] = [];
  const [from, to] = touchedLines(text, start, end);
  for (const it of itemsIn(text, from, to)) {
    const clock = stateThen.get(it.client);
    if (clock !== undefined && !out.some(([c]) => c === it.client)) out.push([it.client, clock]);
  }
  return out;
}

type DeleteSet = Y.UndoManager['undoStack'][number]['insertions'];

function spansOf(ds: DeleteSet): Map<number, { clock: number; len: number }[]> {
  return ds.clients as Map<number, { clock: number; len: number }[]>;
}

/** Call before the hunk's undo manager is destroyed. */
export function captureHunkItems(text: Y.Text, undo: Y.UndoManager, before: [number, number][]): AiHunkItems {
  const inserted: IdSpan[] = [];
  const insertedBy = new Map<number, { clock: number; len: number }[]>();
  const deletedBy = new Map<number, { clock: number; len: number }[]>();
  for (const item of undo.undoStack) {
    for (const [client, list] of spansOf(item.insertions)) {
      for (const d of list) {
        pushSpan(inserted, client, d.clock, d.len);
        (insertedBy.get(client) ?? insertedBy.set(client, []).get(client)!).push(d);
      }
    }
    for (const [client, list] of spansOf(item.deletions)) {
      (deletedBy.get(client) ?? deletedBy.set(client, []).get(client)!).push(...list);
    }
  }
  const removed: AiHunkItems['removed'] = [];
  for (let item = text._start; item; item = item.right) {
    if (!item.deleted || !(item.content instanceof Y.ContentString)) continue;
    const ranges = deletedBy.get(item.id.client);
    if (!ranges) continue;
    const str = item.content.str;
    for (const r of ranges) {
      let a = Math.max(r.clock, item.id.clock);
      let b = Math.min(r.clock + r.len, item.id.clock + item.length);
      if (a >= b) continue;
      // A character the hunk both inserted and deleted was never part of the old text.
      for (const ins of insertedBy.get(item.id.client) ?? []) {
        if (ins.clock <= a && a < ins.clock + ins.len) a = Math.min(b, ins.clock + ins.len);
        if (ins.clock < b && b <= ins.clock + ins.len) b = Math.max(a, ins.clock);
      }
      if (a >= b) continue;
      const last = removed.at(-1);
      const piece = str.slice(a - item.id.clock, b - item.id.clock);
      if (last && last[0] === item.id.client && last[1] + last[2].length === a) last[2] += piece;
      else removed.push([item.id.client, a, piece]);
    }
  }
  return { v: 1, before, inserted, removed };
}
