// What a prediction sends and how its answer becomes an edit. Pure functions: the text, the
// cursor and the recent edits in, a request body or an edit out.
//
// Two shapes (see docs/MODEL-PROTOCOLS.md):
// - fill-in-the-middle: the text before the cursor as `prompt`, the text after as `suffix`; the
//   model's text is inserted at the cursor;
// - rewrite: the excerpt around the cursor with an editable region and a cursor marker (the shape
//   Zed's Zeta uses), recent edits as diffs and the file's outline; the model answers with the
//   rewritten region, and the edit is what differs from the region as it is.

export const REGION_START = '<|editable_region_start|>';
export const REGION_END = '<|editable_region_end|>';
export const CURSOR = '<|user_cursor_is_here|>';

/** Characters of text before / after the cursor a fill-in-the-middle prompt carries. */
const FIM_BEFORE = 6000;
const FIM_AFTER = 2000;
/** Lines of the editable region above and below the cursor's line. */
const REGION_ABOVE = 4;
const REGION_BELOW = 8;
/** Lines of context around the region in the excerpt. */
const CONTEXT_LINES = 30;
const MAX_OUTLINE_LINES = 60;
/** Longest prediction kept (characters); a model that runs on is cut. */
export const MAX_PREDICTION_CHARS = 2000;

export interface RecentEdit {
  /** Who made it, as the prompt shows it ("you" for the person asking). */
  by: string;
  /** A unified-diff-like fragment: "-old" / "+new" lines around the change. */
  diff: string;
}

export interface PredictionInput {
  path: string;
  text: string;
  /** Offset of the cursor in text. */
  cursor: number;
  recentEdits: readonly RecentEdit[];
}

/** A predicted edit: replace text[start, end) by `text`. */
export interface PredictedEdit {
  start: number;
  end: number;
  text: string;
}

export interface FimPrompt {
  prompt: string;
  suffix: string;
}

export function fimPrompt(input: PredictionInput): FimPrompt {
  const before = input.text.slice(Math.max(0, input.cursor - FIM_BEFORE), input.cursor);
  const after = input.text.slice(input.cursor, input.cursor + FIM_AFTER);
  // The file's name as a comment line helps FIM models pick the language.
  return { prompt: `// ${input.path}\n${before}`, suffix: after };
}

/**
 * The fill-in-the-middle answer as an edit at the cursor: cut where it starts repeating the
 * text that follows (models often run on into the suffix) and at the length cap; none when empty.
 */
export function fimEdit(input: PredictionInput, completion: string): PredictedEdit | null {
  let text = completion.slice(0, MAX_PREDICTION_CHARS);
  const after = input.text.slice(input.cursor);
  const nextLine = after.split('\n').find((l) => l.trim().length > 0)?.trim();
  if (nextLine) {
    // A later line of the answer that is the next line already there: the model ran on.
    const lines = text.split('\n');
    const at = lines.findIndex((l, i) => i > 0 && l.trim() === nextLine);
    if (at > 0) text = lines.slice(0, at).join('\n');
    else if (nextLine.length >= 4 && text.includes(nextLine)) text = text.slice(0, text.indexOf(nextLine));
    text = text.replace(/[ \t]*$/, '');
  }
  if (after.length > 0 && text.endsWith('\n') && after.startsWith('\n')) text = text.slice(0, -1);
  if (text.trim().length === 0) return null;
  return { start: input.cursor, end: input.cursor, text };
}

/** Line starts of text (offsets). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export interface Region {
  start: number;
  end: number;
}

/** The editable region: whole lines around the cursor's line. */
export function editableRegion(text: string, cursor: number): Region {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= cursor) line++;
  const first = Math.max(0, line - REGION_ABOVE);
  const last = Math.min(starts.length - 1, line + REGION_BELOW);
  const end = last + 1 < starts.length ? starts[last + 1] - 1 : text.length;
  return { start: starts[first], end };
}

/** Declarations, one line each, for the outline (functions, classes, types, exports). */
export function outline(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (/^\s*(export\s+)?(default\s+)?(async\s+)?(function|class|interface|type|enum|def|fn|struct|impl|const\s+\w+\s*=\s*(async\s*)?\()/.test(line)) {
      out.push(`${i + 1}: ${line.trim().slice(0, 120)}`);
      if (out.length >= MAX_OUTLINE_LINES) break;
    }
  }
  return out;
}

