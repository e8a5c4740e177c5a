// Finds a hunk's old lines in the CURRENT text of a file. The document has moved since the
// model read it, and models copy text imperfectly, so matching runs in tiers from strict to
// tolerant and stops at the first tier that matches anything: a unique match there, or a
// refusal. A wrong-place fuzzy match is worse than no edit, so ties are never guessed.
//
// Public API
//   locate(text: string, query: LocateQuery): LocateResult
//   replacementFor(newLines: readonly string[], match: LocateMatch): string
//       the text to put in place of match.start..match.end (handles a missing final LF)
//   lineSimilarity(a: string, b: string): number      1 - normalised Levenshtein distance
//   normalisePunctuation(s: string): string
//
// Tiers: exact → trailingWhitespace → trimmed → punctuation (dashes, quotes, NBSP and other
// spaces, ellipsis) → fuzzy (every line ≥ 0.8 similar after trimming and normalising).
// Several matches at a tier are narrowed by, in order: the `@@` context (the first match after
// a line containing it), `eof` (the match ending at the last line), `after` (matches starting
// at or after that offset: the previous hunk's end) and `hintLine` (the nearest, if strictly
// nearest). Empty old lines mean a pure insertion: after the context line, else at the end.

export type LocateTier = 'exact' | 'trailingWhitespace' | 'trimmed' | 'punctuation' | 'fuzzy';

export interface LocateQuery {
  oldLines: readonly string[];
  /** `@@` texts, outermost first. */
  context?: readonly string[];
  /** The hunk must end at the end of the file (`*** End of File`). */
  eof?: boolean;
  /** Character offset: prefer matches starting here or later. */
  after?: number;
  /** 1-based line where the model believes the hunk starts. */
  hintLine?: number;
  /**
   * Only the tiers up to `punctuation`, and no "did you mean" hints: for placing a hunk early
   * on the part of its old side seen so far, where a fuzzy guess would be too weak a basis.
   */
  strict?: boolean;
}

export interface LocateMatch {
  ok: true;
  tier: LocateTier;
  /** Character offsets in the current text; end includes the last line's LF if it has one. */
  start: number;
  end: number;
  matched: string;
  /** 1-based, inclusive; for an insertion endLine = startLine - 1. */
  startLine: number;
  endLine: number;
  /** Whether `matched` ends with LF (or, for an insertion, whether start is at a line start). */
  finalNewline: boolean;
}

export interface LocateCandidate {
  startLine: number;
  endLine: number;
  start: number;
  end: number;
  /** Mean line similarity, for no-match hints. */
  similarity?: number;
}

export interface LocateRefusal {
  ok: false;
  reason: 'notFound' | 'ambiguous' | 'noAnchor';
  message: string;
  candidates: LocateCandidate[];
}

export type LocateResult = LocateMatch | LocateRefusal;

interface Line {
  start: number;
  /** Offset after the line's LF, or text length for a last line without LF. */
  end: number;
  text: string;
}

const FUZZY_THRESHOLD = 0.8;
const MAX_CANDIDATES_SHOWN = 3;
const MAX_CANDIDATES_RETURNED = 10;
/** Cost cap for no-match hints: line comparisons, and characters compared per line. */
const HINT_BUDGET = 200_000;
const HINT_LINE_CHARS = 200;

const TIERS: ReadonlyArray<[LocateTier, (s: string) => string]> = [
  ['exact', (s) => s],
  ['trailingWhitespace', (s) => s.trimEnd()],
  ['trimmed', (s) => s.trim()],
  ['punctuation', (s) => normalisePunctuation(s).trim()],
];

