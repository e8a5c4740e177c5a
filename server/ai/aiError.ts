// The one error the AI layer refuses a request with. It carries a code and no HTTP status: the
// HTTP layer maps each code to its status in server/http/errorStatus.ts.

export type AiErrorCode = 'shutting_down' | 'rate_limited' | 'queue_full' | 'unknown_file' | 'run_not_running' | 'unknown_model';

export class AiError extends Error {
  readonly code: AiErrorCode;
  /** When asking again can succeed (a rate limit). */
  readonly retryAfterMs?: number;
  constructor(code: AiErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}
