// Browser calls to Tandem's HTTP API (served by server/, see lib/api.ts for the wire types).
import type { ApiError, CreateSessionResponse, SessionInfoResponse, SessionLinksResponse } from '@/lib/api.ts';

/** An error the page can explain: the HTTP status (0 when the server could not be reached). */
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

async function request<T>(path: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, cache: 'no-store' });
  } catch {
    throw new ApiRequestError(0, 'network', 'The Tandem server could not be reached.');
  }
  if (res.ok) return (await res.json()) as T;
  let code = `http_${res.status}`;
  let message = res.statusText || 'Request failed';
  try {
    const body = (await res.json()) as Partial<ApiError>;
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
    }
  } catch {
    // Not JSON (a proxy page, say): keep the status text.
  }
  throw new ApiRequestError(res.status, code, message);
}

export function createSession(title: string, files: Record<string, string>): Promise<CreateSessionResponse> {
  return request<CreateSessionResponse>('/api/sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, files }),
  });
}

export function getSessionInfo(id: string, token: string): Promise<SessionInfoResponse> {
  return request<SessionInfoResponse>(`/api/sessions/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

export function zipUrl(id: string, token: string): string {
  return `/api/sessions/${encodeURIComponent(id)}/zip?token=${encodeURIComponent(token)}`;
}

/** Pulls the capability token out of an edit/view URL (`…/s/<id>#token=<token>`). */
export function tokenFromUrl(url: string): string | null {
  const hash = url.includes('#') ? url.slice(url.indexOf('#') + 1) : '';
  return new URLSearchParams(hash).get('token');
}

/** Both share links (edit token only: a viewer gets 403). */
export function getSessionLinks(id: string, token: string): Promise<SessionLinksResponse> {
  return request<SessionLinksResponse>(`/api/sessions/${encodeURIComponent(id)}/links`, {
    headers: { authorization: `Bearer ${token}` },
  });
}
