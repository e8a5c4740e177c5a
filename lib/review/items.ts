// Reading a Y.Text at the level of its Yjs items: who inserted each visible character, and
// where an item (visible or deleted) sits. Yjs has no public iterator that includes deleted
// items with their ids, so this walks the text's item list (`_start` → `right`), which is
// stable API in Yjs 13 (y-prosemirror and y-codemirror read it the same way).
import * as Y from 'yjs';
import type { IdSpan } from '../ai/aiRuns.ts';

/** Consecutive visible characters inserted by one client: [start, end) offsets. */
export interface ClientRun {
  client: number;
  start: number;
  end: number;
}

/** One visible character range of one item, with its first clock. */
export interface VisibleItem {
  client: number;
  clock: number;
  start: number;
  end: number;
}

/** Every visible item of a text in order (adjacent items are not merged). */
export function visibleItems(text: Y.Text): VisibleItem[] {
  const out: VisibleItem[] = [];
  let index = 0;
  for (let item = text._start; item; item = item.right) {
    if (item.deleted || !item.countable) continue;
    out.push({ client: item.id.client, clock: item.id.clock, start: index, end: index + item.length });
    index += item.length;
  }
  return out;
}

/**
 * Runs of visible characters by the same client, merged across item boundaries; with `clients`,
 * only the runs of those clients. Walks the items without building a list of all of them: called
 * once per frame while the AI writes.
 */
export function clientRuns(text: Y.Text, clients?: ReadonlySet<number>): ClientRun[] {
  const out: ClientRun[] = [];
  let index = 0;
  for (let item = text._start; item; item = item.right) {
    if (item.deleted || !item.countable) continue;
    const start = index;
    index += item.length;
    const client = item.id.client;
    if (clients && !clients.has(client)) continue;
    const last = out.at(-1);
    if (last && last.client === client && last.end === start) last.end = index;
    else out.push({ client, start, end: index });
  }
  return out;
}

/** The visible items of a text overlapping [start, end), clipped to it (the walk stops at `end`). */
export function itemsIn(text: Y.Text, start: number, end: number): VisibleItem[] {
  const out: VisibleItem[] = [];
  let index = 0;
  for (let item = text._start; item && index < end; item = item.right) {
    if (item.deleted || !item.countable) continue;
    const itStart = index;
    index += item.length;
    if (index <= start) continue;
    const s = Math.max(start, itStart);
    const e = Math.min(end, index);
    out.push({ client: item.id.client, clock: item.id.clock + (s - itStart), start: s, end: e });
  }
  return out;
}

/**
 * Where the character with this id is (visible) or was (deleted): the offset of the visible
 * character it is, or of the first visible character after its tombstone. Null if the text
 * holds no such item.
 */
export function indexOfId(text: Y.Text, client: number, clock: number): number | null {
  let index = 0;
  for (let item = text._start; item; item = item.right) {
    const { id } = item;
    if (id.client === client && clock >= id.clock && clock < id.clock + item.length) {
      return item.deleted || !item.countable ? index : index + (clock - id.clock);
    }
    if (!item.deleted && item.countable) index += item.length;
  }
  return null;
}

/** The currently visible parts of a set of id spans, as [start, end) offsets in the text. */
export function visibleSpans(text: Y.Text, spans: readonly IdSpan[]): { start: number; end: number }[] {
  if (spans.length === 0) return [];
  const byClient = new Map<number, IdSpan[]>();
  for (const s of spans) {
    const list = byClient.get(s[0]);
    if (list) list.push(s);
    else byClient.set(s[0], [s]);
  }
  const out: { start: number; end: number }[] = [];
  for (const it of visibleItems(text)) {
    const list = byClient.get(it.client);
    if (!list) continue;
    const len = it.end - it.start;
    for (const [, clock, n] of list) {
      const a = Math.max(clock, it.clock);
      const b = Math.min(clock + n, it.clock + len);
      if (a < b) out.push({ start: it.start + (a - it.clock), end: it.start + (b - it.clock) });
    }
  }
  out.sort((x, y) => x.start - y.start);
  return mergeSpans(out);
}

export function mergeSpans(spans: { start: number; end: number }[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const s of spans) {
    const last = out.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** Appends [client, clock, len] spans, merging consecutive clocks of the same client. */
export function pushSpan(spans: IdSpan[], client: number, clock: number, len: number): void {
  if (len <= 0) return;
  const last = spans.at(-1);
  if (last && last[0] === client && last[1] + last[2] === clock) last[2] += len;
  else spans.push([client, clock, len]);
}
