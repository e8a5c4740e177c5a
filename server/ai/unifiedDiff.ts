// What a person changed in one file since the model last read it, as unified diff hunks with a
// few lines of context: a follow-up turn then carries the change, not the file again. Built on
// lib/edits/sequenceDiff's diffText (bounded in time; an alignment too costly to compute comes
// back as one large delete + insert, which the caller then finds no smaller than the file).
// The character ops are widened to whole lines here because a model reads and locates lines.
import { diffText } from '../../lib/edits/sequenceDiff.ts';
import { lastIndexAtOrBefore } from '../../lib/textPosition.ts';

/** Unchanged lines shown around each change. */
export const CONTEXT_LINES = 3;

interface Region {
  /** Line ranges, [start, end), 0-based, in the old and the new text. */
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/** Offsets at which each line starts ('a\n' has two lines: 'a' and ''). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Index of the line holding offset `at` (the last line starting at or before it). */
const lineOf = lastIndexAtOrBefore;

/** Changed line ranges, merged where they share or touch a line. */
function changedRegions(before: string, after: string): { regions: Region[]; oldLines: string[]; newLines: string[] } {
  const oldStarts = lineStarts(before);
  const newStarts = lineStarts(after);
  const regions: Region[] = [];
  let o = 0;
  let n = 0;
  let open: { o: number; n: number } | null = null;
  const close = () => {
    if (!open) return;
    // The text before a change is kept in both, so the change's first line is the same line
    // in both; its last line ends where both sides are at a line start, else at the next LF.
    const atStart = (starts: readonly number[], at: number) => starts[lineOf(starts, at)] === at;
    const endsClean = atStart(oldStarts, o) && atStart(newStarts, n) && (o > open.o || n > open.n);
    const r: Region = {
      oldStart: lineOf(oldStarts, open.o),
      newStart: lineOf(newStarts, open.n),
      oldEnd: endsClean ? lineOf(oldStarts, o) : lineOf(oldStarts, o) + 1,
      newEnd: endsClean ? lineOf(newStarts, n) : lineOf(newStarts, n) + 1,
    };
    const last = regions.at(-1);
    if (last && r.oldStart <= last.oldEnd) {
      last.oldEnd = Math.max(last.oldEnd, r.oldEnd);
      last.newEnd = Math.max(last.newEnd, r.newEnd);
    } else regions.push(r);
    open = null;
  };
  for (const op of diffText(before, after)) {
    if (op.type === 'retain') {
      close();
      o += op.count;
      n += op.count;
      continue;
    }
    open ??= { o, n };
    if (op.type === 'delete') o += op.count;
    else n += op.text.length;
  }
  close();
  return { regions, oldLines: before.split('\n'), newLines: after.split('\n') };
}

/**
 * Unified diff hunks (`@@ -a,b +c,d @@`, then ' ', '-', '+' lines) turning `before` into
 * `after`, or '' when they are equal. Line numbers are 1-based as in `diff -u`.
 */
export function unifiedDiff(before: string, after: string, context: number = CONTEXT_LINES): string {
  if (before === after) return '';
  const { regions, oldLines, newLines } = changedRegions(before, after);
  const out: string[] = [];
  let i = 0;
  while (i < regions.length) {
    // Changes closer than twice the context share one hunk.
    let j = i;
    while (j + 1 < regions.length && regions[j + 1].oldStart - regions[j].oldEnd <= 2 * context) j++;
    const first = regions[i];
    const last = regions[j];
    const lead = Math.min(context, first.oldStart);
    const trail = Math.min(context, oldLines.length - last.oldEnd);
    const oldFrom = first.oldStart - lead;
    const newFrom = first.newStart - lead;
    const oldLen = last.oldEnd + trail - oldFrom;
    const newLen = last.newEnd + trail - newFrom;
    out.push(`@@ -${oldFrom + 1},${oldLen} +${newFrom + 1},${newLen} @@`);
    for (let k = oldFrom; k < first.oldStart; k++) out.push(` ${oldLines[k]}`);
    for (let r = i; r <= j; r++) {
      const g = regions[r];
      for (let k = g.oldStart; k < g.oldEnd; k++) out.push(`-${oldLines[k]}`);
      for (let k = g.newStart; k < g.newEnd; k++) out.push(`+${newLines[k]}`);
      const next = r < j ? regions[r + 1].oldStart : g.oldEnd + trail;
      for (let k = g.oldEnd; k < next; k++) out.push(` ${oldLines[k]}`);
    }
    i = j + 1;
  }
  return `${out.join('\n')}\n`;
}

/**
 * Applies unifiedDiff's output to the text it was made from; null if a hunk does not match.
 * The reader's side of the format: tests use it to check that what the model was told,
 * applied to what it had been sent, is the file people now see.
 */
export function applyUnifiedDiff(before: string, diff: string): string | null {
  const lines = before.split('\n');
  const out: string[] = [];
  let at = 0;
  const trimmed = diff.endsWith('\n') ? diff.slice(0, -1) : diff;
  const body = trimmed === '' ? [] : trimmed.split('\n');
  for (let i = 0; i < body.length; ) {
    const head = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(body[i]);
    if (!head) return null;
    const start = Number(head[1]) - 1;
    if (start < at) return null;
    out.push(...lines.slice(at, start));
    at = start;
    for (i++; i < body.length && !body[i].startsWith('@@'); i++) {
      const kind = body[i][0];
      const line = body[i].slice(1);
      if (kind === '+') out.push(line);
      else if (kind === ' ' || kind === '-') {
        if (lines[at] !== line) return null;
        if (kind === ' ') out.push(line);
        at++;
      } else return null;
    }
  }
  out.push(...lines.slice(at));
  return out.join('\n');
}
