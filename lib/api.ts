// Wire types of the HTTP API, shared by the browser and the server. Request bodies are zod
// schemas: the server validates with them and the browser takes their types (type-only imports,
// so zod stays out of the page).
import { z } from 'zod';
import type { AiRunStatus } from './ai/aiRuns.ts';
import type { ReviewResult } from './review/actions.ts';
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
  /** The models people may ask for, the default first (one when there is no choice). */
  models?: string[];
  /** Edit predictions' model, or null when predictions are off on this server. */
  predictions?: { model: string; kind: 'fim' | 'chat' | 'responses' } | null;
}

export const MAX_PROMPT_CHARS = 20_000;

const LineSelection = z.object({
  startLine: z.number().int().min(1),
  startColumn: z.number().int().min(1),
  endLine: z.number().int().min(1),
  endColumn: z.number().int().min(1),
});
const OffsetSelection = z.object({ start: z.number().int().min(0), end: z.number().int().min(0) });

/** `POST /api/sessions/<id>/ai` (Bearer edit token) → 202 AskAiResponse */
const AiPrompt = z.string().trim().min(1, 'prompt must not be empty').max(MAX_PROMPT_CHARS, `prompt must be at most ${MAX_PROMPT_CHARS} characters`);
/** Who asks, as the page claims it (the server checks the clientId against the live connection). */
const RequestedBy = z.object({
  name: z.string().trim().max(80).optional(),
  clientId: z.number().int().min(0).max(2 ** 32).optional(),
});

export const AskAiBody = z.object({
  prompt: AiPrompt,
  file: z.string().max(512).optional(),
  selection: z.union([LineSelection, OffsetSelection]).optional(),
  requestedBy: RequestedBy.optional(),
  /** One of the models the server offers (AiProviderStatus.models); default: its first. */
  model: z.string().trim().min(1).max(128).optional(),
});
export type AskAiRequest = z.input<typeof AskAiBody>;

export interface AskAiResponse {
  runId: string;
  queuePosition: number;
}

/**
 * `POST /api/sessions/<id>/predict` (Bearer edit token) → 200 PredictResponse: the predicted next
 * edit at the cursor in the person's file, for their own editor only (nothing is written).
 */
export const PredictBody = z.object({
  file: z.string().max(512),
  /** The cursor: an offset into the file's text, or a 1-based line and column. */
  cursor: z.union([z.number().int().min(0), z.object({ line: z.number().int().min(1), column: z.number().int().min(1) })]),
  requestedBy: z.object({ clientId: z.number().int().min(0).max(2 ** 32).optional() }).optional(),
  /** The page's Yjs state vector (base64): the server predicts against at least this state. */
  stateVector: z.string().max(2048).regex(/^[A-Za-z0-9+/=]*$/).optional(),
});
export type PredictRequest = z.input<typeof PredictBody>;

