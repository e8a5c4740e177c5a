// Browser calls to Tandem's HTTP API (server/http/; the wire types are lib/api.ts). Every call goes
// through `request`, which keeps the server's error: its code for the page to tell cases apart, its
// message for people (written by the server for them: rate limits say when to try again).
import type {
  AiProviderStatus,
  ApiError,
  AskAiRequest,
  AskAiResponse,
  CancelAiRequest,
  CancelAiResponse,
  CheckpointInfo,
  CheckpointListResponse,
  CheckpointResponse,
  SaveCheckpointRequest,
  RedirectAiRequest,
  RedirectAiResponse,
  CreateSessionResponse,
  PredictRequest,
  PredictResponse,
  ReviewRequestBody,
  ReviewResponse,
  SessionInfoResponse,
  SessionLinksResponse,
} from '@/lib/api.ts';

/** A failed call: the HTTP status (0 when the server could not be reached), the server's error code and message. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = code;
  }
}

interface RequestOptions {
  method?: 'GET' | 'POST';
  /** The capability token, sent as a bearer token. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
}

export async function request<T>(path: string, { method = 'GET', token, body }: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, cache: 'no-store', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiRequestError(0, 'network', 'The Tandem server could not be reached.');
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (res.ok) {
    if (json === undefined) throw new ApiRequestError(res.status, 'bad_response', 'The Tandem server sent an answer that could not be read.');
    return json as T;
  }
  // Not JSON (a proxy's page, say), or JSON without the server's error: the status says what there is.
  const error = (json as Partial<ApiError> | undefined)?.error;
  throw new ApiRequestError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? `Request failed (${res.status})`);
}

const sessionPath = (id: string) => `/api/sessions/${encodeURIComponent(id)}`;

export function createSession(title: string, files: Record<string, string>): Promise<CreateSessionResponse> {
  return request('/api/sessions', { method: 'POST', body: { title, files } });
}

export function getSessionInfo(id: string, token: string): Promise<SessionInfoResponse> {
  return request(sessionPath(id), { token });
}

/** Both share links (edit token only: a viewer gets 403). */
export function getSessionLinks(id: string, token: string): Promise<SessionLinksResponse> {
  return request(`${sessionPath(id)}/links`, { token });
}

export function zipUrl(id: string, token: string): string {
  return `${sessionPath(id)}/zip?token=${encodeURIComponent(token)}`;
}

export function aiStatus(id: string, token: string): Promise<AiProviderStatus> {
  return request(`${sessionPath(id)}/ai`, { token });
}

export function askAi(id: string, token: string, body: AskAiRequest): Promise<AskAiResponse> {
  return request(`${sessionPath(id)}/ai`, { method: 'POST', token, body });
}

/** A follow-up to a run that is working: steered into it (default) or queued after it. */
export function redirectAi(id: string, token: string, runId: string, body: RedirectAiRequest): Promise<RedirectAiResponse> {
  return request(`${sessionPath(id)}/ai/${encodeURIComponent(runId)}/redirect`, { method: 'POST', token, body });
}

export function cancelAi(id: string, token: string, runId: string, name: string): Promise<CancelAiResponse> {
  const body: CancelAiRequest = { name };
  return request(`${sessionPath(id)}/ai/${encodeURIComponent(runId)}/cancel`, { method: 'POST', token, body });
}

/** Who decides: shown in the review log and as the author of text a reject restores. */
export interface Reviewer {
  name: string;
  clientId: number;
}

export type ReviewRequest = Omit<ReviewRequestBody, 'by'>;

/** Keep, reject or undo: the server applies it to the document, so every participant sees it. */
export function postReview(id: string, token: string, review: ReviewRequest, by: Reviewer): Promise<ReviewResponse> {
  const body: ReviewRequestBody = { ...review, by: { name: by.name.trim().slice(0, 80) || 'an editor', clientId: by.clientId } };
  return request(`${sessionPath(id)}/review`, { method: 'POST', token, body });
}

export async function predictEdit(id: string, token: string, body: PredictRequest, signal: AbortSignal): Promise<PredictResponse> {
  const res = await fetch(`${sessionPath(id)}/predict`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    cache: 'no-store',
    signal,
  });
  const json = (await res.json().catch(() => undefined)) as (PredictResponse & Partial<ApiError>) | undefined;
  if (res.ok && json) return json;
  throw new ApiRequestError(res.status, json?.error?.code ?? `http_${res.status}`, json?.error?.message ?? `Request failed (${res.status})`);
}

/** The session's checkpoints, newest first (any link). */
export async function listCheckpoints(id: string, token: string): Promise<CheckpointInfo[]> {
  return (await request<CheckpointListResponse>(`${sessionPath(id)}/checkpoints`, { token })).checkpoints;
}

/** One checkpoint with every file's text (any link). */
export function getCheckpoint(id: string, token: string, checkpointId: string): Promise<CheckpointResponse> {
  return request(`${sessionPath(id)}/checkpoints/${encodeURIComponent(checkpointId)}`, { token });
}

/** A checkpoint of the files as they are now (edit link). */
export async function saveCheckpoint(id: string, token: string, body: SaveCheckpointRequest): Promise<CheckpointInfo> {
  return (await request<{ checkpoint: CheckpointInfo }>(`${sessionPath(id)}/checkpoints`, { method: 'POST', token, body })).checkpoint;
}
