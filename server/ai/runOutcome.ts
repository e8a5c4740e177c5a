// How a run ended, from what its turn saw: stopped by someone, failed (the provider's error or a
// limit), a malformed edit, or done; and its figures (time to first token, tokens/s).
import type { AiMetrics, AiRunStatus } from '../../lib/ai/aiRuns.ts';
import type { ProviderError } from './providers/types.ts';

export interface RunEnd {
  status: AiRunStatus;
  error: { code: string; message: string } | null;
  /** Why the hunk in progress is rolled back (null: nothing to roll back for this end). */
  rollback: string | null;
}

export function runEnd(seen: { cancelledBy: string | null; aborted: boolean; fatal: boolean; failure: ProviderError | null; parseError: string | null }): RunEnd {
  if (seen.aborted && !seen.fatal) {
    const message = `stopped by ${seen.cancelledBy ?? 'someone'}`;
    return { status: 'cancelled', error: { code: 'cancelled', message }, rollback: message };
  }
  if (seen.failure) return { status: 'error', error: { code: seen.failure.code, message: seen.failure.message }, rollback: seen.failure.message };
  if (seen.parseError) return { status: 'error', error: { code: 'malformed_edit', message: seen.parseError }, rollback: null };
  return { status: 'done', error: null, rollback: null };
}

export function runMetrics(startedAt: number, firstTokenAt: number | null, tokens: number, now = Date.now()): AiMetrics {
  const streamMs = firstTokenAt === null ? 0 : now - firstTokenAt;
  return {
    ttftMs: firstTokenAt === null ? null : firstTokenAt - startedAt,
    tokens,
    tokensPerSec: streamMs > 0 ? Math.round((tokens * 1000) / streamMs) : null,
    durationMs: now - startedAt,
  };
}
