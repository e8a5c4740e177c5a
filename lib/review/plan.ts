// What a reject of one hunk will do, computed from the document before anything is written:
// the AI characters it removes, the old text it restores, and the person's characters that
// stay (shown to the reviewer of a mixed hunk: "your 12 characters stay, on their own line"),
// and where it adds line breaks so that their text keeps a line of its own (rejectLines.ts).
import type * as Y from 'yjs';
import { filesOf } from '../schema.ts';
import type { AiHunkView, AiRunView } from '../ai/aiRuns.ts';
import { aiClientsOf, computeHunk, type Span } from './hunks.ts';
import { itemsIn, mergeSpans, visibleSpans } from './items.ts';
import { rejectLines, type RejectLines } from './rejectLines.ts';

export interface RejectPlan {
  hunkId: string;
  /** The AI characters that will be removed: the hunk's own items plus any AI-run text inside its range. */
  aiSpans: Span[];
  aiChars: number;
  /** Characters of the old text that will be put back. */
  restoreChars: number;
  /** Characters people typed inside the hunk, which stay. */
  personChars: number;
  mixed: boolean;
  /** The text left and the newlines added to keep people's text on lines of its own. */
  lines: RejectLines;
  /** One sentence for the reviewer. */
  message: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "your N characters" when this document's own client typed every one of them. */
function whose(doc: Y.Doc, text: Y.Text | undefined, spans: readonly Span[], n: number): string {
  const mine = text && spans.every((s) => itemsIn(text, s.start, s.end).every((it) => it.client === doc.clientID));
  return mine ? `your ${plural(n, 'character')}` : `the ${plural(n, 'character')} people typed`;
}

/** `oldClients`: clients whose characters never count as a person's (the reviewer's own restores). */
export function planReject(doc: Y.Doc, run: AiRunView, hunk: AiHunkView, oldClients: ReadonlySet<number> = new Set()): RejectPlan {
  const clients = aiClientsOf(doc, run);
  const state = computeHunk(doc, run, hunk, clients);
  const text = filesOf(doc).get(hunk.file);
  const restoreChars = hunk.op === 'delete' ? hunk.oldText.length : (hunk.items?.removed ?? []).reduce((n, r) => n + r[2].length, 0);
  let aiSpans: Span[] = state.aiSpans;
  if (text && hunk.items) {
    aiSpans = mergeSpans([...aiSpans, ...visibleSpans(text, hunk.items.inserted)].sort((a, b) => a.start - b.start));
  }
  const aiChars = aiSpans.reduce((n, s) => n + s.end - s.start, 0);
  const lines = text ? rejectLines(text, aiSpans, hunk.items, clients, oldClients) : { result: '', separators: [] };
  const parts = [`removes the AI's ${plural(aiChars, 'character')}`];
  if (restoreChars > 0) parts.push(`restores ${plural(restoreChars, 'character')} it replaced`);
  const oneLine = text !== undefined && state.personSpans.length > 0 && !text.toString().slice(state.personSpans[0].start, state.personSpans.at(-1)!.end).includes('\n');
  const own = lines.separators.length === 0 ? '' : oneLine ? ', on their own line' : ', on lines of their own';
  if (state.personChars > 0) parts.push(`${whose(doc, text, state.personSpans, state.personChars)} stay${own}`);
  else if (own) parts.push(`text people typed beside it stays${own}`);
  return {
    hunkId: hunk.id,
    aiSpans,
    aiChars,
    restoreChars,
    personChars: state.personChars,
    mixed: state.mixed,
    lines,
    message: `Reject ${parts.join('; ')}.`,
  };
}
