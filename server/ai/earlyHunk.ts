// One apply_patch update hunk while it streams. Its old side (context and '-' lines) is
// complete only at the hunk's end, but people should watch it being typed, so the hunk is
// placed as soon as the old lines seen so far match one place only (strict tiers, `@@` context
// and the previous hunk's end as the locator uses them), and from then on each line is checked
// against the file as it was at placement and turned into ops (PatchHunkDiff). A line that
// disagrees, or a complete old side that the locator places elsewhere (or in several places),
// tells the caller to roll the hunk back.
import type { PatchHunk } from '../../lib/edits/applyPatchParser.ts';
import { locate, normalisePunctuation, type LocateMatch } from '../../lib/edits/locator.ts';
import { PatchHunkDiff } from '../../lib/edits/patchHunkDiff.ts';
import { pushOp, type DiffOp } from '../../lib/edits/sequenceDiff.ts';
import { UnchangedLines } from './unchangedLines.ts';

/** Old lines on which an early placement is tried; past them the hunk is placed at its end. */
export const MAX_EARLY_ATTEMPTS = 12;

type Kind = 'context' | 'remove' | 'add';
export type Fed = { ok: true; ops: DiffOp[] } | { ok: false; reason: string };

interface Placement {
  /** The file's text when the hunk was placed: what the ops are written against. */
  text: string;
  start: number;
  /** Offset in `text` after the last old line consumed. */
  pos: number;
  startLine: number;
  oldSeen: number;
  after: number | undefined;
  diff: PatchHunkDiff;
  /** Removed lines, to write an added line that re-sends one unchanged as the file has it. */
  removed: UnchangedLines;
}

const loose = (s: string) => normalisePunctuation(s).trim();

export class EarlyHunk {
  readonly context: string[];
  readonly lineHint: number | undefined;
  readonly oldLines: string[] = [];
  readonly newLines: string[] = [];
  private readonly lines: Array<{ kind: Kind; text: string }> = [];
  private placed: Placement | null = null;
  attempts = 0;

  constructor(context: string[], lineHint?: number) {
    this.context = context;
    this.lineHint = lineHint;
  }

  record(kind: Kind, text: string): void {
    this.lines.push({ kind, text });
    if (kind !== 'add') this.oldLines.push(text);
    if (kind !== 'remove') this.newLines.push(text);
  }

  /** Binds the hunk to a match of its old lines so far; replays the lines received. */
  place(text: string, match: LocateMatch, after: number | undefined): { ok: true; ops: DiffOp[]; newText: string } | { ok: false; reason: string } {
    this.placed = { text, start: match.start, pos: match.start, startLine: match.startLine, oldSeen: 0, after, diff: new PatchHunkDiff(), removed: new UnchangedLines() };
    const ops: DiffOp[] = [];
    let newText = '';
    for (const { kind, text: line } of this.lines) {
      const fed = this.feed(kind, line);
      if (!fed.ok) return fed;
      for (const op of fed.ops) pushOp(ops, op);
      if (kind !== 'remove') newText += `${line}\n`;
    }
    return { ok: true, ops, newText };
  }

  unplace(): void {
    this.placed = null;
  }

  startLine(): number {
    return this.placed?.startLine ?? 0;
  }

  /** Ops for one more line of the placed hunk, or why the placement no longer holds. */
  feed(kind: Kind, line: string): Fed {
    const p = this.placed!;
    if (kind === 'add') return { ok: true, ops: p.diff.add(p.removed.map(line)) };
    p.oldSeen++;
    if (p.pos >= p.text.length) return { ok: false, reason: `its old line ${p.oldSeen} runs past the end of the file` };
    const nl = p.text.indexOf('\n', p.pos);
    const docLine = p.text.slice(p.pos, nl === -1 ? p.text.length : nl + 1);
    if (loose(docLine.endsWith('\n') ? docLine.slice(0, -1) : docLine) !== loose(line)) {
      return { ok: false, reason: `its old line ${p.oldSeen} differs from line ${p.startLine + p.oldSeen - 1} of the file` };
    }
    p.pos += docLine.length;
    if (kind === 'remove') p.removed.addOld(line, docLine.endsWith('\n') ? docLine.slice(0, -1) : docLine);
    return { ok: true, ops: kind === 'context' ? p.diff.context(docLine) : p.diff.remove(docLine) };
  }

  /** null when the complete hunk locates exactly where it was placed; else why not. */
  verify(hunk: PatchHunk): string | null {
    const p = this.placed!;
    const full = locate(p.text, { oldLines: hunk.oldLines, context: hunk.context, eof: hunk.eof, hintLine: hunk.lineHint, after: p.after });
    if (!full.ok) return full.reason === 'ambiguous' ? 'the complete hunk matches several places' : 'the complete hunk does not match the file';
    if (full.start !== p.start || full.end !== p.pos) return `the complete hunk matches line ${full.startLine}`;
    return null;
  }

  finish(): DiffOp[] {
    return this.placed?.diff.finish() ?? [];
  }

  /** Each line's kind, in order (context, remove, add). */
  kinds(): Kind[] {
    return this.lines.map((l) => l.kind);
  }

  /** Offset after the last old line consumed, in the text the hunk was placed in. */
  placedEnd(): number {
    return this.placed?.pos ?? 0;
  }

  placedOldText(): string {
    const p = this.placed;
    return p ? p.text.slice(p.start, p.pos) : '';
  }
}
