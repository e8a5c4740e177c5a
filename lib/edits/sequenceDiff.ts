// Minimal diffs of token sequences and of texts, bounded in time and memory. The streaming diff
// uses these for the regions it has settled. Hand-written rather than taken from a package:
// it needs code-point tokens, a hard cost cap and retain/delete/insert ops in UTF-16 units,
// which the common diff packages do not offer together.
//
// Public API
//   diffText(oldText: string, newText: string): DiffOp[]
//       retain/delete/insert ops turning oldText into newText: a longest common subsequence of
//       lines, then of code points inside each run of changed lines (bounded: a run too costly
//       to align is deleted and inserted whole)
//   applyOps(text: string, ops: readonly DiffOp[]): string
//   pushOp(ops: DiffOp[], op: DiffOp): void     appends, merging with a last op of the same kind

export type DiffOp =
  | { type: 'retain'; count: number }
  | { type: 'delete'; count: number }
  | { type: 'insert'; text: string };

/** Edit runs over token indices: [kind, length]. */
type Run = ['=' | '-' | '+', number];

/** Largest DP table (cells) and largest Myers edit distance we are willing to compute. */
const MAX_DP_CELLS = 1_000_000;
/** Character comparisons we allow when pairing the lines of one changed run. */
const MAX_PAIR_WORK = 4_000_000;
const MAX_MYERS_D = 1_000;

export function diffText(oldText: string, newText: string): DiffOp[] {
  const ops: DiffOp[] = [];
  // Lines first: a character LCS across several lines happily keeps scattered letters of one
  // line to rebuild another ("confetti"), which reads badly and re-types unchanged lines.
  const oldLines = splitKeepLF(oldText);
  const newLines = splitKeepLF(newText);
  // Only lines with some substance align whole. Blank and brace-only lines get an id of their
  // own, so they fall into the character diff of the changed run around them instead of tying
  // with each other (which `}` matches which `}` decides whether a `}` is re-typed).
  const ids = new Map<string, number>();
  let unique = -1;
  const id = (s: string) => {
    if (!isStrongLine(s)) return unique--;
    let v = ids.get(s);
    if (v === undefined) ids.set(s, (v = ids.size));
    return v;
  };
  // Weighted by length, so one long kept line beats a short one when they compete.
  const lineRuns =
    lcsRuns(oldLines.map(id), newLines.map(id), oldLines.map((l) => l.length)) ??
    ([['-', oldLines.length], ['+', newLines.length]] as Run[]);
  let i = 0;
  let j = 0;
  let gapOld: string[] = [];
  let gapNew: string[] = [];
  const flushGap = () => {
    diffGap(ops, gapOld, gapNew);
    gapOld = [];
    gapNew = [];
  };
  for (const [kind, n] of lineRuns) {
    if (kind === '=') {
      flushGap();
      let len = 0;
      for (let k = 0; k < n; k++) len += oldLines[i + k].length;
      pushOp(ops, { type: 'retain', count: len });
      i += n;
      j += n;
    } else if (kind === '-') {
      gapOld = gapOld.concat(oldLines.slice(i, i + n));
      i += n;
    } else {
      gapNew = gapNew.concat(newLines.slice(j, j + n));
      j += n;
    }
  }
  flushGap();
  return ops;
}

/**
 * A run of changed lines: pairs old and new lines in order so that the characters the pairs
 * share are as many as possible, then diffs each pair by character. Keeping characters only
 * within a paired line avoids "confetti" (letters of several old lines mined to spell a new
 * one). Unpaired lines are deleted or inserted whole.
 */
