// A follow-up someone sends to a run while it works ("no, keep the callback API"). Steered, it
// ends the run's current request (the hunk in progress is rolled back, never half-written) and
// the run goes on with a chained turn that carries the original request and the new instruction;
// the files the model reads then include the hunks it had applied. The thread records each
// redirect in the run's entry, in place.
import type { AiRedirect } from '../../lib/ai/aiRuns.ts';

/** Follow-ups a run takes in all (a bound on what one run can be made to do). */
export const MAX_REDIRECTS = 20;

/** The prompt of the turn that continues a run after the redirects `pending` (oldest first). */
export function continuationPrompt(original: string, pending: readonly AiRedirect[]): string {
  const asks = pending.map((r) => `${r.by}: ${JSON.stringify(r.prompt)}`).join('\n');
  return (
    `${original}\n\n` +
    `While you were working on this, you were redirected:\n${asks}\n` +
    'The files above already include the changes of yours that were applied; the one you were ' +
    'writing when redirected was not applied. Continue from the files as they are now, following ' +
    'the latest instruction where it differs from the earlier ones.'
  );
}
