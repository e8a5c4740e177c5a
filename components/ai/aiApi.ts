// Browser calls to the AI endpoints (server/http/aiRoutes.ts). Errors carry the server's message,
// which is written for people (rate limits say when to try again).
import type { AiSelection } from '@/lib/ai/schema.ts';
import type { AiProviderStatus } from '@/lib/api.ts';

export type { AiProviderStatus };

async function call<T>(path: string, token: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      cache: 'no-store',
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });
  } catch {
    throw new Error('The Tandem server could not be reached.');
  }
  const body = (await res.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!res.ok) throw new Error(body?.error?.message ?? `Request failed (${res.status})`);
  return body as T;
}

const base = (id: string) => `/api/sessions/${encodeURIComponent(id)}/ai`;

export function aiStatus(id: string, token: string): Promise<AiProviderStatus> {
  return call(base(id), token);
}

export function askAi(
  id: string,
  token: string,
  body: { prompt: string; file?: string; selection?: AiSelection; requestedBy: { name: string; clientId: number } },
): Promise<{ runId: string; queuePosition: number }> {
  return call(base(id), token, { method: 'POST', body: JSON.stringify(body) });
}

export function cancelAi(id: string, token: string, runId: string, name: string): Promise<{ status: string }> {
  return call(`${base(id)}/${encodeURIComponent(runId)}/cancel`, token, { method: 'POST', body: JSON.stringify({ name }) });
}