function diffGap(ops: DiffOp[], oldGap: string[], newGap: string[]): void {
  if (oldGap.length === 0 || newGap.length === 0) {
    pushOp(ops, { type: 'delete', count: oldGap.reduce((n, l) => n + l.length, 0) });
    pushOp(ops, { type: 'insert', text: newGap.join('') });
    return;
  }
  const a = oldGap.map((l) => Array.from(l));
  const b = newGap.map((l) => Array.from(l));
  let cost = 0;
  for (const x of a) for (const y of b) cost += x.length * y.length;
  if (cost > MAX_PAIR_WORK) {
    // Too big to pair line by line: one character diff over the run, or nothing kept.
    const ga = a.flat();
    const gb = b.flat();
    emitRuns(ops, lcsRuns(codes(ga), codes(gb)) ?? [['-', ga.length], ['+', gb.length]], ga, gb);
    return;
  }
  const n = a.length;
  const m = b.length;
  // Pairs are scored by the letters and digits they share; spaces and punctuation count for
  // little, so a rewritten line is not paired with an unrelated one just to keep its indent.
  const score = (x: number, y: number) => sharedWeight(codes(a[x]), codes(b[y]));
  const pairScore = new Float64Array(n * m);
  for (let x = 0; x < n; x++) for (let y = 0; y < m; y++) pairScore[x * m + y] = score(x, y);
  const w = m + 1;
  const best = new Float64Array((n + 1) * w);
  for (let x = n - 1; x >= 0; x--) {
    for (let y = m - 1; y >= 0; y--) {
      const pair = pairScore[x * m + y];
      const skip = Math.max(best[(x + 1) * w + y], best[x * w + y + 1]);
      best[x * w + y] = pair > 0 ? Math.max(skip, best[(x + 1) * w + y + 1] + pair) : skip;
    }
  }
  let x = 0;
  let y = 0;
  while (x < n && y < m) {
    const pair = pairScore[x * m + y];
    if (pair > 0 && best[x * w + y] === best[(x + 1) * w + y + 1] + pair) {
      emitRuns(ops, lcsRuns(codes(a[x]), codes(b[y]))!, a[x], b[y]);
      x++;
      y++;
    } else if (best[(x + 1) * w + y] >= best[x * w + y + 1]) {
      pushOp(ops, { type: 'delete', count: oldGap[x].length });
      x++;
    } else {
      pushOp(ops, { type: 'insert', text: newGap[y] });
      y++;
    }
  }
  for (; x < n; x++) pushOp(ops, { type: 'delete', count: oldGap[x].length });
  for (; y < m; y++) pushOp(ops, { type: 'insert', text: newGap[y] });
}

/** Heaviest common subsequence, letters and digits weighing 1 and anything else 0.1. */
function sharedWeight(a: readonly number[], b: readonly number[]): number {
  let prev = new Float64Array(b.length + 1);
  let cur = new Float64Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const c = a[i - 1];
    const weight = isWordChar(c) ? 1 : 0.1;
    for (let j = 1; j <= b.length; j++) {
      const skip = Math.max(prev[j], cur[j - 1]);
      cur[j] = c === b[j - 1] ? Math.max(skip, prev[j - 1] + weight) : skip;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code > 127;
}

export function applyOps(text: string, ops: readonly DiffOp[]): string {
  let out = '';
  let pos = 0;
  for (const op of ops) {
    if (op.type === 'retain') {
      if (pos + op.count > text.length) throw new RangeError('retain past the end of the text');
      out += text.slice(pos, pos + op.count);
      pos += op.count;
    } else if (op.type === 'delete') {
      if (pos + op.count > text.length) throw new RangeError('delete past the end of the text');
      pos += op.count;
    } else {
      out += op.text;
    }
  }
  return out + text.slice(pos);
}

export function pushOp(ops: DiffOp[], op: DiffOp): void {
  if (op.type === 'insert' ? op.text.length === 0 : op.count === 0) return;
  const last = ops.at(-1);
  if (last !== undefined && last.type === op.type) {
    if (last.type === 'insert') last.text += (op as { text: string }).text;
    else last.count += (op as { count: number }).count;
    return;
  }
  ops.push({ ...op });
}

/** A line worth aligning on its own: at least 3 non-blank characters, one of them a letter or digit. */
export function isStrongLine(line: string): boolean {
  const t = line.trim();
  return t.length >= 3 && /[\p{L}\p{N}]/u.test(t);
}

export function splitKeepLF(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl + 1;
    lines.push(text.slice(start, end));
    start = end;
  }
  return lines;
}