export interface RewritePrompt {
  system: string;
  user: string;
  region: Region;
}

export function rewritePrompt(input: PredictionInput): RewritePrompt {
  const { text, cursor } = input;
  const region = editableRegion(text, cursor);
  const starts = lineStarts(text);
  const lineOf = (offset: number) => {
    let l = 0;
    while (l + 1 < starts.length && starts[l + 1] <= offset) l++;
    return l;
  };
  const from = starts[Math.max(0, lineOf(region.start) - CONTEXT_LINES)];
  const lastLine = Math.min(starts.length - 1, lineOf(region.end) + CONTEXT_LINES);
  const to = lastLine + 1 < starts.length ? starts[lastLine + 1] - 1 : text.length;
  const excerpt =
    text.slice(from, region.start) +
    REGION_START +
    text.slice(region.start, cursor) +
    CURSOR +
    text.slice(cursor, region.end) +
    REGION_END +
    text.slice(region.end, to);
  const edits = input.recentEdits.length > 0 ? input.recentEdits.map((e) => `${e.by}:\n${e.diff}`).join('\n\n') : '(none)';
  const outlineLines = outline(text);
  const system =
    'You predict the next edit a programmer will make. You are shown their recent edits, the outline of the file and an excerpt ' +
    `with an editable region between ${REGION_START} and ${REGION_END}; ${CURSOR} marks their cursor. ` +
    'Answer with the editable region rewritten as it will be after their next edit: only the region, without the markers and without ' +
    'code fences. If no edit is likely, answer with the region unchanged.';
  const user =
    `Recent edits:\n${edits}\n\nOutline of ${input.path}:\n${outlineLines.length > 0 ? outlineLines.join('\n') : '(none)'}\n\n` +
    `Excerpt of ${input.path}:\n${excerpt}`;
  return { system, user, region };
}

/**
 * The rewritten region as the smallest edit against the region as it is: the common prefix and
 * suffix are dropped. None when the answer is unchanged, empty, replaces most of the region, or
 * carries the markers (a model that echoed the prompt).
 */
/** Characters any prediction may replace, however short the region. */
const MIN_REPLACED_CHARS = 40;

export function rewriteEdit(text: string, region: Region, answer: string): PredictedEdit | null {
  let rewritten = answer.replace(/^```[^\n]*\n/, '').replace(/\n?```\s*$/, '');
  if (rewritten.includes(REGION_START) || rewritten.includes(REGION_END)) return null;
  rewritten = rewritten.replace(CURSOR, '');
  if (rewritten.length > (region.end - region.start) + MAX_PREDICTION_CHARS) return null;
  const current = text.slice(region.start, region.end);
  if (rewritten === current || rewritten.trim() === '') return null;
  let head = 0;
  const max = Math.min(current.length, rewritten.length);
  while (head < max && current[head] === rewritten[head]) head++;
  let tail = 0;
  while (tail < max - head && current[current.length - 1 - tail] === rewritten[rewritten.length - 1 - tail]) tail++;
  // A next edit keeps most of the region around the cursor; an answer that replaces most of it
  // is not a rewrite of it (chatter, another file, a truncated reply).
  if (current.length - head - tail > Math.max(MIN_REPLACED_CHARS, current.length / 2)) return null;
  return { start: region.start + head, end: region.end - tail, text: rewritten.slice(head, rewritten.length - tail) };
}

/**
 * Whether an earlier prediction still holds after the person typed: the text is the same except
 * that `typed` was inserted at the prediction's start, and the prediction began with `typed`.
 * Returns what is left of it, or null.
 */
export function stillPredicted(previous: { text: string; cursor: number; edit: PredictedEdit }, text: string, cursor: number): PredictedEdit | null {
  const { edit } = previous;
  if (edit.start !== edit.end || edit.start !== previous.cursor) return null;
  const typedLength = cursor - previous.cursor;
  if (typedLength <= 0 || typedLength >= edit.text.length) return null;
  if (text.length !== previous.text.length + typedLength) return null;
  const typed = text.slice(previous.cursor, cursor);
  if (!edit.text.startsWith(typed)) return null;
  if (text.slice(0, previous.cursor) !== previous.text.slice(0, previous.cursor)) return null;
  if (text.slice(cursor) !== previous.text.slice(previous.cursor)) return null;
  return { start: cursor, end: cursor, text: edit.text.slice(typedLength) };
}
