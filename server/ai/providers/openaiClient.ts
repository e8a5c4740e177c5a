// One place that builds the `openai` package client from a ProviderTarget, so nothing falls
// back to process.env (the SDK reads OPENAI_API_KEY / OPENAI_BASE_URL when given undefined).
import OpenAI from 'openai';
import type { ProviderTarget } from './types.ts';

export function openaiClient(target: ProviderTarget, options: { timeoutMs?: number } = {}): OpenAI {
  return new OpenAI({
    // Local servers take no key; the SDK insists on one, and a dummy bearer is harmless there.
    apiKey: target.apiKey ?? 'no-key',
    baseURL: target.baseUrl,
    // Retries are ours: only before any output, with a capped retry-after wait.
    maxRetries: 0,
    // The SDK would log malformed stream payloads; errors are reported as typed events instead.
    logLevel: 'off',
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
  });
}
