// Maps what the openai package throws during an HTTP request or stream to a ProviderError.
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { classify, droppedError, malformedError, parseRetryAfter, unreachableError } from './providerErrors.ts';
import type { ProviderError } from './types.ts';

export type SdkFailure =
  | { kind: 'aborted' }
  | { kind: 'error'; error: ProviderError; notFound?: boolean; beforeResponse: boolean };

export function fromSdkError(err: unknown, ctx: { label: string; baseUrl: string; secrets: Array<string | null> }): SdkFailure {
  if (err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) return { kind: 'aborted' };
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? err.cause.message : err.message;
    return { kind: 'error', beforeResponse: true, error: unreachableError(ctx.label, ctx.baseUrl, cause) };
  }
  if (err instanceof APIError) {
    const code = typeof err.code === 'string' ? err.code : undefined;
    const body = err.error as { message?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? body.message : err.message;
    const retryAfterMs = parseRetryAfter(err.headers);
    const error = classify({
      ...(err.status !== undefined ? { status: err.status } : {}),
      upstreamCode: code ?? (err.status === undefined ? 'server_error' : undefined),
      message,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      label: ctx.label,
      secrets: ctx.secrets,
    } as Parameters<typeof classify>[0]);
    return { kind: 'error', beforeResponse: err.status !== undefined, error, notFound: code === 'previous_response_not_found' };
  }
  if (err instanceof SyntaxError) return { kind: 'error', beforeResponse: false, error: malformedError(ctx.label, 'invalid JSON') };
  // Body read failures after the headers (undici's "terminated", ECONNRESET): a drop.
  return { kind: 'error', beforeResponse: false, error: droppedError(ctx.label) };
}
