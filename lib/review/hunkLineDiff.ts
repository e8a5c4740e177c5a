// Line-level comparison of a hunk's old text with what its range holds now, for the +/− counts
// and the ghost lines of deleted text. Hunks are small (the locator matches a few lines), so a
// plain LCS table is enough; past MAX_CELLS it degrades to "every line changed" rather than
// spending quadratic time on a stranger's input.
export interface LineDiff {
  added: number;
  removed: number;
  /** Runs of removed old lines, each shown before the new line with this 0-based index. */
  ghost: { beforeNewLine: number; text: string; lines: number }[];
}

const MAX_CELLS = 1_000_000;

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function lineDiff(oldText: string, newText: string): LineDiff {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) {
    return { added: m, removed: n, ghost: n > 0 ? [{ beforeNewLine: 0, text: a.join('\n'), lines: n }] : [] };
  }
  // lcs[i][j] = LCS length of a[i:] and b[j:].
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const ghost: LineDiff['ghost'] = [];
  let added = 0;
  let removed = 0;
  let i = 0;
  let j = 0;
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    ghost.push({ beforeNewLine: j, text: pending.join('\n'), lines: pending.length });
    pending = [];
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])) {
      pending.push(a[i]);
      removed++;
      i++;
    } else {
      // Ghost lines of a replaced block sit above the new lines that replace them.
      flush();
      added++;
      j++;
    }
  }
  flush();
  return { added, removed, ghost };
}
