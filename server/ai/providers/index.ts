// Entry point for the AI peer: resolve a provider (aiConfig.detectProvider), then open one
// ModelSession per room and run turns on it.
import { ChatSession } from './chatSession.ts';
import { ResponsesSession } from './responsesSession.ts';
import type { ModelSession, ProviderTarget, SessionOptions } from './types.ts';

export type * from './types.ts';
export { redact } from './errors.ts';

export function createModelSession(target: ProviderTarget, options: SessionOptions = {}): ModelSession {
  return target.kind === 'responses' ? new ResponsesSession(target, options) : new ChatSession(target, options);
}