export function locate(text: string, query: LocateQuery): LocateResult {
  const lines = splitLines(text);
  const old = query.oldLines;
  if (old.length === 0) return locateInsertion(text, lines, query);

  for (const [tier, norm] of TIERS) {
    const hay = lines.map((l) => norm(l.text));
    const needle = old.map(norm);
    const starts = findWindows(hay.length, needle.length, (i, j) => hay[i] === needle[j]);
    if (starts.length > 0) return decide(text, lines, query, tier, starts);
  }
  if (query.strict) {
    return { ok: false, reason: 'notFound', message: `the ${old.length} old line(s) were not found in the current file`, candidates: [] };
  }
  const hay = lines.map((l) => normalisePunctuation(l.text).trim());
  const needle = old.map((l) => normalisePunctuation(l).trim());
  const starts = findWindows(hay.length, needle.length, (i, j) => similarAtLeast(hay[i], needle[j], FUZZY_THRESHOLD));
  if (starts.length > 0) return decide(text, lines, query, 'fuzzy', starts);

  const candidates = closest(hay, needle, lines);
  const where = candidates.length > 0
    ? `; did you mean ${candidates.map((c) => `lines ${c.startLine}-${c.endLine} (${Math.round((c.similarity ?? 0) * 100)}% similar)`).join(' or ')}?`
    : '';
  return {
    ok: false,
    reason: 'notFound',
    message: `the ${old.length} old line(s) were not found in the current file${where}`,
    candidates,
  };
}

export function replacementFor(newLines: readonly string[], match: LocateMatch): string {
  if (newLines.length === 0) return '';
  const body = newLines.join('\n');
  if (match.start === match.end && !match.finalNewline) return `\n${body}`;
  return match.finalNewline ? `${body}\n` : body;
}

/** Maps typographic punctuation models like to emit onto the ASCII that code uses. */
export function normalisePunctuation(s: string): string {
  return s
    .replace(/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-')
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u2035]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u2036]/g, '"')
    .replace(/[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, ' ')
    .replace(/[\u200B\u200C\u200D\u2060\uFEFF]/g, '')
    .replace(/\u2026/g, '...');
}

/** 1 - Levenshtein distance / longer length; 1 for two empty strings. */
export function lineSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  return 1 - levenshtein(a, b, longer) / longer;
}

function similarAtLeast(a: string, b: string, threshold: number): boolean {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return true;
  const allowed = Math.floor((1 - threshold) * longer + 1e-9);
  if (Math.abs(a.length - b.length) > allowed) return false;
  return levenshtein(a, b, allowed + 1) <= allowed;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl + 1;
    lines.push({ start, end, text: text.slice(start, nl === -1 ? text.length : nl) });
    start = end;
  }
  return lines;
}

function findWindows(n: number, k: number, same: (i: number, j: number) => boolean): number[] {
  const starts: number[] = [];
  for (let i = 0; i + k <= n; i++) {
    let j = 0;
    while (j < k && same(i + j, j)) j++;
    if (j === k) starts.push(i);
  }
  return starts;
}

function decide(text: string, lines: Line[], query: LocateQuery, tier: LocateTier, starts: number[]): LocateResult {
  const k = query.oldLines.length;
  const picked = narrow(lines, query, starts, k);
  if (picked.length === 1) {
    const first = lines[picked[0]];
    const last = lines[picked[0] + k - 1];
    const matched = text.slice(first.start, last.end);
    return {
      ok: true,
      tier,
      start: first.start,
      end: last.end,
      matched,
      startLine: picked[0] + 1,
      endLine: picked[0] + k,
      finalNewline: matched.endsWith('\n'),
    };
  }
  const candidates = picked.slice(0, MAX_CANDIDATES_RETURNED).map((i) => candidate(lines, i, k));
  const shown = candidates.slice(0, MAX_CANDIDATES_SHOWN).map((c) => `${c.startLine}-${c.endLine}`).join(', ');
  return {
    ok: false,
    reason: 'ambiguous',
    message: `the old lines match ${picked.length} places (${tier}): lines ${shown}${picked.length > MAX_CANDIDATES_SHOWN ? ', …' : ''}; include more context lines`,
    candidates,
  };
}

/** Narrows several window starts; each filter applies only if it keeps at least one. */
function narrow(lines: Line[], query: LocateQuery, starts: number[], k: number): number[] {
  let set = starts;
  const keep = (next: number[]) => {
    if (next.length > 0) set = next;
  };
  if (set.length > 1 && query.context && query.context.length > 0) {
    const anchors = contextLines(lines, query.context);
    keep(starts.filter((s) => anchors.some((a) => a <= s && !set.some((o) => o >= a && o < s))));
  }
  if (set.length > 1 && query.eof) keep(set.filter((s) => s + k === lines.length));
  if (set.length > 1 && query.after !== undefined) {
    const after = query.after;
    keep(set.filter((s) => lines[s].start >= after));
  }
  if (set.length > 1 && query.hintLine !== undefined) {
    const hint = query.hintLine - 1;
    const best = Math.min(...set.map((s) => Math.abs(s - hint)));
    const nearest = set.filter((s) => Math.abs(s - hint) === best);
    if (nearest.length === 1) set = nearest;
  }
  return set;
}

