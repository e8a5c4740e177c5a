// The one table from error codes to HTTP statuses. Each layer throws its own error type with a
// code (HttpError here, AiError in the AI service, ReviewError in lib/review, access refusals
// from authorize()); the status a client sees for a code is decided here and nowhere else.

export const STATUS_OF = {
  // the request itself
  bad_session_id: 400,
  invalid_body: 400,
  invalid_json: 400,
  invalid_path: 400,
  duplicate_path: 400,
  unknown_file: 400,
  unknown_model: 400,
  missing_token: 401,
  forbidden: 403,
  read_only: 403,
  origin_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  document_too_large: 413,
  unsupported_media_type: 415,
  // review of AI hunks (lib/review)
  unknown_hunk: 404,
  unknown_run: 404,
  unknown_entry: 404,
  already_reviewed: 409,
  not_applied: 409,
  not_reviewable: 409,
  nothing_pending: 409,
  nothing_to_undo: 409,
  conflict: 409,
  run_not_running: 409,
  // limits and availability (rate_limited also from the AI's AiError)
  rate_limited: 429,
  internal: 500,
  ai_unavailable: 503,
  unavailable: 503,
  // the AI's requests (AiError in server/ai)
  queue_full: 429,
  shutting_down: 503,
} as const;

export type ErrorCode = keyof typeof STATUS_OF;

export function statusOf(code: ErrorCode): (typeof STATUS_OF)[ErrorCode] {
  return STATUS_OF[code];
}
