// Wire types of the HTTP API, shared by the browser and the server.
import type { Role } from './schema.ts';

export interface CollabInfo {
  serverUrl: string;
  room: string;
  editParams: { token: string };
  viewParams: { token: string };
}

/** `POST /api/sessions` → 201 */
export interface CreateSessionResponse {
  id: string;
  title: string;
  editUrl: string;
  viewUrl: string;
  collab: CollabInfo;
}

/** `GET /api/sessions/<id>` (Bearer token) → 200 */
export interface SessionInfoResponse {
  id: string;
  title: string;
  role: Role;
  collab: { serverUrl: string; room: string; params: { token: string } };
}

/** `GET /api/sessions/<id>/links` (Bearer edit token; 403 for a view token) → 200 */
export interface SessionLinksResponse {
  editUrl: string;
  viewUrl: string;
}

/** `GET /api/sessions/<id>/files` (Bearer token) → 200 */
export interface FilesResponse {
  files: Record<string, string>;
}

/** Every error response body. */
export interface ApiError {
  error: { code: string; message: string };
}

/** `GET /api/sessions/<id>/ai` → 200: whether a model is connected, or how to connect one. */
export interface AiProviderStatus {
  configured: boolean;
  provider: string | null;
  model: string | null;
  kind: 'responses' | 'chat' | null;
  transport: string | null;
  /** How to connect a model, or why the configured one cannot be used. */
  help: string | null;
}