export interface PredictedRange {
  start: number;
  end: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface PredictResponse {
  /** Replace `range` by `text`; null when the model predicts no edit. */
  prediction: { range: PredictedRange; text: string } | null;
  /** 'model', 'cache', 'typed-through' (a prediction the person is typing through) or 'superseded' (a newer request replaced this one). */
  source: 'model' | 'cache' | 'typed-through' | 'superseded';
  model: string;
}

/**
 * The same request on the collab WebSocket (lib/protocol.ts MESSAGE.predict, JSON): `id` is the
 * page's, echoed in the answer; `{id, cancel: true}` stops the request in flight upstream. The
 * person is the socket's; the text is at least what the socket sent before, and what `seen` names.
 */
export const PredictFrame = z.union([
  z.object({ id: z.number().int().min(0).max(2 ** 31), cancel: z.literal(true) }).strict(),
  z
    .object({
      id: z.number().int().min(0).max(2 ** 31),
      file: PredictBody.shape.file,
      cursor: PredictBody.shape.cursor,
      /** The page's own Yjs client and clock with the keystroke: the server waits until it has them (the update follows this frame). */
      seen: z.object({ client: z.number().int().min(0).max(2 ** 32), clock: z.number().int().min(0).max(2 ** 40) }).strict().optional(),
    })
    .strict(),
]);
export type PredictFrameRequest = z.input<typeof PredictFrame>;

/** The answer to a PredictFrame: the HTTP answer or its error, and the server's stage times (as Server-Timing). */
export type PredictFrameAnswer = { id: number | null; timing?: string } & (PredictResponse | (ApiError & { retryAfterMs?: number }));

/** `POST /api/sessions/<id>/ai/<runId>/cancel` (Bearer edit token) → 200 CancelAiResponse */
/**
 * `POST /api/sessions/<id>/ai/<runId>/redirect` (Bearer edit token) → 202 RedirectAiResponse: a
 * follow-up to a run. `steer` (default): the run's hunk in progress is rolled back and it goes on
 * with the new instruction, in the same thread entry; `queue`: a new run after it.
 */
export const RedirectAiBody = z.object({
  prompt: AiPrompt,
  mode: z.enum(['steer', 'queue']).default('steer'),
  requestedBy: RequestedBy.optional(),
});
export type RedirectAiRequest = z.input<typeof RedirectAiBody>;

export interface RedirectAiResponse {
  mode: 'steer' | 'queue';
  /** The run that carries the instruction: the same run when steered, the new one when queued. */
  runId: string;
  queuePosition: number | null;
}

export const CancelAiBody = z.object({ name: z.string().trim().max(80).optional() }).optional();
export type CancelAiRequest = z.input<typeof CancelAiBody>;

export interface CancelAiResponse {
  runId: string;
  status: AiRunStatus;
}

/**
 * `POST /api/sessions/<id>/review` (Bearer edit token) → 200: keep or reject hunks (named, all of
 * a run, or all of a file), or undo a log entry (the last one not undone when none is named).
 */
export const ReviewBody = z.object({
  action: z.enum(['keep', 'reject', 'undo']),
  hunkIds: z.array(z.string().min(1).max(100)).min(1).max(500).optional(),
  runId: z.string().min(1).max(64).optional(),
  file: z.string().min(1).max(512).optional(),
  entryId: z.string().min(1).max(64).optional(),
  /** Who decides: shown in the review log and as the author of text a reject restores. */
  by: z.object({ name: z.string().trim().min(1).max(80), clientId: z.number().int().min(0).max(2 ** 32).optional() }).optional(),
});
export type ReviewRequestBody = z.input<typeof ReviewBody>;

/** What a review changed: the log entry and the hunks it decided. */
export type ReviewResponse = ReviewResult;

/** Why a checkpoint was made. */
export type CheckpointKind = 'before-run' | 'after-run' | 'idle' | 'manual' | 'deletion' | 'before-restore';

/** One file a checkpoint changed, against the checkpoint before it. */
export interface CheckpointChange {
  path: string;
  change: 'added' | 'modified' | 'deleted';
}

/** A checkpoint as the History panel lists it (GET /api/sessions/<id>/checkpoints). */
export interface CheckpointInfo {
  id: string;
  createdAt: number;
  kind: CheckpointKind;
  /** "Before AI: …", a saved name, "Deleted src/a.ts", "Edits by Ada". */
  label: string;
  /** Who: the people whose edits it holds, who asked the AI, who saved or deleted. */
  by: string[];
  /** The AI run it is around, if any. */
  runId: string | null;
  /** Files changed since the checkpoint before it (at most 50 listed) and how many in all. */
  changed: CheckpointChange[];
  changedCount: number;
  /** Files in the checkpoint. */
  fileCount: number;
}

export interface CheckpointListResponse {
  checkpoints: CheckpointInfo[];
}

/** GET /api/sessions/<id>/checkpoints/<cid>: the checkpoint with every file's text. */
export interface CheckpointResponse {
  checkpoint: CheckpointInfo;
  files: Record<string, string>;
}

export const MAX_CHECKPOINT_NAME = 120;

export const SaveCheckpointBody = z.object({
  name: z.string().trim().min(1).max(MAX_CHECKPOINT_NAME),
  by: z.object({ name: z.string().trim().min(1).max(80) }).optional(),
  /** 'before-restore': the page's own checkpoint just before it restores files (default 'manual'). */
  kind: z.enum(['manual', 'before-restore']).optional(),
});
export type SaveCheckpointRequest = z.input<typeof SaveCheckpointBody>;

export const RestoreCheckpointBody = z.object({
  /** One file to put back; without it, the whole session. */
  file: z.string().max(1024).optional(),
  by: z.object({ name: z.string().trim().min(1).max(80) }).optional(),
}).optional();
export type RestoreCheckpointRequest = z.input<typeof RestoreCheckpointBody>;

export interface RestoreCheckpointResponse {
  /** The paths the restore changed (empty when they already matched). */
  restored: string[];
  /** The checkpoint of the files as they were just before, to undo with. */
  before: CheckpointInfo;
}