function codes(tokens: string[]): number[] {
  return tokens.map((t) => t.codePointAt(0)!);
}

function emitRuns(ops: DiffOp[], runs: Run[], a: string[], b: string[]): void {
  let i = 0;
  let j = 0;
  const units = (tokens: string[], from: number, n: number) => {
    let len = 0;
    for (let k = from; k < from + n; k++) len += tokens[k].length;
    return len;
  };
  for (const [kind, n] of runs) {
    if (kind === '=') {
      pushOp(ops, { type: 'retain', count: units(a, i, n) });
      i += n;
      j += n;
    } else if (kind === '-') {
      pushOp(ops, { type: 'delete', count: units(a, i, n) });
      i += n;
    } else {
      pushOp(ops, { type: 'insert', text: b.slice(j, j + n).join('') });
      j += n;
    }
  }
}

/**
 * Runs of a longest common subsequence of a and b (heaviest, when a's tokens have weights), or
 * null when it would cost too much.
 */
function lcsRuns(a: readonly number[], b: readonly number[], weights?: readonly number[]): Run[] | null {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ma = a.slice(pre, a.length - suf);
  const mb = b.slice(pre, b.length - suf);
  let middle: Run[] | null;
  if (ma.length === 0 || mb.length === 0) middle = [['-', ma.length], ['+', mb.length]];
  else if ((ma.length + 1) * (mb.length + 1) <= MAX_DP_CELLS) middle = dpRuns(ma, mb, weights?.slice(pre, a.length - suf));
  else middle = myersRuns(ma, mb, MAX_MYERS_D);
  if (middle === null) return null;
  const runs: Run[] = [];
  const add = (kind: Run[0], n: number) => {
    if (n === 0) return;
    const last = runs.at(-1);
    if (last && last[0] === kind) last[1] += n;
    else runs.push([kind, n]);
  };
  add('=', pre);
  // Deletions before insertions inside a change keeps ops in a stable, readable order.
  for (const [k, n] of middle) add(k, n);
  add('=', suf);
  return runs;
}

/** Exact (weighted) LCS by dynamic programming over suffixes, so a forward walk reads choices. */
function dpRuns(a: readonly number[], b: readonly number[], weights?: readonly number[]): Run[] {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const t = new Float64Array((n + 1) * w);
  const weight = (i: number) => (weights ? weights[i] : 1);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const skip = Math.max(t[(i + 1) * w + j], t[i * w + j + 1]);
      t[i * w + j] = a[i] === b[j] ? Math.max(skip, t[(i + 1) * w + j + 1] + weight(i)) : skip;
    }
  }
  const runs: Run[] = [];
  const add = (kind: Run[0]) => {
    const last = runs.at(-1);
    if (last && last[0] === kind) last[1]++;
    else runs.push([kind, 1]);
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j] && t[i * w + j] === t[(i + 1) * w + j + 1] + weight(i)) {
      add('=');
      i++;
      j++;
    } else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) {
      add('-');
      i++;
    } else {
      add('+');
      j++;
    }
  }
  for (; i < n; i++) add('-');
  for (; j < m; j++) add('+');
  return runs;
}

/** Myers' O((n+m)·D) greedy diff; null when D exceeds maxD. */
function myersRuns(a: readonly number[], b: readonly number[], maxD: number): Run[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= Math.min(max, maxD) && found < 0; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) found = d;
    }
    trace.push(v.slice(off - d, off + d + 1));
  }
  if (found < 0) return null;
  const rev: Run[0][] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d - 1];
    const at = (k: number) => prev[k + d - 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      rev.push('=');
      x--;
      y--;
    }
    rev.push(x === prevX ? '+' : '-');
    x = prevX;
    y = prevY;
  }
  for (; x > 0; x--) rev.push('=');
  const runs: Run[] = [];
  for (let i = rev.length - 1; i >= 0; i--) {
    const last = runs.at(-1);
    if (last && last[0] === rev[i]) last[1]++;
    else runs.push([rev[i], 1]);
  }
  return runs;
}
