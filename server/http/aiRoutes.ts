// AI endpoints: ask (edit token), run status, redirect and cancel (edit token), provider status. Bodies are
// validated here with zod, once; the AI service trusts its types.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AskAiBody, CancelAiBody, RedirectAiBody } from '../../lib/api.ts';
import { clientAddress } from '../cluster/forward.ts';
import { lineColumn } from '../../lib/textPosition.ts';
import { filesOf, normalisePath } from '../../lib/schema.ts';
import type { AiSelection } from '../../lib/ai/aiRuns.ts';
import { AiError } from '../ai/aiError.ts';
import { requireAccess, type ApiDeps } from './sessionRoutes.ts';
import { HttpError, bearerToken, readJsonBody, sendError, sendJson } from './respond.ts';

const MAX_AI_BODY_BYTES = 64 * 1024;

async function access(req: IncomingMessage, deps: ApiDeps, id: string, needEdit: boolean) {
  const result = await requireAccess(deps, id, bearerToken(req));
  if (needEdit && result.role !== 'edit') throw new HttpError('read_only', 'viewers cannot ask the AI or stop it; use an edit link');
  return result;
}

/**
 * Who asks, as the server knows it: the editor's live connection when the body's clientId is one
 * that connection publishes (same address), else the address. Varying the body's fields never
 * buys another allowance, and the name shown is the one everyone sees in presence.
 */
export function whoAsks(req: IncomingMessage, deps: ApiDeps, id: string, claimed: { name?: string; clientId?: number } | undefined): { name: string; personKey: string; clientId?: number } {
  const address = clientAddress(req, deps.config.secret);
  const requester = deps.rooms.requester(id, claimed?.clientId, address);
  return {
    name: requester?.name ?? (claimed?.name || 'someone'),
    personKey: requester?.key ?? `addr${address}`,
    clientId: requester ? claimed?.clientId : undefined,
  };
}

export async function askAi(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string): Promise<void> {
  await access(req, deps, id, true);
  const parsed = AskAiBody.safeParse(await readJsonBody(req, MAX_AI_BODY_BYTES));
  if (!parsed.success) throw new HttpError('invalid_body', z.prettifyError(parsed.error));
  const body = parsed.data;
  let file: string | null = null;
  let selection: AiSelection | null = null;
  if (body.file !== undefined) {
    file = normalisePath(body.file);
    if (!file) throw new HttpError('invalid_path', 'file is not a valid workspace path');
    const path = file;
    const text = await deps.rooms.withDoc(id, (doc) => filesOf(doc).get(path)?.toString() ?? null);
    if (text === null) throw new HttpError('unknown_file', `no file ${JSON.stringify(path)} in this session`);
    const sel = body.selection;
    if (sel && 'start' in sel) {
      const a = lineColumn(text, Math.min(sel.start, sel.end));
      const b = lineColumn(text, Math.max(sel.start, sel.end));
      selection = { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
    } else if (sel) {
      selection = sel;
    }
  } else if (body.selection) {
    throw new HttpError('invalid_body', 'a selection needs a file');
  }
  const { name, personKey, clientId } = whoAsks(req, deps, id, body.requestedBy);
  if (!deps.ai) throw new HttpError('ai_unavailable', 'the AI is not available on this server');
  try {
    const queued = await deps.ai.request(id, personKey, {
      prompt: body.prompt,
      file,
      selection,
      requestedBy: { name, ...(clientId !== undefined ? { clientId } : {}) },
      ...(body.model ? { model: body.model } : {}),
    });
    sendJson(res, 202, queued);
  } catch (err) {
    // The status for the code is the table's (errorStatus.ts).
    if (err instanceof AiError) return sendError(res, err.code, err.message, err.retryAfterMs);
    throw err;
  }
}

export async function redirectAi(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string, runId: string): Promise<void> {
  await access(req, deps, id, true);
  const parsed = RedirectAiBody.safeParse(await readJsonBody(req, MAX_AI_BODY_BYTES));
  if (!parsed.success) throw new HttpError('invalid_body', z.prettifyError(parsed.error));
  const { prompt, mode, requestedBy } = parsed.data;
  if (!deps.ai) throw new HttpError('ai_unavailable', 'the AI is not available on this server');
  const run = await deps.ai.run(id, runId);
  if (!run) throw new HttpError('not_found', 'no such AI run in this session');
  const { name, personKey, clientId } = whoAsks(req, deps, id, requestedBy);
  // A follow-up is about the same file and selection as the run it follows.
  const request = { prompt, file: run.file, selection: run.selection, requestedBy: { name, ...(clientId !== undefined ? { clientId } : {}) }, ...(run.model ? { model: run.model } : {}) };
  try {
    const outcome = await deps.ai.redirect(id, personKey, runId, request, mode);
    if (!outcome) throw new HttpError('not_found', 'no such AI run in this session');
    sendJson(res, 202, { mode, runId: outcome.runId, queuePosition: outcome.queuePosition });
  } catch (err) {
    if (err instanceof AiError) return sendError(res, err.code, err.message, err.retryAfterMs);
    throw err;
  }
}

export async function aiRun(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string, runId: string): Promise<void> {
  await access(req, deps, id, false);
  const run = deps.ai ? await deps.ai.run(id, runId) : null;
  if (!run) throw new HttpError('not_found', 'no such AI run in this session');
  sendJson(res, 200, run);
}

export async function cancelAi(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string, runId: string): Promise<void> {
  await access(req, deps, id, true);
  const parsed = CancelAiBody.safeParse(await readJsonBody(req, MAX_AI_BODY_BYTES));
  if (!parsed.success) throw new HttpError('invalid_body', z.prettifyError(parsed.error));
  const by = parsed.data?.name || 'an editor';
  const status = deps.ai ? await deps.ai.cancel(id, runId, by) : null;
  if (!status) throw new HttpError('not_found', 'no such AI run in this session');
  sendJson(res, 200, { runId, status });
}

export async function aiStatus(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string): Promise<void> {
  await access(req, deps, id, false);
  if (!deps.ai) throw new HttpError('ai_unavailable', 'the AI is not available on this server');
  const predictions = deps.predictions ? { model: deps.predictions.config.model, kind: deps.predictions.config.kind } : null;
  sendJson(res, 200, { ...(await deps.ai.status()), predictions });
}
