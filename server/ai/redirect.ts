// A follow-up someone sends to a run while it works ("no, keep the callback API"). Steered, the
// hunk in progress is rolled back (never half-written) and the run goes on with the instruction:
// on the Responses WebSocket the response in flight takes it as steering input (steerInput; its
// successor continues the same conversation), elsewhere, or when steering fails, the request
// ends and a chained turn carries the original request and the instruction (continuationPrompt);
// either way the files the model reads then include the hunks it had applied. The thread records
// each redirect in the run's entry, in place.
import type { AiRedirect } from '../../lib/ai/aiRuns.ts';

/** Follow-ups a run takes in all (a bound on what one run can be made to do). */
export const MAX_REDIRECTS = 20;

/** The steering input of a redirect, for the response in flight (which knows the request). */
export function steerInput(r: AiRedirect): string {
  return (
    `${r.by} redirects you: ${JSON.stringify(r.prompt)}\n` +
    'The edit you were writing when this arrived was not applied (the ones before it were). ' +
    'Continue from the files as they are now, following this instruction where it differs from the request.'
  );
}

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
