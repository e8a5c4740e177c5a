// Turning upstream failures (HTTP statuses, error events, socket trouble) into typed,
// readable ProviderErrors, with secrets redacted.
import type { ErrorCode, ProviderError } from './types.ts';

const KEY_PATTERNS = [/sk-[A-Za-z0-9_\-]{6,}/g, /Bearer\s+[^\s"',]+/gi];

/** Removes the configured key and anything shaped like a key or bearer token. */
export function redact(text: string, secrets: Array<string | null | undefined> = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('<redacted>');
  for (const p of KEY_PATTERNS) out = out.replace(p, (m) => (m.toLowerCase().startsWith('bearer') ? 'Bearer <redacted>' : '<redacted>'));
  return out;
}

/** `retry-after` as seconds or an HTTP date, or `retry-after-ms`; undefined when absent or bad. */
export function parseRetryAfter(headers: { get(name: string): string | null } | Record<string, unknown> | undefined | null): number | undefined {
  if (!headers) return undefined;
  const get = (name: string): string | null => {
    if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name);
    const v = (headers as Record<string, unknown>)[name];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
  };
  const ms = Number(get('retry-after-ms'));
  if (get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const raw = get('retry-after');
  if (raw === null) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function providerError(code: ErrorCode, message: string, extra: Partial<ProviderError> = {}): ProviderError {
  const retryable = extra.retryable ?? ['rate_limited', 'server_error', 'upstream_dropped', 'stalled', 'malformed', 'unreachable', 'busy'].includes(code);
  return { code, message, retryable, ...extra };
}

function detail(upstream: string | undefined): string {
  const text = (upstream ?? '').trim();
  return text ? `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}` : '';
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.ceil(ms / 1000)} s` : `${Math.round(ms)} ms`;
}

/** Classifies an upstream failure from its HTTP status and/or upstream error code. */
export function classify(input: { status?: number; upstreamCode?: string; message?: string; retryAfterMs?: number; label: string; secrets?: Array<string | null> }): ProviderError {
  const { status, upstreamCode, label } = input;
  const message = redact(input.message ?? '', input.secrets);
  const base: Partial<ProviderError> = {};
  if (status !== undefined) base.status = status;
  if (upstreamCode) base.upstreamCode = upstreamCode;
  const code = upstreamCode ?? '';
  const where = status !== undefined ? ` (HTTP ${status})` : '';
  if (status === 401 || status === 403 || code === 'invalid_api_key' || code === 'unauthorized') {
    return providerError('unauthorized', `${label} refused the API key${where}${detail(message)}. Check OPENAI_API_KEY.`, { ...base, retryable: false });
  }
  if (status === 429 || code === 'rate_limit_exceeded' || code === 'rate_limited') {
    const after = input.retryAfterMs;
    const when = after !== undefined ? `; retry after ${seconds(after)}` : '';
    return providerError('rate_limited', `${label} is rate limiting requests${where}${when}${detail(message)}.`, { ...base, ...(after !== undefined ? { retryAfterMs: after } : {}) });
  }
  if ((status !== undefined && status >= 500) || code === 'server_error' || code === 'server_overloaded') {
    return providerError('server_error', `${label} had a server error${where}${detail(message)}.`, base);
  }
  if (status !== undefined && status >= 400) {
    return providerError('bad_request', `${label} rejected the request${where}${detail(message)}.`, { ...base, retryable: false });
  }
  if (code) return providerError('bad_request', `${label} reported an error (${code})${detail(message)}.`, { ...base, retryable: false });
  return providerError('server_error', `${label} reported an error${detail(message)}.`, base);
}

export function droppedError(label: string): ProviderError {
  return providerError('upstream_dropped', `The connection to ${label} dropped in the middle of the response.`);
}
export function malformedError(label: string, what: string): ProviderError {
  return providerError('malformed', `${label} sent a malformed event (${what}); the response was stopped.`);
}
export function stalledError(label: string, ms: number): ProviderError {
  return providerError('stalled', `${label} sent nothing for ${seconds(ms)}; the response was stopped.`);
}
export function cancelledError(): ProviderError {
  return providerError('cancelled', 'The response was stopped.', { retryable: false });
}
export function unreachableError(label: string, baseUrl: string, cause: string): ProviderError {
  return providerError('unreachable', `Could not reach ${label} at ${baseUrl}${detail(cause)}.`);
}