/** Line indices of the innermost context text that come after each outer context, in order. */
function contextLines(lines: Line[], context: readonly string[]): number[] {
  const wanted = context.map((c) => normalisePunctuation(c).trim()).filter((c) => c !== '');
  if (wanted.length === 0) return [];
  const hits = (c: string) =>
    lines.flatMap((l, i) => (normalisePunctuation(l.text).includes(c) ? [i] : []));
  let anchors = hits(wanted[0]);
  for (const c of wanted.slice(1)) {
    const first = anchors.length > 0 ? anchors[0] : Infinity;
    anchors = hits(c).filter((i) => i >= first);
  }
  return anchors;
}

function locateInsertion(text: string, lines: Line[], query: LocateQuery): LocateResult {
  const context = query.context ?? [];
  if (context.length === 0) {
    return {
      ok: true,
      tier: 'exact',
      start: text.length,
      end: text.length,
      matched: '',
      startLine: lines.length + 1,
      endLine: lines.length,
      finalNewline: text.length === 0 || text.endsWith('\n'),
    };
  }
  let anchors = contextLines(lines, context);
  if (anchors.length > 1 && query.after !== undefined) {
    const after = query.after;
    const later = anchors.filter((a) => lines[a].start >= after);
    if (later.length > 0) anchors = later;
  }
  if (anchors.length !== 1) {
    const candidates = anchors.slice(0, MAX_CANDIDATES_RETURNED).map((a) => candidate(lines, a, 1));
    return {
      ok: false,
      reason: anchors.length === 0 ? 'noAnchor' : 'ambiguous',
      message: anchors.length === 0
        ? `nothing to insert after: the context ${JSON.stringify(context.at(-1))} is not in the current file`
        : `the context ${JSON.stringify(context.at(-1))} appears ${anchors.length} times; include old lines to place the insertion`,
      candidates,
    };
  }
  const line = lines[anchors[0]];
  const finalNewline = text.charCodeAt(line.end - 1) === 10;
  return { ok: true, tier: 'exact', start: line.end, end: line.end, matched: '', startLine: anchors[0] + 2, endLine: anchors[0] + 1, finalNewline };
}

function candidate(lines: Line[], i: number, k: number): LocateCandidate {
  return { startLine: i + 1, endLine: i + k, start: lines[i].start, end: lines[i + k - 1].end };
}

/** The best-scoring windows by mean line similarity, for "did you mean" hints. */
function closest(hay: string[], needle: string[], lines: Line[]): LocateCandidate[] {
  const k = needle.length;
  const windows = Math.max(0, hay.length - k + 1);
  if (windows === 0 || windows * k > HINT_BUDGET) return [];
  const cut = (s: string) => s.slice(0, HINT_LINE_CHARS);
  const scored: Array<[number, number]> = [];
  for (let i = 0; i < windows; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const a = cut(hay[i + j]);
      const b = cut(needle[j]);
      const longer = Math.max(a.length, b.length);
      // Lines of very different length cannot be half similar: skip the quadratic part.
      if (longer > 0 && Math.min(a.length, b.length) / longer < 0.5) continue;
      sum += lineSimilarity(a, b);
    }
    scored.push([i, sum / k]);
  }
  scored.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  const out: LocateCandidate[] = [];
  for (const [i, score] of scored) {
    if (score < 0.3 || out.length === MAX_CANDIDATES_SHOWN) break;
    if (out.some((c) => Math.abs(c.startLine - 1 - i) < k)) continue;
    out.push({ ...candidate(lines, i, k), similarity: score });
  }
  return out;
}

/** Levenshtein distance, giving up (returning `cap`) once it must exceed `cap`. */
function levenshtein(a: string, b: string, cap: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= cap) return cap;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length], cap);
}
