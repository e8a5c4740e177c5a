// Helpers for the provider tests: targets pointing at the local model server, and a turn collector.
import type { ModelServer } from '../modelServer/modelServer.ts';
import type { ModelSession, ProviderError, ProviderTarget, TurnEvent, TurnOptions, TurnRequest } from '../server/ai/providers/types.ts';

export function targetFor(server: ModelServer, kind: 'responses' | 'chat', transport: 'websocket' | 'http' = 'websocket'): ProviderTarget {
  return { kind, baseUrl: server.httpBaseUrl, apiKey: server.apiKey, model: 'tandem-test-model', transport, label: 'the model server' };
}

export interface Collected {
  events: TurnEvent[];
  text: string;
  final: TurnEvent;
  error: ProviderError | null;
}

export async function collect(session: ModelSession, request: TurnRequest, options: TurnOptions = {}, onEvent?: (e: TurnEvent) => void): Promise<Collected> {
  const events: TurnEvent[] = [];
  for await (const e of session.turn(request, options)) {
    events.push(e);
    onEvent?.(e);
  }
  const final = events.at(-1)!;
  const text = events.map((e) => (e.type === 'text' ? e.delta : '')).join('');
  return { events, text, final, error: final.type === 'error' ? final.error : null };
}

export function user(text: string): TurnRequest['input'][number] {
  return { type: 'message', role: 'user', text };
}

export const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `pred` holds (or throws after timeoutMs). */
export async function until(pred: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await waitMs(5);
  }
}
