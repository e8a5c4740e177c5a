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
