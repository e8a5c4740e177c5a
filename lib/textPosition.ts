// Offsets and Monaco's 1-based line/column positions, the same in the browser and the server.

/** Line/column of an offset in text (1-based, Monaco's convention); past the end reads as the end. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const clamped = Math.min(offset, text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < clamped; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: clamped - lineStart + 1 };
}

/** Offset of a 1-based line and column; past the end of a line or the text reads as its end. */
export function offsetAt(text: string, line: number, column: number): number {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', start);
    if (next === -1) return text.length;
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  const lineEnd = end === -1 ? text.length : end;
  return Math.min(start + column - 1, lineEnd);
}

/** Index of the last entry of ascending `sorted` that is ≤ `value` (0 when none is). */
export function lastIndexAtOrBefore(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
