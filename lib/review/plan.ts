// What a reject of one hunk will do, computed from the document before anything is written:
// the AI characters it removes, the old text it restores, and the person's characters that
// stay (shown to the reviewer of a mixed hunk: "your 12 characters stay").
import type * as Y from 'yjs';
import { filesOf } from '../schema.ts';
import type { AiHunkView, AiRunView } from '../ai/schema.ts';
import { aiClientsOf, computeHunk, type Span } from './hunks.ts';
import { mergeSpans, visibleSpans } from './items.ts';

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
  /** One sentence for the reviewer. */
  message: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function planReject(doc: Y.Doc, run: AiRunView, hunk: AiHunkView): RejectPlan {
  const clients = aiClientsOf(doc, run);
  const state = computeHunk(doc, run, hunk, clients);
  const text = filesOf(doc).get(hunk.file);
  const restoreChars = hunk.op === 'delete' ? hunk.oldText.length : (hunk.items?.removed ?? []).reduce((n, r) => n + r[2].length, 0);
  let aiSpans: Span[] = state.aiSpans;
  if (text && hunk.items) {
    aiSpans = mergeSpans([...aiSpans, ...visibleSpans(text, hunk.items.inserted)].sort((a, b) => a.start - b.start));
  }
  const aiChars = aiSpans.reduce((n, s) => n + s.end - s.start, 0);
  const parts = [`removes the AI's ${plural(aiChars, 'character')}`];
  if (restoreChars > 0) parts.push(`restores ${plural(restoreChars, 'character')} it replaced`);
  if (state.personChars > 0) parts.push(`the ${plural(state.personChars, 'character')} people typed inside stay`);
  return {
    hunkId: hunk.id,
    aiSpans,
    aiChars,
    restoreChars,
    personChars: state.personChars,
    mixed: state.mixed,
    message: `Reject ${parts.join('; ')}.`,
  };
}
