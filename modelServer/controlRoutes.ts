// Test-only control routes, mounted only when the server is started with `control: true` (the
// CLI's --control): a test in another process (Playwright) scripts turns over HTTP, resets the
// server between tests and reads what it saw. Scripted turns are plain JSON here (no functions).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ModelServerCore } from './modelServerCore.ts';
import { readBody } from './modelServerCore.ts';
import { sendError, sendJson } from './responsesHttpEndpoint.ts';
import type { PausedTurn } from './turnPauses.ts';
import type { AbortRecord, ScriptedTurn } from './modelServerTypes.ts';

export const CONTROL_PREFIX = '/__control/';
const MAX_CONTROL_BYTES = 4 * 1024 * 1024;

const afterTokens = z.number().int().min(0).optional();
const FailureSchema = z.union([
  z.object({ kind: z.literal('drop'), afterTokens }),
  z.object({ kind: z.literal('http'), status: z.number().int().min(400).max(599), retryAfterSeconds: z.number().min(0).optional(), code: z.string().optional(), message: z.string().optional() }),
  z.object({ kind: z.literal('malformed'), variant: z.enum(['invalid-json', 'unknown-event', 'no-type']), afterTokens }),
  z.object({ kind: z.literal('stall'), ms: z.number().min(0), afterTokens }),
  z.object({ kind: z.literal('previous_response_not_found') }),
  z.object({ kind: z.literal('connection_limit') }),
  z.object({ kind: z.literal('error-event'), afterTokens, shape: z.enum(['nested', 'flat']).optional(), code: z.string().optional(), message: z.string().optional(), status: z.number().int().optional() }),
  z.object({ kind: z.literal('failed'), afterTokens, code: z.string().optional(), message: z.string().optional() }),
  z.object({ kind: z.literal('incomplete'), afterTokens, reason: z.enum(['max_output_tokens', 'content_filter']).optional() }),
]);
const ToolCallSchema = z.object({ name: z.string().min(1), input: z.string(), kind: z.enum(['custom', 'function']).optional() });
const TurnSchema = z.object({
  text: z.string().optional(),
  toolCall: ToolCallSchema.optional(),
  toolCalls: z.array(ToolCallSchema).max(64).optional(),
  failure: FailureSchema.optional(),
  rate: z.number().min(0).optional(),
  chunkTokens: z.number().int().min(1).optional(),
  firstTokenDelayMs: z.number().min(0).max(600_000).optional(),
  id: z.string().min(1).max(200).optional(),
  pauseAfterTokens: z.union([z.number().int().min(0), z.array(z.number().int().min(0)).min(1).max(64)]).optional(),
  pauseAt: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(64)]).optional(),
  pauseMaxMs: z.number().min(0).max(600_000).optional(),
  whenInputIncludes: z.string().min(1).max(10_000).optional(),
  steering: z.enum(['unsupported', 'successor-fails', 'drop']).optional(),
});
const ScriptBody = z.object({ turns: z.array(TurnSchema).min(1).max(1000) });
const ReleaseBody = z.object({ id: z.string().min(1).max(200).optional() }).strict();

/** What GET /__control/stats answers. */
export interface ControlStats {
  pending: number;
  wsHandshakes: number;
  wsOpen: number;
  requests: number;
  tokenEvents: number;
  tokens: number;
  responses: Record<string, number>;
  http: Record<string, number>;
  /** Turns waiting at a scripted pause now. */
  paused: PausedTurn[];
  /** Pauses reached, released by a test, and ended by their bound, since the last reset. */
  pauses: { reached: number; released: number; timedOut: number };
  /** Streamed answers the client closed the connection on before their end, oldest first (bodies left out). */
  aborted: Omit<AbortRecord, 'body'>[];
}

export function controlStats(core: ModelServerCore): ControlStats {
  const tokens = core.stats.tokens.all();
  return {
    pending: core.script.pending,
    wsHandshakes: core.stats.wsHandshakes,
    wsOpen: core.stats.wsOpen,
    requests: core.stats.requests.length,
    tokenEvents: tokens.length,
    tokens: tokens.reduce((n, t) => n + t.count, 0),
    responses: Object.fromEntries(core.stats.responses),
    http: Object.fromEntries(core.stats.http),
    paused: core.pauses.list(),
    pauses: { reached: core.pauses.reached, released: core.pauses.released, timedOut: core.pauses.timedOut },
    aborted: core.stats.aborted.all().map(({ transport, responseId, afterTokens, at }) => ({ transport, responseId, afterTokens, at })),
  };
}

async function readJson(req: IncomingMessage, res: ServerResponse): Promise<{ ok: true; body: unknown } | { ok: false }> {
  try {
    const raw = await readBody(req);
    if (raw.length > MAX_CONTROL_BYTES) {
      sendError(res, 413, 'request_too_large', 'The control body is too large.');
      return { ok: false };
    }
    return { ok: true, body: raw.length === 0 ? {} : JSON.parse(raw.toString('utf8')) };
  } catch {
    sendError(res, 400, 'invalid_json', 'The control body is not JSON.');
    return { ok: false };
  }
}

/**
 * POST /__control/script {turns}, POST /__control/release {id?}, POST /__control/reset,
 * GET /__control/stats.
 */
export async function handleControl(core: ModelServerCore, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path}`;
  if (route === 'GET /__control/stats') return sendJson(res, 200, controlStats(core));
  if (route === 'POST /__control/reset') {
    // Paused turns from the last test go on (and finish) rather than hold a connection for a minute.
    core.pauses.reset();
    core.script.clear();
    core.script.globalFailure = null;
    core.stats.reset();
    return sendJson(res, 200, { ok: true });
  }
  if (route === 'POST /__control/script') {
    const body = await readJson(req, res);
    if (!body.ok) return;
    const parsed = ScriptBody.safeParse(body.body);
    if (!parsed.success) return sendError(res, 400, 'invalid_script', z.prettifyError(parsed.error));
    try {
      core.script.enqueue(parsed.data.turns as ScriptedTurn[]);
    } catch (err) {
      return sendError(res, 400, 'invalid_script', (err as Error).message);
    }
    return sendJson(res, 200, { pending: core.script.pending });
  }
  if (route === 'POST /__control/release') {
    const body = await readJson(req, res);
    if (!body.ok) return;
    const parsed = ReleaseBody.safeParse(body.body);
    if (!parsed.success) return sendError(res, 400, 'invalid_release', z.prettifyError(parsed.error));
    return sendJson(res, 200, { released: core.pauses.release(parsed.data.id) });
  }
  return sendError(res, 404, 'not_found', `No control route ${route}.`);
}
