'use client';
// "Who wrote this line?" on hover, straight from the CRDT: each character's Yjs item names the
// clientID that inserted it, and the document's identities map names the person, or the AI with
// its run and model. Kept AI text stays the AI's: its items never change author.
import type * as Y from 'yjs';
import type { IDisposable, IMarkdownString } from 'monaco-editor';
import { filesOf } from '@/lib/schema.ts';
import { aiRunsOf, hunkRange, readRun, type AiHunkView } from '@/lib/ai/aiRuns.ts';
import { authorship, type Author } from '@/lib/review/authorship.ts';
import type { Monaco } from './monacoSetup.ts';

const MAX_PROMPT = 80;

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** The review state of the run's hunks that cover [from, to) of the file (all its hunks if none does). */
function reviewState(doc: Y.Doc, hunks: AiHunkView[], path: string, from: number, to: number): string | null {
  const applied = hunks.filter((h) => h.status === 'applied');
  const here = applied.filter((h) => {
    if (h.file !== path) return false;
    const range = hunkRange(doc, h);
    return range !== null && range.start < to && range.end > from;
  });
  const review = here.length > 0 ? here : applied;
  return review.some((h) => h.review === 'pending') ? 'pending review' : review.some((h) => h.review === 'kept') ? 'kept' : null;
}

function describe(doc: Y.Doc, author: Author, chars: number, total: number, where: { path: string; from: number; to: number }): string {
  const share = total > 0 && chars < total ? ` · ${chars} of ${total} characters` : '';
  if (author.kind === 'human' && author.predictedBy) return `**${escapeMd(author.name)}** · predicted by ${escapeMd(author.predictedBy)}, accepted by ${escapeMd(author.name)}${share}`;
  if (author.kind === 'human') return `**${escapeMd(author.name)}**${share}`;
  if (author.kind === 'unknown') return `**The session's original files**${share}`;
  const map = author.runId ? aiRunsOf(doc).get(author.runId) : undefined;
  const run = map ? readRun(map) : null;
  // This line's own hunk: a kept hunk reads kept while others of the run are still pending.
  const state = run ? reviewState(doc, run.hunks, where.path, where.from, where.to) : null;
  const prompt = run ? (run.prompt.length > MAX_PROMPT ? `${run.prompt.slice(0, MAX_PROMPT)}…` : run.prompt) : null;
  return [
    `**AI** · ${escapeMd(author.model ?? author.name)}${share}`,
    run ? `run for ${escapeMd(run.requestedBy.name)}: “${escapeMd(prompt ?? '')}”${state ? ` · ${state}` : ''}` : null,
  ]
    .filter(Boolean)
    .join('  \n');
}

/** The authors of one line of a file, with how many of its characters each wrote. */
export function lineAuthors(doc: Y.Doc, text: Y.Text, from: number, to: number): { author: Author; chars: number }[] {
  const out: { author: Author; chars: number }[] = [];
  for (const span of authorship(doc, text)) {
    if (span.end <= from) continue;
    if (span.start >= to) break;
    const chars = Math.min(to, span.end) - Math.max(from, span.start);
    const known = out.find((x) => x.author.key === span.author.key);
    if (known) known.chars += chars;
    else out.push({ author: span.author, chars });
  }
  return out;
}

export function registerAuthorshipHover(monaco: Monaco, doc: Y.Doc): IDisposable {
  return monaco.languages.registerHoverProvider('*', {
    provideHover(model, position) {
      if (model.uri.scheme !== 'tandem') return null;
      const text = filesOf(doc).get(model.uri.path.slice(1));
      if (!text) return null;
      const line = position.lineNumber;
      const from = model.getOffsetAt({ lineNumber: line, column: 1 });
      const lineLength = model.getLineLength(line);
      // An empty line belongs to whoever wrote its newline.
      const to = lineLength > 0 ? from + lineLength : Math.min(text.length, from + 1);
      if (to <= from) return null;
      const authors = lineAuthors(doc, text, from, to);
      if (authors.length === 0) return null;
      const total = authors.reduce((n, a) => n + a.chars, 0);
      const contents: IMarkdownString[] = [
        { value: `Line ${line} written by` },
        ...authors.map((a) => ({ value: describe(doc, a.author, a.chars, total, { path: model.uri.path.slice(1), from, to }) })),
      ];
      return { range: new monaco.Range(line, 1, line, lineLength + 1), contents };
    },
  });
}
