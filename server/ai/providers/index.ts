// Entry point for the AI peer: resolve a provider (aiConfig.detectProvider), then open one
// ModelSession per room and run turns on it.
//
//   const found = await detectProvider(aiConfigFromEnv(env));
//   if (found.status !== 'ready') showInPanel(found.message);
//   const session = createModelSession(found.target, { stallMs: config.stallMs, rotateAfterMs: config.rotateAfterMs });
//   await session.warmUp({ instructions, tools, input: [{ type: 'message', role: 'user', text: context }] });
//   for await (const e of session.turn({ instructions, tools, input: newItems }, { signal })) {
//     if (e.type === 'tool_input') patchParser.push(e.delta);   // apply_patch streams here
//     else if (e.type === 'text') explanation += e.delta;        // SEARCH/REPLACE for chat models
//     else if (e.type === 'error') rollBackHunkInProgress(e.error); // e.error.message is for people
//   }
import { ChatSession } from './chatSession.ts';
import { ResponsesSession } from './responsesSession.ts';
import type { ModelSession, ProviderTarget, SessionOptions } from './types.ts';

export type * from './types.ts';
export { redact } from './providerErrors.ts';

export function createModelSession(target: ProviderTarget, options: SessionOptions = {}): ModelSession {
  return target.kind === 'responses' ? new ResponsesSession(target, options) : new ChatSession(target, options);
}
